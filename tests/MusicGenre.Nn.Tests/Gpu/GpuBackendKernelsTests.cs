using MusicGenre.Kernels.Nn;
using MusicGenre.Kernels.Runtime;
using MusicGenre.Nn.Backends;
using MusicGenre.Nn.Tensors;

namespace MusicGenre.Nn.Tests.Gpu;

/// <summary>
/// Seeded randomized equivalence of every ILGPU CNN kernel (through <see cref="Backends.Gpu.GpuBackend"/>) with its
/// scalar twin in <see cref="NnScalar"/>: odd sizes, 1×1 images, batch 1, kernels larger than the input with padding,
/// strides, ceil-mode pooling, ties and NaN. Tiny shapes: the simulator runs ~1 µs per thread.
/// </summary>
[Collection(SimulatorCollection.Name)]
public class GpuBackendKernelsTests
{
    public static TheoryData<string> Kinds => GpuTestDevices.Kinds;

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Conv2d_ForwardAndBackward_MatchScalarTwin(string kindName)
    {
        var kind = Enum.Parse<DeviceKind>(kindName);
        var rng = new Random(11);
        // (N, C, H, W, OC, KH, KW, SH, SW, padding)
        var cases = new (int N, int C, int H, int W, int OC, int KH, int KW, int SH, int SW, Padding2d Pad)[]
        {
            (1, 1, 1, 1, 1, 1, 1, 1, 1, Padding2d.None),
            (2, 3, 5, 7, 4, 3, 3, 1, 1, Padding2d.Symmetric(1)),
            (1, 2, 3, 2, 3, 5, 4, 1, 1, new Padding2d(2, 2, 1, 2)),  // kernel larger than the input
            (2, 5, 8, 6, 3, 4, 4, 1, 1, Padding2d.Same),               // TensorFlow SAME, even kernel (asymmetric)
            (3, 2, 9, 7, 2, 3, 2, 2, 3, new Padding2d(1, 0, 0, 1)),    // strides
            // Several tiles of the tiled kernel along every axis (GPU tiles are 64 × 64 × 16 deep, simulator 16 × 16 × 16):
            // 70 output channels, 198 output pixels, k = 180; the weight gradient's k (198 pixels) split into slices.
            (2, 20, 9, 11, 70, 3, 3, 1, 1, Padding2d.Symmetric(1)),
            (3, 7, 12, 10, 18, 3, 3, 2, 2, Padding2d.Symmetric(1)),    // strided, tiles cut across images
            (4, 1, 16, 16, 2, 3, 3, 1, 1, Padding2d.Symmetric(1)),     // one dw tile, k = 1024 pixels: sliced (≥ 4 slices)
            (1, 40, 3, 3, 2, 3, 3, 1, 1, Padding2d.Symmetric(1)),      // one y tile, k = 360: the forward sliced too
        };
        using var backend = GpuTestDevices.Backend(kind);
        foreach (var c in cases) AssertConvMatchesTwin(backend, rng, c, $"{kind} conv {c}");
    }

    /// <summary>
    /// The tiled convolution GEMM shapes its groups by the product's rows (4 × 16 threads for ≤ 16 rows, 8 × 8 above, on a
    /// 64-thread group; 4 × 64, 8 × 32, 16 × 16 on a GPU's 256): on a simulator with 64 threads per group — the default
    /// one has 16, which only allows 4 × 4 — forward, data and weight gradients of both shapes, across tile edges, match
    /// the scalar twin; a product of at most 16 columns gets a group of only 4 thread columns. Dense layers (1 × 1
    /// convolutions of 1 × 1 images) too.
    /// </summary>
    [Fact]
    public void Conv2d_WideAndTallGroupShapes_MatchScalarTwin()
    {
        var rng = new Random(12);
        using var device = GpuDevice.OpenSimulator(64);
        using var backend = new MusicGenre.Nn.Backends.Gpu.GpuBackend(device, ownsDevice: false);
        Assert.Equal(64, device.Accelerator.MaxNumThreadsPerGroup);
        var cases = new (int N, int C, int H, int W, int OC, int KH, int KW, int SH, int SW, Padding2d Pad)[]
        {
            (2, 12, 9, 11, 6, 3, 3, 1, 1, Padding2d.Symmetric(1)),    // 6 output rows, 12 input rows: wide tiles (16 × 64)
            (2, 5, 7, 9, 40, 3, 3, 1, 1, Padding2d.Symmetric(1)),     // 40 output rows: 32 × 32 tiles, two of them
            (3, 20, 6, 5, 3, 2, 2, 2, 2, Padding2d.None),             // strided, dx has 20 rows, dw 3
            (3, 1, 10, 12, 40, 3, 3, 1, 1, Padding2d.Symmetric(1)),   // a first layer: dw is 40 × 9, a 32-thread group
        };
        foreach (var c in cases) AssertConvMatchesTwin(backend, rng, c, $"64-thread simulator conv {c}");
        foreach (var (n, inputs, outputs) in new[] { (5, 70, 9), (37, 23, 21) })
            AssertDenseMatchesTwin(backend, rng, n, inputs, outputs, $"64-thread simulator dense {n}x{inputs}->{outputs}");
    }

    /// <summary>
    /// The 8 × 8 convolution GEMM (<see cref="NnKernels.ConvGemmWideKernel{TTile}"/>) forced for every product of ≥ 32
    /// rows matches the scalar twin, and gives bit for bit what the 4 × 4 kernel gives (same k slices, same summation order
    /// per output) — so choosing it by speed changes no result. On the simulator its tile is 32 × 32 (16 threads, two
    /// staged A rows and B columns each); on CUDA the cases reach all three GPU shapes (32, 64 and ≥ 128 rows).
    /// </summary>
    [Theory]
    [MemberData(nameof(Kinds))]
    public void Conv2d_WideKernel_MatchesScalarTwin_AndTheTile4KernelBitForBit(string kindName)
    {
        var kind = Enum.Parse<DeviceKind>(kindName);
        var rng = new Random(13);
        var cases = new (int N, int C, int H, int W, int OC, int KH, int KW, int SH, int SW, Padding2d Pad)[]
        {
            (2, 20, 9, 11, 70, 3, 3, 1, 1, Padding2d.Symmetric(1)),   // y and dw 70 rows (dx's 20 stay on the 4 × 4 kernel)
            (2, 40, 7, 9, 33, 3, 3, 2, 2, Padding2d.Symmetric(1)),    // strided; dx 40 rows, y 33: a row tile cut at its edge
            (3, 33, 12, 10, 36, 3, 3, 1, 1, Padding2d.Symmetric(1)),  // dx 360 columns: several column tiles, grid-stride
            (2, 20, 5, 6, 140, 3, 3, 1, 1, Padding2d.Symmetric(1)),   // ≥ 128 rows
            (1, 30, 3, 3, 40, 3, 3, 1, 1, Padding2d.Symmetric(1)),    // one y tile, k = 270 split into slices
            (2, 3, 6, 40, 32, 2, 5, 1, 1, new Padding2d(0, 1, 2, 2)), // asymmetric padding, odd kernel
        };
        using var wide = GpuTestDevices.Backend(kind);
        using var tile4 = GpuTestDevices.Backend(kind);
        wide.ConvKernel = MusicGenre.Nn.Backends.Gpu.ConvKernelChoice.Wide;
        tile4.ConvKernel = MusicGenre.Nn.Backends.Gpu.ConvKernelChoice.Tile4;
        foreach (var c in cases)
        {
            var seed = rng.Next();
            var a = ConvOutputs(wide, new Random(seed), c);
            var b = ConvOutputs(tile4, new Random(seed), c);
            for (int i = 0; i < a.Length; i++)
                Assert.True(a[i].AsSpan().SequenceEqual(b[i]), $"{kind} conv {c}: output {i} (y, dx, dw, db) differs between the kernels");
            AssertConvMatchesTwin(wide, new Random(seed), c, $"{kind} wide conv {c}");
        }
        var dense = AssertDenseMatchesTwin(wide, new Random(5), 37, 23, 40, $"{kind} wide dense 37x23->40");
        Assert.Equal(dense, AssertDenseMatchesTwin(tile4, new Random(5), 37, 23, 40, $"{kind} 4x4 dense 37x23->40"));
    }

    // y, dx, dw and db of one forward and backward pass on `backend` (inputs drawn from `rng`).
    private static float[][] ConvOutputs(IBackend backend, Random rng, (int N, int C, int H, int W, int OC, int KH, int KW, int SH, int SW, Padding2d Pad) c)
    {
        var g = Conv2dGeometry.Create(c.N, c.C, c.H, c.W, c.OC, c.KH, c.KW, c.SH, c.SW, c.Pad);
        float[] x = Random(rng, c.N * c.C * c.H * c.W), w = Random(rng, c.OC * c.C * c.KH * c.KW), b = Random(rng, c.OC);
        return ConvPass(backend, g, x, w, b, Random(rng, c.N * c.OC * g.OutH * g.OutW));
    }

    /// <summary>y, dx, dw and db of one forward (with bias) and backward pass of <paramref name="g"/> on
    /// <paramref name="backend"/>.</summary>
    internal static float[][] ConvPass(IBackend backend, Conv2dGeometry g, float[] x, float[] w, float[] b, float[] dy)
    {
        using var tx = backend.FromHost(x, new Shape(g.Batch, g.InChannels, g.InH, g.InW));
        using var tw = backend.FromHost(w, new Shape(g.OutChannels, g.InChannels, g.KernelH, g.KernelW));
        using var tb = backend.FromHost(b, new Shape(g.OutChannels));
        using var tdy = backend.FromHost(dy, new Shape(g.Batch, g.OutChannels, g.OutH, g.OutW));
        using var ty = backend.Allocate(tdy.Shape);
        using var tdx = backend.Allocate(tx.Shape);
        using var tdw = backend.Allocate(tw.Shape);
        using var tdb = backend.Allocate(tb.Shape);
        backend.Conv2dForward(tx, tw, tb, g, ty);
        backend.Conv2dBackward(tx, tw, tdy, g, tdx, tdw, tdb);
        return [ty.ToArray(), tdx.ToArray(), tdw.ToArray(), tdb.ToArray()];
    }

    // Forward (with and without bias) and backward of one convolution on `backend` against the scalar twin; dx and y
    // start with stale values that must be overwritten.
    private static void AssertConvMatchesTwin(IBackend backend, Random rng,
        (int N, int C, int H, int W, int OC, int KH, int KW, int SH, int SW, Padding2d Pad) c, string name)
    {
        var g = Conv2dGeometry.Create(c.N, c.C, c.H, c.W, c.OC, c.KH, c.KW, c.SH, c.SW, c.Pad);
        var p = new ConvParams(g.Batch, g.InChannels, g.InH, g.InW, g.OutChannels, g.KernelH, g.KernelW, g.StrideH, g.StrideW, g.PadTop, g.PadLeft, g.OutH, g.OutW);
        float[] x = Random(rng, c.N * c.C * c.H * c.W), w = Random(rng, c.OC * c.C * c.KH * c.KW), b = Random(rng, c.OC);
        float[] dy = Random(rng, c.N * c.OC * g.OutH * g.OutW);
        float[] y = new float[dy.Length], dx = new float[x.Length], dw = new float[w.Length], db = new float[c.OC];
        NnScalar.ConvForward(x, w, b, y, p);
        NnScalar.ConvBackward(x, w, dy, dx, dw, db, p);

        using var tx = backend.FromHost(x, new Shape(c.N, c.C, c.H, c.W));
        using var tw = backend.FromHost(w, new Shape(c.OC, c.C, c.KH, c.KW));
        using var tb = backend.FromHost(b, new Shape(c.OC));
        using var tdy = backend.FromHost(dy, new Shape(c.N, c.OC, g.OutH, g.OutW));
        using var ty = backend.FromHost(Random(rng, dy.Length), tdy.Shape);
        using var tdx = backend.FromHost(Random(rng, x.Length), tx.Shape);  // stale contents must be overwritten
        using var tdw = backend.Allocate(tw.Shape);
        using var tdb = backend.Allocate(tb.Shape);
        backend.Conv2dForward(tx, tw, tb, g, ty);
        backend.Conv2dBackward(tx, tw, tdy, g, tdx, tdw, tdb);
        Close.Assert(y, ty.ToArray(), 1e-5, 1e-5, name + " y");
        Close.Assert(dx, tdx.ToArray(), 1e-5, 1e-5, name + " dx");
        Close.Assert(dw, tdw.ToArray(), 1e-5, 1e-5, name + " dw");
        Close.Assert(db, tdb.ToArray(), 1e-5, 1e-5, name + " db");

        // Without bias: y = conv only.
        NnScalar.ConvForward(x, w, null, y, p);
        backend.Conv2dForward(tx, tw, null, g, ty);
        Close.Assert(y, ty.ToArray(), 1e-5, 1e-5, name + " y (no bias)");
    }

    // Forward and backward of one dense layer on `backend` against the scalar twin; returns the twin's y.
    private static float[] AssertDenseMatchesTwin(IBackend backend, Random rng, int n, int inputs, int outputs, string name)
    {
        float[] x = Random(rng, n * inputs), w = Random(rng, outputs * inputs), b = Random(rng, outputs), dy = Random(rng, n * outputs);
        float[] y = new float[n * outputs], dx = new float[x.Length], dw = new float[w.Length], db = new float[outputs];
        NnScalar.Dense(x, w, b, dy, n, inputs, outputs, y, dx, dw, db);
        using var tx = backend.FromHost(x, new Shape(n, inputs));
        using var tw = backend.FromHost(w, new Shape(outputs, inputs));
        using var tb = backend.FromHost(b, new Shape(outputs));
        using var tdy = backend.FromHost(dy, new Shape(n, outputs));
        using var ty = backend.Allocate(tdy.Shape);
        using var tdx = backend.Allocate(tx.Shape);
        using var tdw = backend.Allocate(tw.Shape);
        using var tdb = backend.Allocate(tb.Shape);
        backend.DenseForward(tx, tw, tb, ty);
        backend.DenseBackward(tx, tw, tdy, tdx, tdw, tdb);
        Close.Assert(y, ty.ToArray(), 1e-5, 1e-5, name + " y");
        Close.Assert(dx, tdx.ToArray(), 1e-5, 1e-5, name + " dx");
        Close.Assert(dw, tdw.ToArray(), 1e-5, 1e-5, name + " dw");
        Close.Assert(db, tdb.ToArray(), 1e-5, 1e-5, name + " db");
        return y;
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void MaxPool2d_MatchesScalarTwin_WithTiesAndNaN(string kindName)
    {
        var kind = Enum.Parse<DeviceKind>(kindName);
        var rng = new Random(12);
        var cases = new (int N, int C, int H, int W, int KH, int KW, int SH, int SW, bool Ceil)[]
        {
            (1, 1, 1, 1, 1, 1, 1, 1, false),
            (2, 3, 5, 7, 2, 2, 2, 2, true),   // partial last windows, clipped
            (1, 2, 9, 4, 4, 4, 4, 4, true),   // seed_arch style pool 4 with ceil
            (2, 2, 6, 6, 3, 3, 2, 2, false),  // overlapping windows: gradients add up
            (1, 1, 5, 5, 3, 3, 1, 1, false),
            (2, 2, 7, 9, 2, 2, 2, 2, false),  // floor mode: the last row and column lie in no window (dx must be zeroed)
            (1, 2, 8, 8, 2, 2, 3, 3, false),  // stride > kernel: gaps between windows
        };
        using var backend = GpuTestDevices.Backend(kind);
        foreach (var c in cases)
        {
            var g = Pool2dGeometry.Create(c.N, c.C, c.H, c.W, c.KH, c.KW, c.SH, c.SW, c.Ceil);
            var p = new PoolParams(g.Batch, g.Channels, g.InH, g.InW, g.KernelH, g.KernelW, g.StrideH, g.StrideW, g.OutH, g.OutW);
            // Few distinct values (many ties) and one NaN.
            float[] x = [.. Enumerable.Range(0, c.N * c.C * c.H * c.W).Select(_ => (float)rng.Next(4))];
            if (x.Length > 3) x[rng.Next(x.Length)] = float.NaN;
            float[] dy = Random(rng, c.N * c.C * g.OutH * g.OutW), y = new float[dy.Length], dx = new float[x.Length];
            NnScalar.MaxPool(x, dy, y, dx, p);

            using var tx = backend.FromHost(x, new Shape(c.N, c.C, c.H, c.W));
            using var tdy = backend.FromHost(dy, new Shape(c.N, c.C, g.OutH, g.OutW));
            using var ty = backend.Allocate(tdy.Shape);
            using var tdx = backend.FromHost(Random(rng, x.Length), tx.Shape);
            backend.MaxPool2dForward(tx, g, ty);
            backend.MaxPool2dBackward(tx, tdy, g, tdx);
            Close.Assert(y, ty.ToArray(), 0, 0, $"{kind} pool {c} y");
            Close.Assert(dx, tdx.ToArray(), 1e-6, 0, $"{kind} pool {c} dx");
        }
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void BatchNorm_TrainEvalBackward_MatchScalarTwin(string kindName)
    {
        var kind = Enum.Parse<DeviceKind>(kindName);
        var rng = new Random(13);
        using var backend = GpuTestDevices.Backend(kind);
        foreach (var shape in new[] { new[] { 2, 3, 4, 5 }, new[] { 1, 1, 1, 3 }, new[] { 3, 5 }, new[] { 1, 2, 1, 1 } })
        {
            int n = shape[0], c = shape[1], inner = shape.Skip(2).Aggregate(1, (a, b) => a * b), len = n * c * inner;
            float[] x = Random(rng, len), dy = Random(rng, len), gamma = Random(rng, c), beta = Random(rng, c);
            float[] rm = Random(rng, c), rv = [.. Random(rng, c).Select(v => 1f + v * v)];
            float[] y = new float[len], mean = new float[c], inv = new float[c], dx = new float[len], dgamma = new float[c], dbeta = new float[c];
            float[] rmTwin = (float[])rm.Clone(), rvTwin = (float[])rv.Clone();
            NnScalar.BatchNormTrain(x, dy, gamma, beta, rmTwin, rvTwin, 0.1f, 1e-5f, n, c, inner, y, mean, inv, dx, dgamma, dbeta);

            var s = new Shape(shape);
            using var tx = backend.FromHost(x, s);
            using var tdy = backend.FromHost(dy, s);
            using var tg = backend.FromHost(gamma, new Shape(c));
            using var tb = backend.FromHost(beta, new Shape(c));
            using var trm = backend.FromHost(rm, new Shape(c));
            using var trv = backend.FromHost(rv, new Shape(c));
            using var ty = backend.Allocate(s);
            using var tmean = backend.Allocate(new Shape(c));
            using var tinv = backend.Allocate(new Shape(c));
            using var tdx = backend.Allocate(s);
            using var tdg = backend.Allocate(new Shape(c));
            using var tdb = backend.Allocate(new Shape(c));
            backend.BatchNormForwardTrain(tx, tg, tb, trm, trv, 0.1f, 1e-5f, ty, tmean, tinv);
            backend.BatchNormBackward(tx, tdy, tg, tmean, tinv, tdx, tdg, tdb);
            string name = $"{kind} bn [{string.Join(",", shape)}]";
            Close.Assert(y, ty.ToArray(), 1e-5, 1e-4, name + " y");
            Close.Assert(mean, tmean.ToArray(), 1e-6, 1e-5, name + " mean");
            Close.Assert(inv, tinv.ToArray(), 1e-5, 1e-4, name + " invStd");
            Close.Assert(rmTwin, trm.ToArray(), 1e-6, 1e-5, name + " running mean");
            Close.Assert(rvTwin, trv.ToArray(), 1e-5, 1e-4, name + " running var");
            Close.Assert(dx, tdx.ToArray(), 1e-4, 1e-3, name + " dx");
            Close.Assert(dgamma, tdg.ToArray(), 1e-5, 1e-4, name + " dgamma");
            Close.Assert(dbeta, tdb.ToArray(), 1e-5, 1e-4, name + " dbeta");

            // Eval mode uses the running statistics.
            var yEval = new float[len];
            for (int e = 0; e < len; e++)
            {
                int ch = e / inner % c;
                yEval[e] = (x[e] - rmTwin[ch]) * (1f / MathF.Sqrt(rvTwin[ch] + 1e-5f)) * gamma[ch] + beta[ch];
            }
            backend.BatchNormForwardEval(tx, tg, tb, trm, trv, 1e-5f, ty);
            Close.Assert(yEval, ty.ToArray(), 1e-5, 1e-4, name + " eval y");
        }
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void DenseSoftmaxAndGlobalPools_MatchScalarTwins(string kindName)
    {
        var kind = Enum.Parse<DeviceKind>(kindName);
        var rng = new Random(14);
        using var backend = GpuTestDevices.Backend(kind);
        // (70, 130, 67) spans several tiles of the tiled GEMM the dense layer runs on (64 × 64 outputs, k tiles of 16);
        // (2, 300, 3) is one tile 300 deep: its forward is split into k slices, summed afterwards.
        foreach (var (n, inputs, outputs) in new[] { (1, 1, 1), (3, 17, 5), (4, 24, 10), (70, 130, 67), (2, 300, 3) })
        {
            string name = $"{kind} dense {n}x{inputs}->{outputs}";
            float[] y = AssertDenseMatchesTwin(backend, rng, n, inputs, outputs, name);

            // Softmax cross-entropy on the dense output (scaled up to exercise the max subtraction).
            int[] labels = [.. Enumerable.Range(0, n).Select(_ => rng.Next(outputs))];
            float[] logits = [.. y.Select(v => v * 30f)], probs = new float[y.Length], dlogits = new float[y.Length];
            float loss = NnScalar.SoftmaxCrossEntropy(logits, labels, n, outputs, probs, dlogits);
            using var tl = backend.FromHost(logits, new Shape(n, outputs));
            using var tp = backend.Allocate(new Shape(n, outputs));
            using var tdl = backend.Allocate(new Shape(n, outputs));
            Close.Assert([loss], [backend.SoftmaxCrossEntropyForward(tl, labels, tp)], 1e-5, 1e-5, name + " loss");
            Close.Assert(probs, tp.ToArray(), 1e-6, 1e-5, name + " probs");
            backend.SoftmaxCrossEntropyBackward(tp, labels, tdl);
            Close.Assert(dlogits, tdl.ToArray(), 1e-6, 1e-5, name + " dlogits");
            backend.Softmax(tl, tdl);
            Close.Assert(probs, tdl.ToArray(), 1e-6, 1e-5, name + " softmax");
            Assert.Throws<ArgumentOutOfRangeException>(() => backend.SoftmaxCrossEntropyForward(tl, [.. labels.Select(_ => outputs)], tp));
        }

        foreach (var shape in new[] { new[] { 2, 3, 4, 5 }, new[] { 1, 1, 1, 1 }, new[] { 3, 2, 1, 7 } })
        {
            int rows = shape[0] * shape[1], inner = shape[2] * shape[3];
            float[] x = [.. Enumerable.Range(0, rows * inner).Select(_ => (float)rng.Next(5))], dy = Random(rng, rows);
            float[] mean = new float[rows], max = new float[rows], dxMean = new float[x.Length], dxMax = new float[x.Length];
            NnScalar.GlobalPools(x, dy, rows, inner, mean, max, dxMean, dxMax);
            using var tx = backend.FromHost(x, new Shape(shape));
            using var tdy = backend.FromHost(dy, new Shape(shape[0], shape[1]));
            using var ty = backend.Allocate(tdy.Shape);
            using var tdx = backend.FromHost(Random(rng, x.Length), tx.Shape);
            string name = $"{kind} global pool [{string.Join(",", shape)}]";
            backend.GlobalAvgPoolForward(tx, ty);
            Close.Assert(mean, ty.ToArray(), 1e-6, 1e-6, name + " avg");
            backend.GlobalAvgPoolBackward(tdy, tdx);
            Close.Assert(dxMean, tdx.ToArray(), 1e-7, 1e-6, name + " avg dx");
            backend.GlobalMaxPoolForward(tx, ty);
            Close.Assert(max, ty.ToArray(), 0, 0, name + " max");
            backend.GlobalMaxPoolBackward(tx, tdy, tdx);
            Close.Assert(dxMax, tdx.ToArray(), 0, 0, name + " max dx");
        }
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void ElementwiseAndOptimizers_MatchScalarTwins(string kindName)
    {
        var kind = Enum.Parse<DeviceKind>(kindName);
        var rng = new Random(15);
        using var backend = GpuTestDevices.Backend(kind);
        // The grid-stride loops wrap when the length passes the threads launched (GridStride.Threads): on the
        // simulator (16 threads per core) every length from 33 on with 2 cores; on a real GPU (2 × its resident threads,
        // 540,672 on an H200) only the last length here, which therefore runs there alone (the simulator would take
        // seconds per kernel).
        int[] lengths = [1, 7, 31, 32, 33, 300, 1025, .. kind == DeviceKind.Simulator ? Array.Empty<int>() : [1_100_001]];
        foreach (int len in lengths)
        {
            var s = new Shape(len);
            float[] x = Random(rng, len), dy = Random(rng, len);
            if (len > 1) { x[0] = float.NaN; x[1] = 0f; }
            float[] y = new float[len], dx = new float[len];
            NnScalar.Relu(x, dy, y, dx);
            using var tx = backend.FromHost(x, s);
            using var tdy = backend.FromHost(dy, s);
            using var ty = backend.Allocate(s);
            using var tdx = backend.Allocate(s);
            backend.ReluForward(tx, ty);
            backend.ReluBackward(ty, tdy, tdx);
            Close.Assert(y, ty.ToArray(), 0, 0, $"{kind} relu y {len}");
            Close.Assert(dx, tdx.ToArray(), 0, 0, $"{kind} relu dx {len}");

            // Dropout: the backend-independent mask rule, and dx = dy·mask.
            const float keep = 0.75f;
            const ulong seed = 0xDEADBEEFUL;
            float[] mask = [.. Enumerable.Range(0, len).Select(i => DropoutMask.Keep(seed, i, keep) ? 1f / keep : 0f)];
            using var tmask = backend.Allocate(s);
            backend.DropoutForward(tdy, keep, seed, tmask, ty);
            Close.Assert(mask, tmask.ToArray(), 0, 0, $"{kind} dropout mask {len}");
            Close.Assert([.. dy.Select((v, i) => v * mask[i])], ty.ToArray(), 0, 0, $"{kind} dropout y {len}");
            backend.DropoutBackward(tdy, tmask, tdx);
            Close.Assert([.. dy.Select((v, i) => v * mask[i])], tdx.ToArray(), 0, 0, $"{kind} dropout dx {len}");

            // SGD with momentum and decay, two steps.
            float[] p = Random(rng, len), g = Random(rng, len), vel = new float[len];
            using var tp = backend.FromHost(p, s);
            using var tg = backend.FromHost(g, s);
            using var tv = backend.Allocate(s);
            for (int step = 0; step < 2; step++)
            {
                NnScalar.Sgd(p, g, vel, 0.1f, 0.9f, 0.01f);
                backend.SgdStep(tp, tg, tv, 0.1f, 0.9f, 0.01f);
            }
            Close.Assert(p, tp.ToArray(), 1e-7, 1e-6, $"{kind} sgd p {len}");
            Close.Assert(vel, tv.ToArray(), 1e-7, 1e-6, $"{kind} sgd v {len}");

            // Adam (L2) and AdamW, three steps each.
            foreach (bool decoupled in new[] { false, true })
            {
                float[] pa = Random(rng, len), m = new float[len], v = new float[len];
                using var tpa = backend.FromHost(pa, s);
                using var tm = backend.Allocate(s);
                using var tva = backend.Allocate(s);
                for (long t = 1; t <= 3; t++)
                {
                    var hp = new AdamStepParameters(1e-3f, 0.9f, 0.999f, 1e-8f, 0.01f, decoupled, t);
                    NnScalar.Adam(pa, g, m, v, new AdamParams(0.9f, 0.999f, 1e-8f, 0.01f, 1f - 1e-3f * 0.01f, hp.StepSize, hp.BiasCorrection2Sqrt, decoupled ? 1 : 0));
                    backend.AdamStep(tpa, tg, tm, tva, hp);
                }
                Close.Assert(pa, tpa.ToArray(), 1e-7, 1e-6, $"{kind} adam(decoupled={decoupled}) p {len}");
                Close.Assert(m, tm.ToArray(), 1e-7, 1e-6, $"{kind} adam m {len}");
                Close.Assert(v, tva.ToArray(), 1e-9, 1e-6, $"{kind} adam v {len}");
            }

            // Sum of squares, scale, fill, copy, reshape views share storage.
            double ss = g.Sum(a => (double)a * a);
            Assert.True(Math.Abs(backend.SumOfSquares(tg) - ss) <= 1e-9 * Math.Max(ss, 1), $"{kind} sum of squares {len}");
            backend.Scale(tg, -2f);
            Close.Assert([.. g.Select(a => a * -2f)], tg.ToArray(), 0, 0, $"{kind} scale {len}");
            backend.Copy(tg, ty);
            Close.Assert(tg.ToArray(), ty.ToArray(), 0, 0, $"{kind} copy {len}");
            backend.Fill(ty.Reshape(new Shape(1, len)), 3f);
            Close.Assert([.. Enumerable.Repeat(3f, len)], ty.ToArray(), 0, 0, $"{kind} fill via view {len}");
        }
    }

    [Fact]
    public void AskingForAnAbsentDevice_GivesAClearMessage_AndAutoFallsBack()
    {
        // CUDA/OpenCL are absent here; where they exist this test checks that they open.
        foreach (var kind in new[] { DeviceKind.Cuda, DeviceKind.OpenCl })
        {
            bool present = GpuDevice.TestKinds().Contains(kind == DeviceKind.Cuda ? DeviceKind.Cuda : DeviceKind.OpenCl);
            if (present)
            {
                using var b = BackendFactory.Create(kind);
                Assert.Equal(kind, b.Kind);
            }
            else
            {
                var e = Assert.Throws<DeviceUnavailableException>(() => BackendFactory.Create(kind));
                Assert.Contains(kind.ToString(), e.Message, StringComparison.OrdinalIgnoreCase);
                Assert.Contains("found", e.Message);
            }
        }
        using var auto = BackendFactory.Create(DeviceKind.Auto, new BackendOptions { ThreadCount = 1 });
        Assert.NotEqual(DeviceKind.Auto, auto.Kind);
    }

    private static float[] Random(Random rng, int n)
    {
        var a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float)(rng.NextDouble() * 2 - 1);
        return a;
    }
}
