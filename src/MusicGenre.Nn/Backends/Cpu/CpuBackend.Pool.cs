using MusicGenre.Nn.Tensors;

namespace MusicGenre.Nn.Backends.Cpu;

internal sealed partial class CpuBackend
{
    /// <inheritdoc />
    public void MaxPool2dForward(Tensor x, in Pool2dGeometry g, Tensor y)
    {
        // x [N, C, IH, IW] -> y [N, C, OH, OW]; one work item per (n, c) plane.
        CheckPool(x, g, y, "MaxPool2dForward");
        var xs = D(x); var ys = D(y); var geo = g;
        var (k, fullRows, fullCols) = WholeWindows(g);
        For(g.Batch * g.Channels, plane =>
        {
            int inBase = plane * geo.InH * geo.InW, outBase = plane * geo.OutH * geo.OutW;
            for (int oh = 0; oh < geo.OutH; oh++)
            {
                // Whole windows of this row go through the SIMD row kernel, the windows a ceil-mode edge clips through the
                // general scan. Both give the value at ArgMax (first maximum, NaN wins).
                int ow = 0;
                if (oh < fullRows)
                {
                    ow = fullCols;
                    int top = inBase + k * oh * geo.InW;
                    var row = ys.AsSpan(outBase + oh * geo.OutW, ow);
                    if (k == 2) CpuKernels.MaxPool2x2Row(xs.AsSpan(top, geo.InW), xs.AsSpan(top + geo.InW, geo.InW), row);
                    else CpuKernels.MaxPool4x4Row(xs.AsSpan(top, 3 * geo.InW + 4 * ow), geo.InW, row);
                }
                for (; ow < geo.OutW; ow++)
                    ys[outBase + oh * geo.OutW + ow] = xs[inBase + ArgMax(xs, inBase, geo, oh, ow)];
            }
        });
    }

    /// <summary>Scalar twin of <see cref="MaxPool2dForward"/>: every window through the general scan.</summary>
    internal void MaxPool2dForwardScalar(Tensor x, in Pool2dGeometry g, Tensor y)
    {
        CheckPool(x, g, y, "MaxPool2dForward");
        var xs = D(x); var ys = D(y);
        for (int plane = 0; plane < g.Batch * g.Channels; plane++)
        {
            int inBase = plane * g.InH * g.InW, outBase = plane * g.OutH * g.OutW;
            for (int oh = 0; oh < g.OutH; oh++)
                for (int ow = 0; ow < g.OutW; ow++)
                    ys[outBase + oh * g.OutW + ow] = xs[inBase + ArgMax(xs, inBase, g, oh, ow)];
        }
    }

    /// <inheritdoc />
    public void MaxPool2dBackward(Tensor x, Tensor dy, in Pool2dGeometry g, Tensor dx)
    {
        // Windows of one plane only write that plane, so planes run in parallel; overlapping windows add in (oh, ow) order.
        CheckPool(x, g, dy, "MaxPool2dBackward");
        Require(dx.Length == x.Length, "MaxPool2dBackward", $"dx {dx.Shape} must match x {x.Shape}.");
        var xs = D(x); var dys = D(dy); var dxs = D(dx); var geo = g;
        var (k, fullRows, fullCols) = WholeWindows(g);
        For(g.Batch * g.Channels, plane =>
        {
            int inBase = plane * geo.InH * geo.InW, outBase = plane * geo.OutH * geo.OutW;
            // Windows do not overlap, so the row kernels route each whole window's gradient to its first maximum (NaN
            // wins) and write all its positions — the same positions as ArgMax, hence the same dx bit for bit. Only what
            // they do not cover (right-edge columns, bottom rows) is cleared, for the general scan's += on clipped windows.
            if (fullRows == 0) dxs.AsSpan(inBase, geo.InH * geo.InW).Clear();
            else
            {
                for (int h = 0; h < k * fullRows; h++) dxs.AsSpan(inBase + h * geo.InW + k * fullCols, geo.InW - k * fullCols).Clear();
                dxs.AsSpan(inBase + k * fullRows * geo.InW, (geo.InH - k * fullRows) * geo.InW).Clear();
            }
            for (int oh = 0; oh < geo.OutH; oh++)
            {
                int ow = 0;
                if (oh < fullRows)
                {
                    ow = fullCols;
                    int top = inBase + k * oh * geo.InW;
                    var dyRow = dys.AsSpan(outBase + oh * geo.OutW, ow);
                    if (k == 2)
                        CpuKernels.MaxPool2x2RowBackward(xs.AsSpan(top, geo.InW), xs.AsSpan(top + geo.InW, geo.InW), dyRow,
                            dxs.AsSpan(top, geo.InW), dxs.AsSpan(top + geo.InW, geo.InW));
                    else
                    {
                        int length = 3 * geo.InW + 4 * ow;
                        CpuKernels.MaxPool4x4RowBackward(xs.AsSpan(top, length), geo.InW, dyRow, dxs.AsSpan(top, length));
                    }
                }
                for (; ow < geo.OutW; ow++)
                    dxs[inBase + ArgMax(xs, inBase, geo, oh, ow)] += dys[outBase + oh * geo.OutW + ow];
            }
        });
    }

    /// <summary>Scalar twin of <see cref="MaxPool2dBackward"/>: every window through the general scan.</summary>
    internal void MaxPool2dBackwardScalar(Tensor x, Tensor dy, in Pool2dGeometry g, Tensor dx)
    {
        CheckPool(x, g, dy, "MaxPool2dBackward");
        var xs = D(x); var dys = D(dy); var dxs = D(dx);
        for (int plane = 0; plane < g.Batch * g.Channels; plane++)
        {
            int inBase = plane * g.InH * g.InW, outBase = plane * g.OutH * g.OutW;
            dxs.AsSpan(inBase, g.InH * g.InW).Clear();
            for (int oh = 0; oh < g.OutH; oh++)
                for (int ow = 0; ow < g.OutW; ow++)
                    dxs[inBase + ArgMax(xs, inBase, g, oh, ow)] += dys[outBase + oh * g.OutW + ow];
        }
    }

    /// <summary>
    /// The windows the SIMD row kernels take: for 2×2 stride 2 (the reference net; `default` uses the fused BatchNorm
    /// pass) and 4×4 stride 4 (lachmish2016), k and the rows × columns of windows that lie wholly inside the input
    /// (ceil mode may add clipped ones after them); (0, 0, 0) for other shapes, which take the general scan only.
    /// </summary>
    private static (int K, int FullRows, int FullCols) WholeWindows(in Pool2dGeometry g)
    {
        int k = g is { KernelH: 2, KernelW: 2, StrideH: 2, StrideW: 2 } ? 2 : g is { KernelH: 4, KernelW: 4, StrideH: 4, StrideW: 4 } ? 4 : 0;
        int rows = k > 0 ? Math.Min(g.OutH, g.InH / k) : 0, cols = k > 0 ? Math.Min(g.OutW, g.InW / k) : 0;
        return rows > 0 && cols > 0 ? (k, rows, cols) : (0, 0, 0);
    }

    /// <summary>Offset (within the plane) of the first maximum of window (oh, ow), clipped to the input; NaN wins.</summary>
    private static int ArgMax(float[] xs, int inBase, in Pool2dGeometry g, int oh, int ow)
    {
        int h0 = oh * g.StrideH, w0 = ow * g.StrideW;
        int h1 = Math.Min(h0 + g.KernelH, g.InH), w1 = Math.Min(w0 + g.KernelW, g.InW);
        int best = h0 * g.InW + w0;
        float bestV = xs[inBase + best];
        for (int h = h0; h < h1; h++)
            for (int w = w0; w < w1; w++)
            {
                float v = xs[inBase + h * g.InW + w];
                if (CpuKernels.Takes(v, bestV)) { bestV = v; best = h * g.InW + w; }
            }
        return best;
    }

    private static void CheckPool(Tensor x, in Pool2dGeometry g, Tensor y, string op)
    {
        Require(x.Length == g.Batch * g.Channels * g.InH * g.InW, op, $"x {x.Shape} does not match the geometry {g}.");
        Require(y.Length == g.Batch * g.Channels * g.OutH * g.OutW, op, $"output {y.Shape} does not match the geometry {g}.");
    }

    /// <inheritdoc />
    public void GlobalAvgPoolForward(Tensor x, Tensor y)
    {
        // x [N, C, H, W] -> y [N, C]: a float sum per plane in index order, then one division (as PyTorch's mean).
        var (planes, size) = Planes(x, y, "GlobalAvgPoolForward");
        var xs = D(x); var ys = D(y);
        For(planes, p => ys[p] = CpuKernels.Sum(xs.AsSpan(p * size, size)) / size);
    }

    /// <inheritdoc />
    public void GlobalAvgPoolBackward(Tensor dy, Tensor dx)
    {
        var (planes, size) = Planes(dx, dy, "GlobalAvgPoolBackward");
        var dys = D(dy); var dxs = D(dx);
        For(planes, p => dxs.AsSpan(p * size, size).Fill(dys[p] / size));
    }

    /// <inheritdoc />
    public void GlobalMaxPoolForward(Tensor x, Tensor y)
    {
        var (planes, size) = Planes(x, y, "GlobalMaxPoolForward");
        var xs = D(x); var ys = D(y);
        For(planes, p => ys[p] = xs[p * size + FirstMax(xs.AsSpan(p * size, size))]);
    }

    /// <inheritdoc />
    public void GlobalMaxPoolBackward(Tensor x, Tensor dy, Tensor dx)
    {
        var (planes, size) = Planes(x, dy, "GlobalMaxPoolBackward");
        Require(dx.Length == x.Length, "GlobalMaxPoolBackward", $"dx {dx.Shape} must match x {x.Shape}.");
        var xs = D(x); var dys = D(dy); var dxs = D(dx);
        For(planes, p =>
        {
            var row = dxs.AsSpan(p * size, size);
            row.Clear();
            row[FirstMax(xs.AsSpan(p * size, size))] = dys[p];
        });
    }

    private static int FirstMax(ReadOnlySpan<float> v)
    {
        int best = 0;
        for (int i = 1; i < v.Length; i++)
            if (v[i] > v[best] || float.IsNaN(v[i]) && !float.IsNaN(v[best])) best = i;
        return best;
    }

    private static (int Planes, int Size) Planes(Tensor x4, Tensor y2, string op)
    {
        Require(x4.Shape.Rank == 4, op, $"expects [N, C, H, W], got {x4.Shape}.");
        int planes = x4.Shape.N * x4.Shape.C, size = x4.Shape.H * x4.Shape.W;
        Require(y2.Length == planes, op, $"pooled tensor {y2.Shape} must have N·C = {planes} elements.");
        Require(size > 0, op, $"empty spatial size in {x4.Shape}.");
        return (planes, size);
    }
}
