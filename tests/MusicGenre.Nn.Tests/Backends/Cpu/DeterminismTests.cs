using MusicGenre.Nn.Backends;
using MusicGenre.Nn.Backends.Cpu;
using MusicGenre.Nn.Initialization;
using MusicGenre.Nn.Layers;
using MusicGenre.Nn.Losses;
using MusicGenre.Nn.Optimizers;
using MusicGenre.Nn.Tensors;

namespace MusicGenre.Nn.Tests.Backends.Cpu;

/// <summary>With a fixed seed, whole training steps on the CPU backend are bitwise reproducible for any thread count.</summary>
public sealed class DeterminismTests
{
    [Fact]
    public void TrainingStepsAreBitwiseIdenticalAcrossRunsAndThreadCounts()
    {
        var reference = Train(1);
        Assert.Equal(reference, Train(2));
        Assert.Equal(reference, Train(2));
        Assert.Equal(reference, Train(3));
    }

    private static float[] Train(int threads)
    {
        using var cpu = new CpuBackend(threads);
        var net = new Sequential(cpu, "net", [
            new Conv2d(cpu, "conv1", 2, 7, 3, 3, padding: Padding2d.Symmetric(1), bias: false),
            new BatchNorm2d(cpu, "bn1", 7), new Relu(cpu, "relu1"), new MaxPool2d(cpu, "pool1", 2, 2, ceilMode: true),
            new Conv2d(cpu, "conv2", 7, 9, 4, 4, padding: Padding2d.Same), new Relu(cpu, "relu2"),
            new Dropout(cpu, "drop", 0.8f, 99), new GlobalMaxPool2d(cpu, "gmp"), new Dense(cpu, "fc", 9, 10)]);
        Init.Network(net, new Rng(1234));
        var opt = Adam.AdamW(cpu, net.Parameters, 1e-2f);
        var ce = new SoftmaxCrossEntropy(cpu);
        var x = cpu.FromHost(Reference.Random(5, 3 * 2 * 45 * 37), new Shape(3, 2, 45, 37));
        int[] y = [1, 7, 3];
        var losses = new List<float>();
        for (int step = 0; step < 3; step++)
        {
            losses.Add(ce.Forward(net.Forward(x, training: true), y));
            net.Backward(ce.Backward(), needInputGradient: false);
            GradientClipping.ClipGlobalNorm(net.Parameters, 1f);
            opt.Step();
        }
        return [.. losses, .. net.Parameters.SelectMany(p => p.Value.ToArray()), .. net.Buffers.SelectMany(b => b.Value.ToArray())];
    }
}
