using ILGPU;

namespace MusicGenre.Kernels.Nn;

internal static partial class NnKernels
{
    /// <summary>
    /// Arg-max (flat index into x) of output window <paramref name="e"/> = (n, c, i, j): the window is clipped to the
    /// input; the first maximum in row-major order wins ties; a NaN wins over numbers (NaN propagates).
    /// </summary>
    private static int WindowArgMax(ArrayView<float> x, PoolParams p, int e)
    {
        Window(p, e, out int plane, out int h0, out int h1, out int w0, out int w1);
        int best = (plane * p.H + h0) * p.W + w0;
        float bestValue = x[best];
        for (int h = h0; h < h1; h++)
            for (int col = w0; col < w1; col++)
            {
                int k = (plane * p.H + h) * p.W + col;
                float v = x[k];
                if (PoolRule.Takes(v, bestValue)) { best = k; bestValue = v; }
            }
        return best;
    }

    // Output window e = (plane, i, j): its plane and its rows [h0, h1) and columns [w0, w1), clipped to the input.
    private static void Window(PoolParams p, int e, out int plane, out int h0, out int h1, out int w0, out int w1)
    {
        int j = e % p.OW, i = e / p.OW % p.OH;
        plane = e / (p.OW * p.OH);
        h0 = i * p.SH; h1 = XMin(h0 + p.KH, p.H);
        w0 = j * p.SW; w1 = XMin(w0 + p.KW, p.W);
    }

    private static int XMin(int a, int b) => a < b ? a : b;

    /// <summary>y[n, c, i, j] = max of the clipped window (NaN propagates, first maximum wins).</summary>
    internal static void MaxPoolForward(
        Index1D index,
        ArrayView<float> x,  // [N, C, H, W]
        ArrayView<float> y,  // [N, C, OH, OW]
        PoolParams p, int stride)
    {
        for (int e = index.X; e < p.N * p.C * p.OH * p.OW; e += stride)
        {
            y[e] = x[WindowArgMax(x, p, e)];
        }
    }

    /// <summary>
    /// dx[n, c, h, w] = Σ of dy over the windows that contain (h, w) and whose arg-max (recomputed from x) is (h, w).
    /// </summary>
    internal static void MaxPoolBackward(
        Index1D index,
        ArrayView<float> x,   // [N, C, H, W]
        ArrayView<float> dy,  // [N, C, OH, OW]
        ArrayView<float> dx,  // [N, C, H, W]
        PoolParams p, int stride)
    {
        for (int e = index.X; e < p.N * p.C * p.H * p.W; e += stride)
        {
            int col = e % p.W, h = e / p.W % p.H, plane = e / (p.W * p.H);

            // 1. Windows i with i·SH ≤ h < i·SH + KH (same for j), clipped to the output.
            int i0 = h >= p.KH ? (h - p.KH) / p.SH + 1 : 0, i1 = XMin(h / p.SH, p.OH - 1);
            int j0 = col >= p.KW ? (col - p.KW) / p.SW + 1 : 0, j1 = XMin(col / p.SW, p.OW - 1);

            // 2. Route each such window's gradient here when this element is its arg-max.
            float acc = 0f;
            for (int i = i0; i <= i1; i++)
                for (int j = j0; j <= j1; j++)
                {
                    int o = (plane * p.OH + i) * p.OW + j;
                    if (WindowArgMax(x, p, o) == e) acc += dy[o];
                }
            dx[e] = acc;
        }
    }

    /// <summary>
    /// <see cref="MaxPoolBackward"/> for windows that do not overlap (stride ≥ kernel, as every pooling layer of the shipped
    /// networks has), one thread per output window instead of per input element: each window's arg-max is found once
    /// and the window's dx written — dy at the arg-max, zero elsewhere. Inputs outside every window are not written
    /// (the caller zeroes dx first when windows leave gaps).
    /// </summary>
    internal static void MaxPoolBackwardDisjoint(
        Index1D index,
        ArrayView<float> x,   // [N, C, H, W]
        ArrayView<float> dy,  // [N, C, OH, OW]
        ArrayView<float> dx,  // [N, C, H, W]
        PoolParams p, int stride)
    {
        for (int e = index.X; e < p.N * p.C * p.OH * p.OW; e += stride)
        {
            int best = WindowArgMax(x, p, e);
            Window(p, e, out int plane, out int h0, out int h1, out int w0, out int w1);
            float g = dy[e];
            for (int h = h0; h < h1; h++)
                for (int col = w0; col < w1; col++)
                {
                    int k = (plane * p.H + h) * p.W + col;
                    dx[k] = k == best ? g : 0f;
                }
        }
    }

    // Global average pooling forward is ChannelPartial/ChannelFinish over [1, rows, inner] (GpuBackend.GlobalAvgPoolForward).

    /// <summary>dx[r, k] = dy[r] / inner (global average pooling backward).</summary>
    internal static void RowMeanBackward(
        Index1D index,
        ArrayView<float> dy,  // [rows]
        ArrayView<float> dx,  // [rows, inner]
        int rows, int inner, int stride)
    {
        for (int e = index.X; e < rows * inner; e += stride)
        {
            dx[e] = dy[e / inner] / inner;
        }
    }

    /// <summary>Arg-max position within row r (first maximum wins, NaN propagates) into <paramref name="arg"/>, max into y.</summary>
    internal static void RowMax(
        Index1D index,
        ArrayView<float> x,    // [rows, inner]
        ArrayView<float> y,    // [rows]
        ArrayView<int> arg,    // [rows]
        int rows, int inner, int stride)
    {
        for (int r = index.X; r < rows; r += stride)
        {
            int best = 0;
            float bestValue = x[r * inner];
            for (int k = 1; k < inner; k++)
            {
                float v = x[r * inner + k];
                if (PoolRule.Takes(v, bestValue)) { best = k; bestValue = v; }
            }
            y[r] = bestValue;
            arg[r] = best;
        }
    }

    /// <summary>dx[r, k] = dy[r] where k is row r's arg-max, else 0 (global max pooling backward).</summary>
    internal static void RowMaxBackward(
        Index1D index,
        ArrayView<float> dy,   // [rows]
        ArrayView<int> arg,    // [rows]
        ArrayView<float> dx,   // [rows, inner]
        int rows, int inner, int stride)
    {
        for (int e = index.X; e < rows * inner; e += stride)
        {
            int r = e / inner;
            dx[e] = e - r * inner == arg[r] ? dy[r] : 0f;
        }
    }
}
