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
        _convForward(L(y.Length), V(x), V(w), b is null ? V(w) : V(b), V(y), p, b is null ? 0 : 1, L(y.Length));
    }

    /// <inheritdoc />
    public void Conv2dBackward(Tensor x, Tensor w, Tensor dy, in Conv2dGeometry g, Tensor? dx, Tensor dw, Tensor? db)
    {
        var p = Check(x, w, dy, g, "Conv2dBackward");
        Require(dw.Length == w.Length, "Conv2dBackward", $"dw {dw.Shape} must match w {w.Shape}.");
        if (dx is not null)
        {
            Require(dx.Length == x.Length, "Conv2dBackward", $"dx {dx.Shape} must match x {x.Shape}.");
            _convBackwardData(L(dx.Length), V(dy), V(w), V(dx), p, L(dx.Length));
        }
        // dw: slices of output rows in parallel, then added in order (deterministic).
        int parts = Parts(dw.Length, g.Batch * g.OutH);
        using (var partial = _acc.Allocate1D<float>((long)parts * dw.Length))
        {
            _convBackwardWeight(L((long)parts * dw.Length), V(x), V(dy), partial.View, p, parts, L((long)parts * dw.Length));
            _sumParts(L(dw.Length), partial.View, V(dw), dw.Length, parts, L(dw.Length));
        }
        if (db is not null)
        {
            Require(db.Length == g.OutChannels, "Conv2dBackward", $"db {db.Shape} must have {g.OutChannels} values.");
            ChannelReduce(dy, dy, null, g.Batch, g.OutChannels, g.OutH * g.OutW, 0, 1.0, null, db);
        }
    }

    // Slices per reduction: enough threads to fill a GPU (about 64k in all), never more slices than rows.
    private static int Parts(int outputs, int rows) => Math.Clamp(65536 / Math.Max(outputs, 1), 1, Math.Max(rows, 1));

    // Per-channel reduction of an [N, C, inner] tensor (see NnKernels.ChannelPartial for the modes), written to `output`.
    private void ChannelReduce(Tensor a, Tensor b, Tensor? mean, int batch, int channels, int inner, int mode, double scale, Tensor? factor, Tensor output)
    {
        int parts = Parts(channels, batch * inner);
        using var partial = _acc.Allocate1D<double>((long)parts * channels);
        _channelPartial(L((long)parts * channels), V(a), V(b), mean is null ? V(a) : V(mean), partial.View, batch, channels, inner, parts, mode, L((long)parts * channels));
        _channelFinish(L(channels), partial.View, factor is null ? V(output) : V(factor), V(output), channels, parts, scale, factor is null ? 0 : 1, L(channels));
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
