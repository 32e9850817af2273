using ILGPU;

namespace MusicGenre.Kernels.Nn;

/// <summary>
/// ILGPU kernels of the CNN engine, one thread per output element, explicit bounds guards, fixed summation order
/// (deterministic). Plain float arithmetic shared by CUDA and OpenCL. Direct (not im2col) convolution: simple and exact;
/// tiling is future work. The tests compare each kernel with a scalar twin (<see cref="NnScalar"/>).
/// </summary>
internal static partial class NnKernels
{
    /// <summary>y[n, o, i, j] = b[o] + Σ_{c,u,v} x[n, c, i·SH − PT + u, j·SW − PL + v]·w[o, c, u, v] (zero outside x).</summary>
    internal static void ConvForward(
        Index1D index,
        ArrayView<float> x,  // [N, C, H, W]
        ArrayView<float> w,  // [OC, C, KH, KW]
        ArrayView<float> b,  // [OC] (ignored when hasBias == 0)
        ArrayView<float> y,  // [N, OC, OH, OW]
        ConvParams p, int hasBias, int stride)
    {
        for (int e = index.X; e < p.N * p.OC * p.OH * p.OW; e += stride)
        {

            // 1. Decompose the output index.
            int j = e % p.OW, i = e / p.OW % p.OH, o = e / (p.OW * p.OH) % p.OC, n = e / (p.OW * p.OH * p.OC);

            // 2. Correlate over channels and the kernel window, skipping taps in the zero padding.
            float acc = 0f;
            for (int c = 0; c < p.C; c++)
            {
                int xBase = (n * p.C + c) * p.H, wBase = (o * p.C + c) * p.KH;
                for (int u = 0; u < p.KH; u++)
                {
                    int h = i * p.SH - p.PT + u;
                    if (h < 0 || h >= p.H) continue;
                    for (int v = 0; v < p.KW; v++)
                    {
                        int col = j * p.SW - p.PL + v;
                        if (col < 0 || col >= p.W) continue;
                        acc += x[(xBase + h) * p.W + col] * w[(wBase + u) * p.KW + v];
                    }
                }
            }
            y[e] = hasBias != 0 ? acc + b[o] : acc;
        }
    }

    /// <summary>dx[n, c, h, wc] = Σ over every (o, u, v) whose output position (i, j) reads x[n, c, h, wc]: dy[n, o, i, j]·w[o, c, u, v].</summary>
    internal static void ConvBackwardData(
        Index1D index,
        ArrayView<float> dy,  // [N, OC, OH, OW]
        ArrayView<float> w,   // [OC, C, KH, KW]
        ArrayView<float> dx,  // [N, C, H, W]
        ConvParams p, int stride)
    {
        for (int e = index.X; e < p.N * p.C * p.H * p.W; e += stride)
        {
            int col = e % p.W, h = e / p.W % p.H, c = e / (p.W * p.H) % p.C, n = e / (p.W * p.H * p.C);

            float acc = 0f;
            for (int o = 0; o < p.OC; o++)
            {
                for (int u = 0; u < p.KH; u++)
                {
                    // Output row i reads input row h through tap u when i·SH − PT + u == h.
                    int ti = h + p.PT - u;
                    if (ti < 0 || ti % p.SH != 0) continue;
                    int i = ti / p.SH;
                    if (i >= p.OH) continue;
                    for (int v = 0; v < p.KW; v++)
                    {
                        int tj = col + p.PL - v;
                        if (tj < 0 || tj % p.SW != 0) continue;
                        int j = tj / p.SW;
                        if (j >= p.OW) continue;
                        acc += dy[((n * p.OC + o) * p.OH + i) * p.OW + j] * w[((o * p.C + c) * p.KH + u) * p.KW + v];
                    }
                }
            }
            dx[e] = acc;
        }
    }

    /// <summary>
    /// Partial weight gradient over one slice of output rows: with the N·OH rows (n, i) split into
    /// <paramref name="parts"/> contiguous slices, <c>partial[q, o, c, u, v] = Σ_{(n,i) in slice q, j} dy[n, o, i, j]·
    /// x[n, c, i·SH − PT + u, j·SW − PL + v]</c>. <see cref="SumParts"/> adds the slices in order (deterministic), so a
    /// GPU gets parts × weights threads instead of one long loop per weight.
    /// </summary>
    internal static void ConvBackwardWeight(
        Index1D index,
        ArrayView<float> x,        // [N, C, H, W]
        ArrayView<float> dy,       // [N, OC, OH, OW]
        ArrayView<float> partial,  // [parts, OC, C, KH, KW]
        ConvParams p, int parts, int stride)
    {
        int weights = p.OC * p.C * p.KH * p.KW, rows = p.N * p.OH;
        for (int e = index.X; e < parts * weights; e += stride)
        {
            int q = e / weights, k = e - q * weights;
            int v = k % p.KW, u = k / p.KW % p.KH, c = k / (p.KW * p.KH) % p.C, o = k / (p.KW * p.KH * p.C);
            int r0 = (int)((long)rows * q / parts), r1 = (int)((long)rows * (q + 1) / parts);

            float acc = 0f;
            for (int r = r0; r < r1; r++)
            {
                int n = r / p.OH, i = r - n * p.OH;
                int h = i * p.SH - p.PT + u;
                if (h < 0 || h >= p.H) continue;
                int dyRow = ((n * p.OC + o) * p.OH + i) * p.OW, xRow = ((n * p.C + c) * p.H + h) * p.W;
                for (int j = 0; j < p.OW; j++)
                {
                    int col = j * p.SW - p.PL + v;
                    if (col < 0 || col >= p.W) continue;
                    acc += dy[dyRow + j] * x[xRow + col];
                }
            }
            partial[e] = acc;
        }
    }
}
