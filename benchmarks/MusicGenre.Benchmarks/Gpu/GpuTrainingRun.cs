using System.Diagnostics;
using MusicGenre.Nn.Architectures;
using MusicGenre.Nn.Backends;
using MusicGenre.Nn.Initialization;
using MusicGenre.Nn.Layers;
using MusicGenre.Nn.Losses;
using MusicGenre.Nn.Optimizers;
using MusicGenre.Nn.Tensors;

namespace MusicGenre.Benchmarks.Gpu;

/// <summary>
/// A network, SGD (momentum 0.9), loss and a seeded input batch on one backend (ILGPU or CPU), for the GPU train-step suite and
/// the per-layer profiles (GpuBench --profile; MusicGenre.Benchmarks --profile on the CPU): `reference` (Conv 1→32→64→128 3×3 pad 1 + ReLU + MaxPool 2 each, global average pool, Linear 10;
/// 128 × 599), `default` (128 × 130) or `lachmish2016` (128 × 599).
/// </summary>
internal sealed class GpuTrainingRun : IDisposable
{
    private readonly IBackend _backend;
    private readonly Sgd _opt;
    private readonly SoftmaxCrossEntropy _loss;
    private readonly Tensor _x;
    private readonly int[] _labels;

    public GpuTrainingRun(IBackend backend, string net, int batch)
    {
        _backend = backend;
        var r = new Random(1);
        int frames = net == ArchitectureCatalog.Default ? 130 : 599;
        float[] x = new float[batch * 128 * frames];
        for (int i = 0; i < x.Length; i++) x[i] = (float)r.NextDouble() - 0.5f;
        _labels = [.. Enumerable.Range(0, batch).Select(i => i % 10)];
        if (net == "reference")
        {
            Net = new Sequential(backend, "ref3", [
                new Conv2d(backend, "conv1", 1, 32, 3, 3, padding: Padding2d.Symmetric(1)), new Relu(backend, "relu1"), new MaxPool2d(backend, "pool1", 2, 2),
                new Conv2d(backend, "conv2", 32, 64, 3, 3, padding: Padding2d.Symmetric(1)), new Relu(backend, "relu2"), new MaxPool2d(backend, "pool2", 2, 2),
                new Conv2d(backend, "conv3", 64, 128, 3, 3, padding: Padding2d.Symmetric(1)), new Relu(backend, "relu3"), new MaxPool2d(backend, "pool3", 2, 2),
                new GlobalAvgPool2d(backend, "gap"), new Dense(backend, "fc", 128, 10)]);
            var init = new Random(7);
            foreach (var p in Net.Parameters)
                p.Value.CopyFrom([.. Enumerable.Range(0, p.Value.Length).Select(_ => (float)(init.NextDouble() - 0.5) * 0.1f)]);
        }
        else
        {
            var network = GenreNetwork.Build(ArchitectureCatalog.Create(net, new Dictionary<string, double> { ["frames"] = frames }), backend, 1);
            network.Initialize(new Rng(1));
            Net = network.Net;
        }
        _opt = new Sgd(backend, Net.Parameters, 0.01f, 0.9f);
        _loss = new SoftmaxCrossEntropy(backend);
        _x = backend.FromHost(x, new Shape(batch, 1, 128, frames));
    }

    /// <summary>The network.</summary>
    public Sequential Net { get; }

    /// <summary>One step (forward, loss, backward, update), synchronised; returns the loss.</summary>
    public float Step()
    {
        float l = _loss.Forward(Net.Forward(_x, training: true), _labels);
        Net.Backward(_loss.Backward(), needInputGradient: false);
        _opt.Step();
        _backend.Synchronize();
        return l;
    }

    /// <summary>
    /// Milliseconds per layer, forward and backward, of one step (each layer synchronised before the clock is read,
    /// so the total exceeds an unsynchronised step by the queueing it prevents), plus loss and update.
    /// </summary>
    public IReadOnlyList<(string Name, double ForwardMs, double BackwardMs)> Profile()
    {
        var rows = new List<(string, double, double)>();
        var forward = new Dictionary<string, double>();
        var backward = new Dictionary<string, double>();
        var clock = Stopwatch.StartNew();
        void Lap(Dictionary<string, double> into, string name)
        {
            _backend.Synchronize();
            into[name] = clock.Elapsed.TotalMilliseconds;
            clock.Restart();
        }
        _backend.Synchronize();
        clock.Restart();
        var logits = Net.Forward(_x, training: true, (layer, _) => Lap(forward, layer.Name));
        _loss.Forward(logits, _labels);
        var dlogits = _loss.Backward();
        Lap(forward, "loss");
        // The backward observer runs before each layer's backward: a lap there closes the layer before it (in backward
        // order); the last layer's lap comes after the loop.
        string? previous = null;
        Net.Backward(dlogits, needInputGradient: false, (layer, _) =>
        {
            if (previous is not null) Lap(backward, previous);
            previous = layer.Name;
        });
        Lap(backward, previous!);
        _opt.Step();
        Lap(backward, "sgd");
        foreach (var layer in Net.Layers) rows.Add((layer.Name, forward[layer.Name], backward.GetValueOrDefault(layer.Name)));
        rows.Add(("loss / sgd", forward["loss"], backward["sgd"]));
        return rows;
    }

    /// <summary>The median of <paramref name="values"/> (the profiles' per-layer figure).</summary>
    public static double Median(IEnumerable<double> values)
    {
        var v = values.Order().ToArray();
        return v.Length % 2 == 1 ? v[v.Length / 2] : 0.5 * (v[v.Length / 2 - 1] + v[v.Length / 2]);
    }

    public void Dispose() => _backend.Dispose();
}
