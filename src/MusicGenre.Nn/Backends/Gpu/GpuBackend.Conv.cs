using ILGPU;
using ILGPU.Runtime;
using MusicGenre.Kernels.Nn;
using MusicGenre.Nn.Tensors;

namespace MusicGenre.Nn.Backends.Gpu;

internal sealed partial class GpuBackend
{
    /// <inheritdoc />
    public void Conv2dForward(Tensor x, Tensor w, Tensor? b, in Conv2dGeometry g, Tensor y)
    {
        var p = Check(x, w, y, g, "Conv2dForward");
        if (b is not null) Require(b.Length == g.OutChannels, "Conv2dForward", $"bias {b.Shape} must have {g.OutChannels} values.");
        ConvGemm(ConvGemmMode.Forward, p, V(x), V(w), V(y), b is null ? V(w) : V(b), V(y), b is null ? 0 : 1);
    }

    /// <inheritdoc />
    public void Conv2dBackward(Tensor x, Tensor w, Tensor dy, in Conv2dGeometry g, Tensor? dx, Tensor dw, Tensor? db)
    {
        var p = Check(x, w, dy, g, "Conv2dBackward");
        Require(dw.Length == w.Length, "Conv2dBackward", $"dw {dw.Shape} must match w {w.Shape}.");
        if (dx is not null)
        {
            Require(dx.Length == x.Length, "Conv2dBackward", $"dx {dx.Shape} must match x {x.Shape}.");
            ConvGemm(ConvGemmMode.BackwardData, p, V(x), V(w), V(dy), V(w), V(dx), 0);
        }
        if (db is not null)
            Require(db.Length == g.OutChannels, "Conv2dBackward", $"db {db.Shape} must have {g.OutChannels} values.");
        ConvGemm(ConvGemmMode.BackwardWeight, p, V(x), V(w), V(dy), V(w), V(dw), 0);
        if (db is not null)
            ChannelReduce(dy, dy, null, g.Batch, g.OutChannels, g.OutH * g.OutW, 0, 1.0, null, V(db));
    }

    /// <summary>Which convolution GEMM kernel serves a product (benchmarks compare them; tests prove them identical).</summary>
    internal ConvKernelChoice ConvKernel { get; set; } = ConvKernelChoice.Auto;

    // Launches one of the two convolution GEMM kernels for one of its three products. Both sum every output in the same
    // order over the same k slices, so which one runs changes the speed, never a bit of the result:
    //  - NnKernels.ConvGemmWideKernel (8 × 8 outputs per thread, group shape a compile-time constant) for products of at
    //    least 32 rows and 4 tiles of columns: 128 × 128, 64 × 256 or 32 × 512 output tiles by the product's rows (on
    //    ILGPU's simulator 32 × 32, from 16-thread groups);
    //  - NnKernels.ConvGemmKernel (4 × 4 per thread) for the rest: groups of up to 256 threads on a GPU (16 on the
    //    simulator), shaped by the product's rows — as few thread rows as cover them (at least 4, at most the square root
    //    of the group), the rest across columns: 16 × 256, 32 × 128 or 64 × 64 output tiles; a product of few columns
    //    (a first layer's weight gradient has 9) gets only as many thread columns as cover them, so a smaller group
    //    (32 × 16 outputs for 32 × 9: 32 threads instead of 256 of which 7 % had work).
    // The simulator gets few column groups (the kernels stride over the rest), since it pays per simulated thread.
    // A product of few outputs but great depth (the weight gradient's k is every output pixel of the batch; a dense
    // layer's forward can be 8192 deep) has its k range split into slices until its outputs, times the slices, fill four
    // full 4 × 4 groups per multiprocessor (a 32 × 9 weight gradient on 132 multiprocessors: thousands of slices), each
    // slice at least 4 k tiles deep; the slices' partial outputs are then added in slice order (deterministic). The slicing
    // depends on the product and the device only, not on the kernel chosen, so that both kernels slice alike.
    private void ConvGemm(int mode, ConvParams p, ArrayView<float> x, ArrayView<float> w, ArrayView<float> dy,
        ArrayView<float> bias, ArrayView<float> output, int hasBias)
    {
        bool simulator = _acc.AcceleratorType == AcceleratorType.CPU;
        NnKernels.ConvProduct(p, mode, out int productRows, out int productCols, out int productDepth);
        long rows = productRows, cols = productCols, depth = productDepth;

        // 1. The k slices (from the product and the device alone, not from the kernel chosen below): enough copies of the
        //    outputs to give four full groups of 4 × 4 tiles per multiprocessor.
        int threads = (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Math.Min(NnKernels.ConvMaxThreads, _acc.MaxNumThreadsPerGroup) + 1) / 2;
        long wanted = 4L * _acc.NumMultiprocessors * threads * NnKernels.ConvMicro * NnKernels.ConvMicro;
        long maxSlices = Math.Max(1, depth / (4 * NnKernels.ConvTileK));
        int slices = (int)Math.Clamp((wanted + rows * cols - 1) / (rows * cols), 1, Math.Min(maxSlices, 65535));
        long kSlice = (depth + slices - 1) / slices;
        kSlice = Math.Max(NnKernels.ConvTileK, (kSlice + NnKernels.ConvTileK - 1) / NnKernels.ConvTileK * NnKernels.ConvTileK);
        slices = (int)Math.Max(1, (depth + kSlice - 1) / kSlice);

        // 2. The kernel and its group shape (TF32 always on the GPU shapes: eight 32-lane warps).
        bool tf32 = ConvKernel is ConvKernelChoice.Tf32 or ConvKernelChoice.Tf32Forced && Tf32Ready();
        var wide = WideTile(rows, cols, slices, simulator ? (tf32 ? (8, 4) : (4, 4)) : null);
        int gx, gy;
        if (wide is { } t) (gx, gy) = t;
        else
        {
            int maxGy = 1 << (System.Numerics.BitOperations.Log2((uint)threads) / 2);
            gy = (int)Math.Clamp(System.Numerics.BitOperations.RoundUpToPowerOf2((uint)((rows + NnKernels.ConvMicro - 1) / NnKernels.ConvMicro)), 4, maxGy);
            long needX = (cols + NnKernels.ConvMicro - 1) / NnKernels.ConvMicro;
            gx = needX >= threads / gy ? threads / gy : Math.Max(4, (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)needX));
        }
        int micro = wide is null ? NnKernels.ConvMicro : 8;
        long rowTiles = (rows + micro * gy - 1) / (micro * gy), colTiles = (cols + micro * gx - 1) / (micro * gx);
        long gridX = simulator ? Math.Min(colTiles, _acc.NumMultiprocessors) : colTiles;
        var config = new KernelConfig(new Index3D((int)gridX, (int)rowTiles, slices), new Index3D(gx, gy, 1));
        var launch = wide switch
        {
            null => _convGemm,
            (16, 16) => tf32 ? _convGemmTf32_16x16 : _convGemmWide16x16,
            (32, 8) => tf32 ? _convGemmTf32_32x8 : _convGemmWide32x8,
            (64, 4) => tf32 ? _convGemmTf32_64x4 : _convGemmWide64x4,
            (8, 4) => _convGemmTf32_8x4,
            _ => _convGemmWide4x4,
        };

        if (slices == 1)
        {
            launch(config, x, w, dy, bias, output, p, mode, hasBias, (int)kSlice);
            return;
        }
        int outputs = (int)(rows * cols);
        var partial = Scratch<float>((long)slices * outputs);
        launch(config, x, w, dy, bias, partial, p, mode, hasBias, (int)kSlice);
        _sumParts(L(outputs), partial, output, outputs, slices, L(outputs));
    }

    // The wide kernel's group shape (GX, GY) for a product, or null for the 4 × 4 kernel: at least 32 rows, at least four
    // column tiles (fewer leave too much of the last tile idle), on a GPU at least two groups per multiprocessor (a wide
    // group does the work of four 4 × 4 groups: a small product would leave multiprocessors idle), and a device that takes
    // 256-thread groups with the kernel's 41 KB of shared memory.
    private (int Gx, int Gy)? WideTile(long rows, long cols, int slices, (int, int)? simulatorShape)
    {
        if (ConvKernel == ConvKernelChoice.Tile4 || rows < 32) return null;
        (int gx, int gy) = simulatorShape ?? (rows >= 128 ? (16, 16) : rows >= 64 ? (32, 8) : (64, 4));
        if (simulatorShape is null && (_acc.MaxNumThreadsPerGroup < 256 || _acc.MaxSharedMemoryPerGroup < NnKernels.ConvTf32SharedBytes)) return null;
        if (ConvKernel is ConvKernelChoice.Wide or ConvKernelChoice.Tf32Forced) return (gx, gy);
        long colTiles = (cols + 8 * gx - 1) / (8 * gx), groups = (rows + 8 * gy - 1) / (8 * gy) * colTiles * slices;
        if (colTiles < 4 || (_acc.AcceleratorType != AcceleratorType.CPU && groups < 2L * _acc.NumMultiprocessors)) return null;
        return (gx, gy);
    }

    /// <summary>Why the TF32 kernels cannot serve this backend (null when they can, or before they were first asked for):
    /// no tensor cores, a simulator without 32-lane warps, or a failed self-check on the device.</summary>
    internal string? Tf32Unavailable { get; private set; }

    private bool? _tf32Ready;

    // On first use: whether the device can run NnKernels.ConvGemmTf32Kernel (CUDA with compute capability ≥ 8.0, or
    // ILGPU's simulator with 32-lane warps, which emulates the tensor-core instructions on one-warp groups); then
    // loads the kernels and, on CUDA, checks them once against the FP32 8 × 8 kernel on a 64 × 2048 × 288 product
    // (the largest difference within 1 % of the outputs' RMS; a wrong fragment layout is off by the outputs' own size).
    // Any failure leaves the FP32 kernels in use and says why in Tf32Unavailable.
    private bool Tf32Ready()
    {
        if (_tf32Ready is { } ready) return ready;
        Tf32Unavailable = _acc switch
        {
            ILGPU.Runtime.Cuda.CudaAccelerator { Architecture: { } arch } when arch.Major < 8 =>
                $"TF32 tensor cores need compute capability 8.0 or later; {_acc.Name} has {arch.Major}.{arch.Minor}",
            ILGPU.Runtime.Cuda.CudaAccelerator => null,
            _ when _acc.AcceleratorType != AcceleratorType.CPU => $"TF32 runs on CUDA only ({_acc.AcceleratorType})",
            _ when _acc.WarpSize != 32 =>
                $"the simulator emulates TF32 only with 32-lane warps (it has {_acc.WarpSize})",
            _ => null,
        };
        _tf32Ready = false;
        if (Tf32Unavailable is null)
        {
            try
            {
                if (_acc.AcceleratorType == AcceleratorType.CPU)
                    _convGemmTf32_8x4 = LoadConvGemm(NnKernels.ConvGemmTf32Kernel<ConvTile8x4>);
                else
                {
                _convGemmTf32_16x16 = LoadConvGemm(NnKernels.ConvGemmTf32Kernel<ConvTile16x16>);
                _convGemmTf32_32x8 = LoadConvGemm(NnKernels.ConvGemmTf32Kernel<ConvTile32x8>);
                _convGemmTf32_64x4 = LoadConvGemm(NnKernels.ConvGemmTf32Kernel<ConvTile64x4>);
                }
                _tf32Ready = true;
                if (_acc.AcceleratorType == AcceleratorType.Cuda) Tf32Unavailable = Tf32SelfCheck();
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                Tf32Unavailable = $"the TF32 kernels failed to load or run: {e.Message}";
            }
            _tf32Ready = Tf32Unavailable is null;
        }
        return _tf32Ready.Value;
    }

    // The device check of Tf32Ready: forward of a 2 × 32 × 16 × 64 input by 64 3 × 3 filters in TF32 and in FP32.
    private string? Tf32SelfCheck()
    {
        var g = Conv2dGeometry.Create(2, 32, 16, 64, 64, 3, 3, 1, 1, Padding2d.Symmetric(1));
        var rng = new Random(29);
        float[] xs = new float[2 * 32 * 16 * 64], ws = new float[64 * 32 * 9];
        for (int i = 0; i < xs.Length; i++) xs[i] = (float)rng.NextDouble() - 0.5f;
        for (int i = 0; i < ws.Length; i++) ws[i] = (float)rng.NextDouble() - 0.5f;
        using var x = FromHost(xs, new Shape(2, 32, 16, 64));
        using var w = FromHost(ws, new Shape(64, 32, 3, 3));
        using var y32 = Allocate(new Shape(2, 64, 16, 64));
        using var yTf = Allocate(new Shape(2, 64, 16, 64));
        var choice = ConvKernel;
        try
        {
            ConvKernel = ConvKernelChoice.Wide;
            Conv2dForward(x, w, null, g, y32);
            ConvKernel = ConvKernelChoice.Tf32Forced;
            Conv2dForward(x, w, null, g, yTf);
        }
        finally { ConvKernel = choice; }
        float[] a = y32.ToArray(), b = yTf.ToArray();
        double sumSq = 0, worst = 0;
        for (int i = 0; i < a.Length; i++) { sumSq += (double)a[i] * a[i]; worst = Math.Max(worst, Math.Abs((double)a[i] - b[i])); }
        double rms = Math.Sqrt(sumSq / a.Length);
        return double.IsFinite(worst) && worst <= 0.01 * rms ? null
            : $"the TF32 convolution differs from FP32 by up to {worst:G3} (outputs' RMS {rms:G3}): not used";
    }

    // Per-channel reduction of an [N, C, inner] tensor (see NnKernels.ChannelPartial for the modes), written to `output`:
    // one group per (run of rows, channel), as many runs as give about four groups per multiprocessor (at most N), then
    // the runs' sums added in order. Groups of 256 threads on a GPU, 16 on the simulator (powers of two: a halving tree).
    private void ChannelReduce(Tensor a, Tensor b, Tensor? mean, int batch, int channels, int inner, int mode, double scale, Tensor? factor, ArrayView<float> output)
    {
        int parts = Math.Clamp((4 * _acc.NumMultiprocessors + channels - 1) / Math.Max(channels, 1), 1, Math.Max(batch, 1));
        int threads = Math.Min(NnKernels.ChannelGroupMax, _acc.MaxNumThreadsPerGroup);
        threads = 1 << (31 - System.Numerics.BitOperations.LeadingZeroCount((uint)threads));  // a power of two
        var partial = Scratch<double>((long)parts * channels);
        _channelPartial(new KernelConfig(new Index2D(parts, channels), new Index2D(threads, 1)),
            V(a), V(b), mean is null ? V(a) : V(mean), partial, batch, channels, inner, parts, mode);
        _channelFinish(L(channels), partial, factor is null ? output : V(factor), output, channels, parts, scale, factor is null ? 0 : 1, L(channels));
    }

    private static ConvParams Check(Tensor x, Tensor w, Tensor y, in Conv2dGeometry g, string op)
    {
        Require(x.Length == g.Batch * g.InChannels * g.InH * g.InW, op, $"x {x.Shape} does not match [{g.Batch},{g.InChannels},{g.InH},{g.InW}].");
        Require(w.Length == g.OutChannels * g.InChannels * g.KernelH * g.KernelW, op, $"w {w.Shape} does not match [{g.OutChannels},{g.InChannels},{g.KernelH},{g.KernelW}].");
        Require(y.Length == g.Batch * g.OutChannels * g.OutH * g.OutW, op, $"y/dy {y.Shape} does not match [{g.Batch},{g.OutChannels},{g.OutH},{g.OutW}].");
        return new ConvParams(g.Batch, g.InChannels, g.InH, g.InW, g.OutChannels, g.KernelH, g.KernelW,
            g.StrideH, g.StrideW, g.PadTop, g.PadLeft, g.OutH, g.OutW);
    }
}

/// <summary>The convolution GEMM kernel <see cref="GpuBackend"/> uses (see GpuBackend.ConvGemm).</summary>
internal enum ConvKernelChoice
{
    /// <summary>The 8 × 8 kernel for large products, the 4 × 4 kernel for the rest.</summary>
    Auto,

    /// <summary>The 4 × 4 kernel for every product (the kernel of the 2026-12-04 GPU runs).</summary>
    Tile4,

    /// <summary>The 8 × 8 kernel for every product of at least 32 rows, however few its columns (tests).</summary>
    Wide,

    /// <summary>As <see cref="Auto"/>, with the large products on tensor cores in TF32 (NnKernels.ConvGemmTf32Kernel)
    /// where the device has them — PyTorch's default for cuDNN convolutions; FP32 elsewhere.</summary>
    Tf32,

    /// <summary>TF32 for every product of at least 32 rows, however few its columns (tests, the device self-check).</summary>
    Tf32Forced,
}
