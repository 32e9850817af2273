using MusicGenre.Nn.Architectures;
using MusicGenre.Nn.Backends;
using MusicGenre.Nn.Backends.Cpu;
using MusicGenre.Nn.Initialization;
using MusicGenre.Nn.Losses;
using MusicGenre.Nn.Optimizers;
using MusicGenre.Nn.Tensors;

namespace MusicGenre.Nn.Tests.Gpu;

/// <summary>
/// The network the project ships (`default`: conv → BatchNorm → ReLU → max-pool blocks, frequency fold, average over
/// time, dropout, dense) trains on the ILGPU backend as on the CPU backend: same initialisation, two SGD steps with
/// momentum, same losses and parameters (CUDA when present, else the simulator; tiny shapes). The GPU training-step
/// benchmark and the GPU check time this network.
/// </summary>
[Collection(SimulatorCollection.Name)]
public sealed class GpuArchitectureTests
{
    [Fact]
    public void DefaultNetwork_TrainsOnTheGpuBackendAsOnTheCpu()
    {
        var spec = ArchitectureCatalog.Create(ArchitectureCatalog.Default, new Dictionary<string, double>
        {
            ["width"] = 2, ["blocks"] = 2, ["mels"] = 8, ["frames"] = 12, ["min_frames"] = 4, ["classes"] = 3, ["dropout"] = 0.25,
        });
        var rng = new Rng(5);
        float[] x = [.. Enumerable.Range(0, 4 * 8 * 12).Select(_ => (float)rng.NextGaussian())];
        int[] labels = [0, 2, 1, 2];

        (float[] Losses, float[][] Parameters) Train(IBackend backend)
        {
            var network = GenreNetwork.Build(spec, backend, dropoutSeed: 9);
            network.Initialize(new Rng(1));
            var loss = new SoftmaxCrossEntropy(backend);
            var sgd = new Sgd(backend, network.Net.Parameters, learningRate: 0.05f, momentum: 0.9f);
            using var input = backend.FromHost(x, new Shape(4, 1, 8, 12));
            var losses = new float[2];
            for (int step = 0; step < 2; step++)
            {
                losses[step] = loss.Forward(network.Net.Forward(input, training: true), labels);
                network.Net.Backward(loss.Backward(), needInputGradient: false);
                sgd.Step();
            }
            backend.Synchronize();
            return (losses, [.. network.Net.Parameters.Select(p => p.Value.ToArray())]);
        }

        using var cpu = new CpuBackend(2);
        var expected = Train(cpu);
        using var gpu = GpuTestDevices.Backend(GpuTestDevices.Preferred);
        var actual = Train(gpu);
        Close.Assert(expected.Losses, actual.Losses, 1e-4, 1e-4, "losses");
        Assert.True(expected.Losses[1] != expected.Losses[0], "the first step changed nothing");
        Assert.Equal(expected.Parameters.Length, actual.Parameters.Length);
        for (int i = 0; i < expected.Parameters.Length; i++)
            Close.Assert(expected.Parameters[i], actual.Parameters[i], 1e-4, 1e-4, $"parameter {i} after two steps");
    }
}
