using MusicGenre.Nn.Backends;
using MusicGenre.Nn.Initialization;
using MusicGenre.Nn.Layers;
using MusicGenre.Nn.ModelFile;
using MusicGenre.Nn.Tensors;

namespace MusicGenre.Nn.Architectures;

/// <summary>
/// A runnable network built from an <see cref="ArchitectureSpec"/> on one backend: the layer chain plus the handles a
/// trainer needs (dropout layers for their RNG counters, BatchNorm layers for their batch counters) and conversions to
/// and from the host tensors of a <see cref="GenreModel"/>.
/// </summary>
internal sealed class GenreNetwork
{
    private GenreNetwork(ArchitectureSpec spec, IBackend backend, Sequential net)
    {
        Spec = spec; Backend = backend; Net = net;
        Dropouts = net.Layers.OfType<Dropout>().ToArray();
        BatchNorms = net.Layers.Select(l => l as BatchNorm2d ?? (l as BatchNormReluPool)?.BatchNorm).OfType<BatchNorm2d>().ToArray();
    }

    /// <summary>The description this network was built from.</summary>
    public ArchitectureSpec Spec { get; }

    /// <summary>The backend holding every tensor.</summary>
    public IBackend Backend { get; }

    /// <summary>The layer chain (input <c>[N, channels, mels, frames]</c> → logits <c>[N, classes]</c>).</summary>
    public Sequential Net { get; }

    /// <summary>Dropout layers in order (their <see cref="Dropout.CallCount"/> is RNG state).</summary>
    public IReadOnlyList<Dropout> Dropouts { get; }

    /// <summary>BatchNorm layers in order.</summary>
    public IReadOnlyList<BatchNorm2d> BatchNorms { get; }

    /// <summary>
    /// Builds the layers of <paramref name="spec"/> with zero weights. Dropout layer i gets seed
    /// <c>dropoutSeed + i·0x9E3779B97F4A7C15</c>, so layers draw independent masks. With <paramref name="fuse"/> (the
    /// default), each BatchNorm → ReLU → 2×2 max-pool runs as one <see cref="BatchNormReluPool"/> layer where the backend
    /// fuses them (the CPU backend): same parameters and results, less memory traffic.
    /// </summary>
    public static GenreNetwork Build(ArchitectureSpec spec, IBackend backend, ulong dropoutSeed, bool fuse = true)
    {
        var layers = new List<Layer>();
        var shapes = spec.ShapeTrace(spec.Frames);
        int relu = 0, pool = 0, drop = 0;
        for (int i = 0; i < spec.Layers.Count; i++)
        {
            int[] input = shapes[i];
            layers.Add(spec.Layers[i] switch
            {
                Conv2dSpec c => new Conv2d(backend, c.Name, input[0], c.OutChannels, c.KernelH, c.KernelW,
                    padding: new Padding2d(c.PadTop, c.PadBottom, c.PadLeft, c.PadRight), bias: c.Bias),
                BatchNorm2dSpec b => new BatchNorm2d(backend, b.Name, input[0]),
                ReluSpec => new Relu(backend, $"relu{++relu}"),
                MaxPool2dSpec p => new MaxPool2d(backend, $"pool{++pool}", p.Kernel, p.Kernel, p.Stride, p.Stride, p.Ceil),
                DropoutSpec d => new Dropout(backend, $"dropout{++drop}", 1f - d.P, dropoutSeed + (ulong)drop * DropoutMask.Golden),
                GlobalAvgPoolSpec => new GlobalAvgPool2d(backend, "gap"),
                FoldFrequencySpec => new FoldFrequency(backend, "fold"),
                FlattenSpec => new Flatten(backend, "flatten"),
                DenseSpec d => new Dense(backend, d.Name, input[0], d.OutFeatures),
                var other => throw new NotSupportedException($"Layer {other} has no implementation."),
            });
        }
        if (fuse && backend is IBatchNormReluPoolBackend fused)
            for (int i = 0; i + 2 < layers.Count; i++)
                if (layers[i] is BatchNorm2d bn && BatchNormReluPool.CanFuse(layers[i + 1], layers[i + 2]))
                {
                    layers[i] = new BatchNormReluPool(fused, bn);
                    layers.RemoveRange(i + 1, 2);
                }
        return new GenreNetwork(spec, backend, new Sequential(backend, spec.Name, layers));
    }

    /// <summary>
    /// Whether <see cref="Build"/> fuses description layers <paramref name="i"/>..<paramref name="i"/> + 2 into one
    /// <see cref="BatchNormReluPool"/> on a fusing backend: <see cref="BatchNormReluPool.CanFuse"/> on descriptions, for
    /// estimates of the network as built (<see cref="Training.TrainingMemory"/>).
    /// </summary>
    internal static bool Fuses(IReadOnlyList<LayerSpec> layers, int i) =>
        i + 2 < layers.Count && layers[i] is BatchNorm2dSpec && layers[i + 1] is ReluSpec && layers[i + 2] is MaxPool2dSpec { Kernel: 2, Stride: 2, Ceil: false };

    /// <summary>
    /// He-normal initialisation for every convolution and hidden dense weight (they feed ReLUs), Glorot-uniform for
    /// the last dense layer (it feeds the softmax), zero biases; BatchNorm stays γ = 1, β = 0.
    /// </summary>
    public void Initialize(Rng rng)
    {
        var last = Net.Layers.OfType<Dense>().LastOrDefault();
        foreach (var layer in Net.Layers)
        {
            if (layer is BatchNorm2d or BatchNormReluPool) continue;
            foreach (var p in layer.Parameters)
            {
                if (p.Name.EndsWith(".bias", StringComparison.Ordinal)) Backend.Fill(p.Value, 0f);
                else if (ReferenceEquals(layer, last)) Init.GlorotUniform(p, rng);
                else Init.HeNormal(p, rng);
            }
        }
    }

    /// <summary>Copies weights and running statistics from <paramref name="model"/> (which must be valid for this architecture).</summary>
    public void Load(GenreModel model)
    {
        Restore(Net.Parameters.Select(p => (p.Name, p.Value)), model.Parameters, "model parameters");
        Restore(Net.Buffers.Select(b => (b.Name, b.Value)), model.Buffers, "model buffers");
    }

    /// <summary>The weights as host tensors, in network order.</summary>
    public List<ModelTensor> ExportParameters() => Net.Parameters.Select(p => new ModelTensor(p.Name, p.Shape.ToArray(), p.Value.ToArray())).ToList();

    /// <summary>The running statistics as host tensors, in network order.</summary>
    public List<ModelTensor> ExportBuffers() => Net.Buffers.Select(b => new ModelTensor(b.Name, b.Value.Shape.ToArray(), b.Value.ToArray())).ToList();

    /// <summary>Restores parameters or buffers from host tensors by name (used by checkpoints).</summary>
    public static void Restore(IEnumerable<(string Name, Tensor Value)> targets, IReadOnlyList<ModelTensor> source, string what)
    {
        var byName = source.ToDictionary(t => t.Name, StringComparer.Ordinal);
        foreach (var (name, value) in targets)
        {
            if (!byName.TryGetValue(name, out var t) || t.Data.Length != value.Length)
                throw new InvalidDataException($"{what}: tensor '{name}' missing or of the wrong size.");
            value.CopyFrom(t.Data);
        }
    }
}
