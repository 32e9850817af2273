using MusicGenre.Nn.Backends;
using MusicGenre.Nn.Layers;
using MusicGenre.Nn.Tensors;

namespace MusicGenre.Nn.Tests.Golden;

/// <summary>
/// Builds a torch-cnn.h5 network group on a backend: the structure is known by the group's name (<c>small</c>,
/// <c>seed_arch</c>); channel counts, kernel sizes and biases come from the stored parameter shapes, pooling windows from
/// the stored activation shapes, so another file of the same schema with other sizes needs no code change.
/// </summary>
internal static class GoldenNetwork
{
    /// <summary>The activation name PyTorch stored for a layer (the last dense layer is stored as <c>logits</c>).</summary>
    public static string ActName(Sequential net, Layer layer) => ReferenceEquals(layer, net.Layers[^1]) ? "logits" : layer.Name;

    /// <summary>Builds the network of <paramref name="group"/> and loads <c>params/</c> (and <c>buffers_init/</c> when present).</summary>
    public static Sequential Build(H5Golden h5, string group, IBackend backend)
    {
        string P(string name) => $"/{group}/params/{name}";
        int[] Shape(string name) => h5.Float(P(name)).Shape;
        int[] ActShape(string name) => h5.Float($"/{group}/acts/{name}").Shape;
        var layers = new List<Layer>();

        Conv2d Conv(string name, Padding2d pad)
        {
            var w = Shape(name + ".weight");
            return new Conv2d(backend, name, w[1], w[0], w[2], w[3], padding: pad, bias: h5.Exists(P(name + ".bias")));
        }

        MaxPool2d Pool(string name, string input)
        {
            // Window = stride = ceil(in / out) per axis; ceil mode clips a partial last window.
            int[] i = ActShape(input), o = ActShape(name);
            return new MaxPool2d(backend, name, (i[2] + o[2] - 1) / o[2], (i[3] + o[3] - 1) / o[3], ceilMode: true);
        }

        switch (group)
        {
            case "small":
                for (int k = 1; h5.Exists(P($"conv{k}.weight")); k++)
                {
                    var w = Shape($"conv{k}.weight");
                    layers.Add(Conv($"conv{k}", new Padding2d(w[2] / 2, w[2] / 2, w[3] / 2, w[3] / 2)));
                    layers.Add(new BatchNorm2d(backend, $"bn{k}", w[0]));
                    layers.Add(new Relu(backend, $"relu{k}"));
                    layers.Add(Pool($"pool{k}", $"relu{k}"));
                }
                layers.Add(new GlobalAvgPool2d(backend, "gap"));
                var fw = Shape("fc.weight");
                layers.Add(new Dense(backend, "fc", fw[1], fw[0], h5.Exists(P("fc.bias"))));
                break;
            case "seed_arch":
                for (int k = 1; h5.Exists(P($"conv{k}.weight")); k++)
                {
                    layers.Add(Conv($"conv{k}", Padding2d.Same));
                    layers.Add(new Relu(backend, $"relu{k}"));
                    layers.Add(Pool($"pool{k}", $"relu{k}"));
                }
                layers.Add(new Flatten(backend, "flat"));
                int fcCount = 0;
                while (h5.Exists(P($"fc{fcCount + 1}.weight"))) fcCount++;
                int reluIndex = layers.Count(l => l is Relu);
                for (int k = 1; k <= fcCount; k++)
                {
                    var w = Shape($"fc{k}.weight");
                    layers.Add(new Dense(backend, $"fc{k}", w[1], w[0], h5.Exists(P($"fc{k}.bias"))));
                    if (k < fcCount) layers.Add(new Relu(backend, $"relu{++reluIndex}"));
                }
                break;
            default:
                throw new NotSupportedException($"torch-cnn.h5 group '{group}' has no known structure (known: small, seed_arch).");
        }

        var net = new Sequential(backend, group, layers);
        foreach (var p in net.Parameters)
        {
            var (data, shape) = h5.Float(P(p.Name));
            Assert.Equal(p.Shape, new Shape(shape));
            p.Value.CopyFrom(data);
        }
        if (h5.Exists($"/{group}/buffers_init") && !InitBuffersAreAliased(h5, group, net))
            LoadBuffers(h5, $"/{group}/buffers_init", net);
        return net;
    }

    /// <summary>
    /// Detects a defect of the stored torch-cnn.h5: its <c>buffers_init/</c> running statistics are bit-identical to
    /// <c>buffers_after_forward/</c> (and are exactly one momentum-0.1 update of PyTorch's defaults mean 0 / var 1 with
    /// the batch statistics) while its <c>num_batches_tracked</c> is 0: the generator saved the float buffers after the
    /// forward mutated them in place. The state PyTorch really started from is its default, which a fresh
    /// <see cref="BatchNorm2d"/> already holds; every later state (after the forward, after 5 steps) is still checked
    /// strictly against the file.
    /// </summary>
    public static bool InitBuffersAreAliased(H5Golden h5, string group, Sequential net)
    {
        string init = $"/{group}/buffers_init", after = $"/{group}/buffers_after_forward";
        if (!h5.Exists(after) || net.Buffers.Count == 0) return false;
        foreach (var b in net.Buffers)
            if (!h5.Float($"{init}/{b.Name}").Data.AsSpan().SequenceEqual(h5.Float($"{after}/{b.Name}").Data)) return false;
        foreach (var bn in net.Layers.OfType<BatchNorm2d>())
            if (h5.Exists($"{init}/{bn.Name}.num_batches_tracked") && h5.Long($"{init}/{bn.Name}.num_batches_tracked")[0] != 0) return false;
        return true;
    }

    /// <summary>Loads BatchNorm running statistics and batch counters from a buffers group.</summary>
    public static void LoadBuffers(H5Golden h5, string path, Sequential net)
    {
        foreach (var b in net.Buffers) b.Value.CopyFrom(h5.Float($"{path}/{b.Name}").Data);
        foreach (var bn in net.Layers.OfType<BatchNorm2d>())
            if (h5.Exists($"{path}/{bn.Name}.num_batches_tracked"))
                bn.NumBatchesTracked = h5.Long($"{path}/{bn.Name}.num_batches_tracked")[0];
    }
}
