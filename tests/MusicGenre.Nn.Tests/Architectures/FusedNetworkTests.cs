using MusicGenre.Nn.Architectures;
using MusicGenre.Nn.Backends.Cpu;
using MusicGenre.Nn.Initialization;
using MusicGenre.Nn.Layers;
using MusicGenre.Nn.Losses;
using MusicGenre.Nn.Optimizers;
using MusicGenre.Nn.Tensors;

namespace MusicGenre.Nn.Tests.Architectures;

/// <summary>
/// The <c>default</c> network as the CPU backend runs it (each BatchNorm → ReLU → max-pool fused into one layer) against
/// the same network built layer by layer: same state-dict names, the same eval outputs bit for bit, and the same
/// training run (two SGD steps with momentum and dropout) to within the last bits of the BatchNorm gradient sums.
/// </summary>
public sealed class FusedNetworkTests
{
    private static readonly ArchitectureSpec Spec = ArchitectureCatalog.Create(ArchitectureCatalog.Default, new Dictionary<string, double>
    {
        ["width"] = 4, ["blocks"] = 3, ["mels"] = 16, ["frames"] = 21, ["min_frames"] = 8, ["classes"] = 5, ["dropout"] = 0.25,
    });

    [Fact]
    public void FusedNetworkHasTheSameStateAndEvalOutputs()
    {
        using var backend = new CpuBackend(2);
        var fused = GenreNetwork.Build(Spec, backend, 3);
        var plain = GenreNetwork.Build(Spec, backend, 3, fuse: false);
        Assert.Equal(3, fused.Net.Layers.OfType<BatchNormReluPool>().Count());
        Assert.Empty(plain.Net.Layers.OfType<BatchNormReluPool>());
        Assert.Equal(plain.Net.Parameters.Select(p => p.Name), fused.Net.Parameters.Select(p => p.Name));
        Assert.Equal(plain.Net.Buffers.Select(b => b.Name), fused.Net.Buffers.Select(b => b.Name));
        Assert.Equal(3, fused.BatchNorms.Count);

        plain.Initialize(new Rng(2));
        // Non-trivial running statistics and affine parameters (a fresh BatchNorm is the identity).
        var rng = new Rng(8);
        foreach (var t in plain.Net.Buffers.Select(b => b.Value).Concat(plain.Net.Parameters.Where(p => p.Name.Contains(".bn.")).Select(p => p.Value)))
            t.CopyFrom([.. Enumerable.Range(0, (int)t.Length).Select(_ => (float)(0.5 + Math.Abs(rng.NextGaussian())))]);
        GenreNetwork.Restore(fused.Net.Parameters.Select(p => (p.Name, p.Value)), plain.ExportParameters(), "parameters");
        GenreNetwork.Restore(fused.Net.Buffers.Select(b => (b.Name, b.Value)), plain.ExportBuffers(), "buffers");

        using var x = backend.FromHost(Input(3), new Shape(3, 1, 16, 21));
        Assert.Equal(plain.Net.Forward(x, training: false).ToArray(), fused.Net.Forward(x, training: false).ToArray());
    }

    [Fact]
    public void FusedNetworkTrainsAsTheLayerByLayerNetwork()
    {
        (float[] Losses, float[][] Parameters, float[][] Buffers, long[] Batches) Train(bool fuse)
        {
            using var backend = new CpuBackend(2);
            var network = GenreNetwork.Build(Spec, backend, dropoutSeed: 9, fuse);
            network.Initialize(new Rng(1));
            var loss = new SoftmaxCrossEntropy(backend);
            var sgd = new Sgd(backend, network.Net.Parameters, learningRate: 0.05f, momentum: 0.9f);
            using var input = backend.FromHost(Input(4), new Shape(4, 1, 16, 21));
            int[] labels = [0, 4, 1, 2];
            var losses = new float[2];
            for (int step = 0; step < 2; step++)
            {
                losses[step] = loss.Forward(network.Net.Forward(input, training: true), labels);
                network.Net.Backward(loss.Backward(), needInputGradient: false);
                sgd.Step();
            }
            return (losses, [.. network.Net.Parameters.Select(p => p.Value.ToArray())], [.. network.Net.Buffers.Select(b => b.Value.ToArray())],
                [.. network.BatchNorms.Select(b => b.NumBatchesTracked)]);
        }

        var plain = Train(fuse: false);
        var fused = Train(fuse: true);
        Assert.Equal(plain.Losses[0], fused.Losses[0]); // the first forward is the same computation
        Assert.NotEqual(plain.Losses[0], plain.Losses[1]);
        Close.Assert(plain.Losses, fused.Losses, 1e-6, 1e-6, "losses");
        for (int i = 0; i < plain.Parameters.Length; i++)
            Close.Assert(plain.Parameters[i], fused.Parameters[i], 1e-6, 1e-5, $"parameter {i} after two steps");
        for (int i = 0; i < plain.Buffers.Length; i++)
            Close.Assert(plain.Buffers[i], fused.Buffers[i], 1e-6, 1e-5, $"buffer {i} after two steps");
        Assert.Equal(plain.Batches, fused.Batches);
        Assert.All(fused.Batches, b => Assert.Equal(2, b));
    }

    private static float[] Input(int n)
    {
        var rng = new Rng(5);
        return [.. Enumerable.Range(0, n * 16 * 21).Select(_ => (float)rng.NextGaussian())];
    }
}
