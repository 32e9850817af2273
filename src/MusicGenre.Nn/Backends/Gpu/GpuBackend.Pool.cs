using MusicGenre.Kernels.Nn;
using MusicGenre.Nn.Tensors;

namespace MusicGenre.Nn.Backends.Gpu;

internal sealed partial class GpuBackend
{
    /// <inheritdoc />
    public void MaxPool2dForward(Tensor x, in Pool2dGeometry g, Tensor y)
    {
        var p = Check(x, y, g, "MaxPool2dForward");
        _maxPool(L(y.Length), V(x), V(y), p, L(y.Length));
    }

    /// <inheritdoc />
    public void MaxPool2dBackward(Tensor x, Tensor dy, in Pool2dGeometry g, Tensor dx)
    {
        var p = Check(x, dy, g, "MaxPool2dBackward");
        Require(dx.Length == x.Length, "MaxPool2dBackward", $"dx {dx.Shape} must match x {x.Shape}.");
        if (g.StrideH >= g.KernelH && g.StrideW >= g.KernelW)
        {
            // Disjoint windows: one thread per window; zero dx first when the windows leave inputs uncovered.
            if (g.StrideH > g.KernelH || g.StrideW > g.KernelW || g.OutH * g.StrideH < g.InH || g.OutW * g.StrideW < g.InW)
                Fill(dx, 0f);
            _maxPoolBackwardDisjoint(L(dy.Length), V(x), V(dy), V(dx), p, L(dy.Length));
        }
        else
        {
            _maxPoolBackward(L(dx.Length), V(x), V(dy), V(dx), p, L(dx.Length));
        }
    }

    /// <inheritdoc />
    public void GlobalAvgPoolForward(Tensor x, Tensor y)
    {
        var (rows, inner) = Planes(x, y, "GlobalAvgPoolForward");
        // Each (n, c) plane is a "channel" of a batch of one: the per-channel reduction's shared-memory tree.
        ChannelReduce(x, x, null, 1, rows, inner, 0, 1.0 / inner, null, V(y));
    }

    /// <inheritdoc />
    public void GlobalAvgPoolBackward(Tensor dy, Tensor dx)
    {
        var (rows, inner) = Planes(dx, dy, "GlobalAvgPoolBackward");
        _rowMeanBackward(L(dx.Length), V(dy), V(dx), rows, inner, L(dx.Length));
    }

    /// <inheritdoc />
    public void GlobalMaxPoolForward(Tensor x, Tensor y)
    {
        var (rows, inner) = Planes(x, y, "GlobalMaxPoolForward");
        _rowMax(L(rows), V(x), V(y), Scratch<int>(rows), rows, inner, L(rows));
    }

    /// <inheritdoc />
    public void GlobalMaxPoolBackward(Tensor x, Tensor dy, Tensor dx)
    {
        var (rows, inner) = Planes(x, dy, "GlobalMaxPoolBackward");
        Require(dx.Length == x.Length, "GlobalMaxPoolBackward", $"dx {dx.Shape} must match x {x.Shape}.");
        var arg = Scratch<int>(rows);
        _rowMax(L(rows), V(x), Scratch<float>(rows), arg, rows, inner, L(rows));
        _rowMaxBackward(L(dx.Length), V(dy), arg, V(dx), rows, inner, L(dx.Length));
    }

    private static PoolParams Check(Tensor x, Tensor y, in Pool2dGeometry g, string op)
    {
        Require(x.Length == g.Batch * g.Channels * g.InH * g.InW, op, $"x {x.Shape} does not match [{g.Batch},{g.Channels},{g.InH},{g.InW}].");
        Require(y.Length == g.Batch * g.Channels * g.OutH * g.OutW, op, $"y/dy {y.Shape} does not match [{g.Batch},{g.Channels},{g.OutH},{g.OutW}].");
        return new PoolParams(g.Batch, g.Channels, g.InH, g.InW, g.KernelH, g.KernelW, g.StrideH, g.StrideW, g.OutH, g.OutW);
    }

    // x [N, C, H, W] and y [N, C]: rows = N·C planes of H·W values.
    private static (int Rows, int Inner) Planes(Tensor x, Tensor y, string op)
    {
        Require(x.Shape.Rank == 4, op, $"x {x.Shape} must be [N, C, H, W].");
        int rows = x.Shape.N * x.Shape.C, inner = x.Shape.H * x.Shape.W;
        Require(y.Length == rows && inner > 0, op, $"y {y.Shape} must be [{x.Shape.N},{x.Shape.C}] for x {x.Shape}.");
        return (rows, inner);
    }
}
