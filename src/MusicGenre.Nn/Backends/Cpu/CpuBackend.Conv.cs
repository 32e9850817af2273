using MusicGenre.Nn.Tensors;

namespace MusicGenre.Nn.Backends.Cpu;

public sealed partial class CpuBackend
{
    /// <inheritdoc />
    public void Conv2dForward(Tensor x, Tensor w, Tensor? b, in Conv2dGeometry g, Tensor y)
    {
        CheckConv(x, w, b, g, y, "Conv2dForward");
        var xs = D(x); var ws = D(w); var bs = b is null ? null : D(b); var ys = D(y);
        var geo = g;
        For(g.Batch, n => ConvScalar.Forward(xs, ws, bs, geo, n, ys));
    }

    /// <inheritdoc />
    public void Conv2dBackward(Tensor x, Tensor w, Tensor dy, in Conv2dGeometry g, Tensor? dx, Tensor dw, Tensor? db)
    {
        CheckConv(x, w, db, g, dy, "Conv2dBackward");
        Require(dw.Length == w.Length, "Conv2dBackward", $"dw {dw.Shape} must match w {w.Shape}.");
        Require(dx is null || dx.Length == x.Length, "Conv2dBackward", $"dx {dx?.Shape} must match x {x.Shape}.");
        var xs = D(x); var ws = D(w); var dys = D(dy); var dws = D(dw);
        var geo = g;
        if (dx is not null) { var dxs = D(dx); For(g.Batch, n => ConvScalar.BackwardInput(ws, dys, geo, n, dxs)); }
        For(g.OutChannels, oc => ConvScalar.BackwardWeight(xs, dys, geo, oc, dws));
        if (db is not null) { var dbs = D(db); For(g.OutChannels, oc => dbs[oc] = ConvScalar.BackwardBias(dys, geo, oc)); }
    }

    private static void CheckConv(Tensor x, Tensor w, Tensor? b, in Conv2dGeometry g, Tensor y, string op)
    {
        Require(x.Length == g.Batch * g.InChannels * g.InH * g.InW, op, $"x {x.Shape} does not match the geometry {g}.");
        Require(w.Length == g.OutChannels * g.InChannels * g.KernelH * g.KernelW, op, $"w {w.Shape} does not match the geometry {g}.");
        Require(b is null || b.Length == g.OutChannels, op, $"bias {b?.Shape} must have {g.OutChannels} elements.");
        Require(y.Length == g.Batch * g.OutChannels * g.OutH * g.OutW, op, $"output {y.Shape} does not match the geometry {g}.");
    }
}
