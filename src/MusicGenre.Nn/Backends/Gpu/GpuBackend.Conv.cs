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

    // Launches NnKernels.ConvGemmKernel for one of its three products. Groups are 256 threads on a GPU (16 on ILGPU's
    // simulator: the largest power of two it allows), shaped by the product's rows: 4 × 4 outputs per thread, as few
    // thread rows as cover the product's rows (at least 4, at most the square root of the group), the rest across
    // columns — 16 × 256, 32 × 128 or 64 × 64 output tiles on a GPU. The simulator also gets few column groups (the
    // kernel strides over the rest), since it pays per simulated thread. A product of few tiles but great depth (the
    // weight gradient's k is every output pixel of the batch; a dense layer's forward can be 8192 deep) has its k range
    // split into slices until there are about four groups per multiprocessor, each at least 4 k tiles deep; the
    // slices' partial outputs are then added in slice order (deterministic).
    private void ConvGemm(int mode, ConvParams p, ArrayView<float> x, ArrayView<float> w, ArrayView<float> dy,
        ArrayView<float> bias, ArrayView<float> output, int hasBias)
    {
        bool simulator = _acc.AcceleratorType == AcceleratorType.CPU;
        int taps = p.KH * p.KW;
        long rows = mode == ConvGemmMode.BackwardData ? p.C : p.OC;
        int threads = (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Math.Min(NnKernels.ConvMaxThreads, _acc.MaxNumThreadsPerGroup) + 1) / 2;
        int maxGy = 1 << (System.Numerics.BitOperations.Log2((uint)threads) / 2);
        int gy = (int)Math.Clamp(System.Numerics.BitOperations.RoundUpToPowerOf2((uint)((rows + NnKernels.ConvMicro - 1) / NnKernels.ConvMicro)), 4, maxGy);
        int gx = threads / gy;
        int tileM = NnKernels.ConvMicro * gy, tileN = NnKernels.ConvMicro * gx;
        long cols = mode == ConvGemmMode.Forward ? (long)p.N * p.OH * p.OW : mode == ConvGemmMode.BackwardData ? (long)p.N * p.H * p.W : (long)p.C * taps;
        long depth = mode == ConvGemmMode.Forward ? (long)p.C * taps : mode == ConvGemmMode.BackwardData ? (long)p.OC * taps : (long)p.N * p.OH * p.OW;
        long rowTiles = (rows + tileM - 1) / tileM, colTiles = (cols + tileN - 1) / tileN;
        long gridX = simulator ? Math.Min(colTiles, _acc.NumMultiprocessors) : colTiles;

        long wanted = 4L * _acc.NumMultiprocessors;
        long maxSlices = Math.Max(1, depth / (4 * NnKernels.ConvTileK));
        int slices = (int)Math.Clamp((wanted + rowTiles * colTiles - 1) / (rowTiles * colTiles), 1, Math.Min(maxSlices, 65535));
        long kSlice = (depth + slices - 1) / slices;
        kSlice = Math.Max(NnKernels.ConvTileK, (kSlice + NnKernels.ConvTileK - 1) / NnKernels.ConvTileK * NnKernels.ConvTileK);
        slices = (int)Math.Max(1, (depth + kSlice - 1) / kSlice);

        var config = new KernelConfig(new Index3D((int)gridX, (int)rowTiles, slices), new Index3D(gx, gy, 1));
        if (slices == 1)
        {
            _convGemm(config, x, w, dy, bias, output, p, mode, hasBias, (int)kSlice);
            return;
        }
        int outputs = (int)(rows * cols);
        var partial = Scratch<float>((long)slices * outputs);
        _convGemm(config, x, w, dy, bias, partial, p, mode, hasBias, (int)kSlice);
        _sumParts(L(outputs), partial, output, outputs, slices, L(outputs));
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
