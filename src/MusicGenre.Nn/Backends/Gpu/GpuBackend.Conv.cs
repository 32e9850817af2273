using MusicGenre.Kernels.Nn;
using MusicGenre.Nn.Tensors;

namespace MusicGenre.Nn.Backends.Gpu;

public sealed partial class GpuBackend
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
        _convBackwardWeight(L(dw.Length), V(x), V(dy), V(dw), p, L(dw.Length));
        if (db is not null)
        {
            Require(db.Length == g.OutChannels, "Conv2dBackward", $"db {db.Shape} must have {g.OutChannels} values.");
            _channelSum(L(g.OutChannels), V(dy), V(db), g.Batch, g.OutChannels, g.OutH * g.OutW, L(g.OutChannels));
        }
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
