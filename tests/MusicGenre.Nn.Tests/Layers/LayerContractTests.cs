using MusicGenre.Nn.Backends;
using MusicGenre.Nn.Backends.Cpu;
using MusicGenre.Nn.Layers;
using MusicGenre.Nn.Tensors;

namespace MusicGenre.Nn.Tests.Layers;

/// <summary>Shapes, names, padding/pooling rules, train/eval behaviour and clear errors of the layers.</summary>
public sealed class LayerContractTests
{
    [Theory]
    [InlineData(40, 4, 1, 1, 2)]   // TF SAME, even kernel: top 1, bottom 2
    [InlineData(10, 3, 1, 1, 1)]
    [InlineData(9, 4, 2, 1, 2)]    // stride 2: out 5, total 3
    [InlineData(10, 4, 2, 1, 1)]   // stride 2: out 5, total 2
    [InlineData(3, 1, 1, 0, 0)]
    public void SamePaddingFollowsTensorFlow(int size, int kernel, int stride, int before, int after)
    {
        var p = Padding2d.Same.Resolve(size, size, kernel, kernel, stride, stride);
        Assert.Equal((before, after, before, after), (p.Top, p.Bottom, p.Left, p.Right));
        var g = Conv2dGeometry.Create(1, 1, size, size, 1, kernel, kernel, stride, stride, Padding2d.Same);
        Assert.Equal((size + stride - 1) / stride, g.OutH);
    }

    [Theory]
    [InlineData(5, 2, 2, true, 3)]    // partial last window clipped
    [InlineData(5, 2, 2, false, 2)]
    [InlineData(40, 4, 4, true, 10)]
    [InlineData(3, 4, 4, true, 1)]    // window larger than the input in ceil mode
    [InlineData(7, 3, 2, true, 3)]    // a window starting past the input is dropped
    public void PoolOutputSizesFollowPyTorch(int size, int kernel, int stride, bool ceil, int expected)
    {
        var g = Pool2dGeometry.Create(1, 1, size, size, kernel, kernel, stride, stride, ceil);
        Assert.Equal(expected, g.OutH);
    }

    [Fact]
    public void CeilModePoolClipsInsteadOfPaddingWithZeros()
    {
        using var cpu = new CpuBackend(1);
        // All-negative input: a zero-padded window would return 0 instead of the clipped window's maximum.
        var x = cpu.FromHost([-5f, -4f, -3f, -2f, -1f], new Shape(1, 1, 1, 5));
        var pool = new MaxPool2d(cpu, "pool", 1, 2, ceilMode: true);
        Assert.Equal([-4f, -2f, -1f], pool.Forward(x, false).ToArray());
        var dx = pool.Backward(cpu.FromHost([1f, 2f, 3f], new Shape(1, 1, 1, 3)))!.ToArray();
        Assert.Equal([0f, 1f, 0f, 2f, 3f], dx);
    }

    [Fact]
    public void ParameterAndBufferNamesMatchPyTorchStateDict()
    {
        using var cpu = new CpuBackend(1);
        var net = new Sequential(cpu, "net", [
            new Conv2d(cpu, "conv1", 1, 8, 3, 3, bias: false), new BatchNorm2d(cpu, "bn1", 8), new Relu(cpu, "relu1"),
            new GlobalAvgPool2d(cpu, "gap"), new Dense(cpu, "fc", 8, 10)]);
        Assert.Equal(["conv1.weight", "bn1.weight", "bn1.bias", "fc.weight", "fc.bias"], net.Parameters.Select(p => p.Name));
        Assert.Equal(["bn1.running_mean", "bn1.running_var"], net.Buffers.Select(b => b.Name));
        Assert.Equal(new Shape(4, 10), net.OutputShape(new Shape(4, 1, 20, 30)));
        Assert.Equal(new float[8].Select(_ => 1f), ((BatchNorm2d)net["bn1"]).RunningVar.ToArray());
    }

    [Fact]
    public void BatchNormEvalUsesRunningStatisticsAndTrainUpdatesThem()
    {
        using var cpu = new CpuBackend(1);
        var bn = new BatchNorm2d(cpu, "bn", 1);
        var x = cpu.FromHost([1f, 2f, 3f, 6f], new Shape(2, 1, 1, 2));
        // Eval with defaults (mean 0, var 1): y = x / sqrt(1 + eps).
        var eval = bn.Forward(x, training: false).ToArray();
        Assert.Equal(3f / MathF.Sqrt(1f + 1e-5f), eval[2], 6);
        bn.Forward(x, training: true);
        // Batch mean 3, biased var 3.5, unbiased 14/3.
        Assert.Equal(0.3f, bn.RunningMean.ToArray()[0], 6);
        Assert.Equal(0.9f + 0.1f * 14f / 3f, bn.RunningVar.ToArray()[0], 6);
        Assert.Equal(1, bn.NumBatchesTracked);
    }

    [Fact]
    public void DropoutIsInvertedSeededAndIdentityInEval()
    {
        using var cpu = new CpuBackend(2);
        var x = cpu.FromHost(Enumerable.Repeat(1f, 100_000).ToArray(), new Shape(100_000, 1));
        var a = new Dropout(cpu, "drop", 0.75f, 7);
        var y1 = a.Forward(x, training: true).ToArray();
        Assert.All(y1, v => Assert.True(v == 0f || Math.Abs(v - 1f / 0.75f) < 1e-6));
        double kept = y1.Count(v => v != 0) / 100_000.0;
        Assert.InRange(kept, 0.74, 0.76);
        var y2 = a.Forward(x, training: true).ToArray();
        Assert.NotEqual(y1, y2); // a new mask per call
        var b = new Dropout(cpu, "drop", 0.75f, 7);
        Assert.Equal(y1, b.Forward(x, training: true).ToArray()); // same seed, same first mask
        Assert.Same(x, a.Forward(x, training: false));
    }

    [Fact]
    public void BadInputsGiveClearErrors()
    {
        using var cpu = new CpuBackend(1);
        var conv = new Conv2d(cpu, "conv1", 3, 4, 3, 3);
        var e = Assert.Throws<ArgumentException>(() => conv.Forward(cpu.Allocate(new Shape(1, 2, 8, 8)), false));
        Assert.Contains("conv1", e.Message); Assert.Contains("3", e.Message);
        Assert.Throws<ArgumentException>(() => conv.Forward(cpu.Allocate(new Shape(1, 3, 2, 2)), false)); // kernel > input
        Assert.Throws<ArgumentException>(() => new Dense(cpu, "fc", 4, 2).Forward(cpu.Allocate(new Shape(2, 5)), false));
        Assert.Throws<InvalidOperationException>(() => new Relu(cpu, "r").Backward(cpu.Allocate(new Shape(1))));
        Assert.Throws<ArgumentException>(() => new Dropout(cpu, "d", 0f, 1));
        Assert.Throws<ArgumentException>(() => new Shape(2, -1));
        Assert.Throws<ArgumentException>(() => cpu.Allocate(new Shape(2, 3)).Reshape(new Shape(7)));
        var ce = new MusicGenre.Nn.Losses.SoftmaxCrossEntropy(cpu);
        Assert.Throws<ArgumentOutOfRangeException>(() => ce.Forward(cpu.Allocate(new Shape(2, 3)), [0, 3]));
        using var other = new CpuBackend(1);
        Assert.Throws<ArgumentException>(() => conv.Forward(other.Allocate(new Shape(1, 3, 8, 8)), false));
    }

    [Fact]
    public void DeviceChoiceParsesAndReportsAbsentGpus()
    {
        Assert.Equal(DeviceKind.OpenCl, BackendFactory.ParseDevice(" OpenCL "));
        var e = Assert.Throws<ArgumentException>(() => BackendFactory.ParseDevice("tpu"));
        Assert.Contains("auto, cpu, cuda or opencl", e.Message);
        using var cpu = BackendFactory.Create(DeviceKind.Cpu, new BackendOptions { ThreadCount = 2 });
        Assert.Equal(DeviceKind.Cpu, cpu.Kind);
        Assert.Throws<ArgumentException>(() => BackendFactory.Create(DeviceKind.Cpu, new BackendOptions { ThreadCount = 0 }));
        using var auto = BackendFactory.Create(DeviceKind.Auto);
        Assert.NotEqual(DeviceKind.Auto, auto.Kind);
    }

    [Fact]
    public void OutputsOfChangingBatchShapes_ShareOneStorage_AllocatedOnlyToGrow()
    {
        // A 10-window file in batches of 8 and 2, then crops of other lengths: the layer's output is always a view of
        // one storage of the largest shape so far, so a long run makes no garbage and holds one output's memory.
        using var cpu = new CpuBackend(1);
        var relu = new Relu(cpu, "relu");
        Tensor Run(int n, int w)
        {
            using var x = cpu.FromHost(new float[n * 2 * 3 * w], new Shape(n, 2, 3, w));
            var y = relu.Forward(x, training: false);
            Assert.Equal(new Shape(n, 2, 3, w), y.Shape);
            return y;
        }
        var storage = Run(8, 4).Storage;
        for (int round = 0; round < 3; round++)
            foreach (var (n, w) in new[] { (2, 4), (8, 3), (8, 4), (1, 1) })
                Assert.Same(storage, Run(n, w).Storage);
        Assert.Equal(8 * 24, cpu.LiveFloats);
        var grown = Run(9, 4).Storage;
        Assert.NotSame(storage, grown);
        Assert.Equal(9 * 24, cpu.LiveFloats);
        Assert.Same(grown, Run(8, 4).Storage);
    }
}
