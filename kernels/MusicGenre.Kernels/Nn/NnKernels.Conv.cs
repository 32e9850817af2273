using ILGPU;
using ILGPU.Runtime;

namespace MusicGenre.Kernels.Nn;

/// <summary>
/// The convolution kernels: one shared-memory tiled implicit GEMM serves the forward pass and both gradients. Each is
/// a product <c>out[m, col] = Σ_k A(m, k)·B(k, col)</c> whose operands are gathered from the tensors on the fly (no
/// im2col buffer):
/// <list type="table">
/// <item><term><see cref="ConvGemmMode.Forward"/></term><description>m = o, col = (n, i, j), k = (c, u, v): A = w,
/// B = x at (i·SH − PT + u, j·SW − PL + v), zero in the padding; out = y (+ bias).</description></item>
/// <item><term><see cref="ConvGemmMode.BackwardData"/></term><description>m = c, col = (n, h, w), k = (o, u, v): A = w[o, c, u, v],
/// B = dy at the output position that reads (h, w) through tap (u, v), zero where there is none; out = dx.</description></item>
/// <item><term><see cref="ConvGemmMode.BackwardWeight"/></term><description>m = o, col = (c, u, v), k = (n, i, j): A = dy,
/// B = x as in the forward pass; the k range is split into slices (grid z), each writing its own partial dw, which
/// <see cref="SumParts"/> adds in order.</description></item>
/// </list>
/// Every output is summed by one thread in increasing k, so results are deterministic.
/// </summary>
internal static partial class NnKernels
{
    /// <summary>Depth of one k tile held in shared memory.</summary>
    public const int ConvTileK = 16;

    /// <summary>Outputs per thread along each of m and col (a 4 × 4 register tile).</summary>
    public const int ConvMicro = 4;

    /// <summary>Largest group side the shared tiles are sized for (16 × 16 threads → a 64 × 64 output tile).</summary>
    public const int ConvMaxGroupSide = 16;

    /// <summary>
    /// The tiled implicit GEMM, launched as an explicitly grouped kernel: group (GX, GY) threads own an output tile of
    /// BM = 4·GY rows (m) × BN = 4·GX columns; grid y walks the m tiles, grid x the column tiles (grid-stride, so the
    /// simulator can launch few groups), grid z the k slices of <see cref="ConvGemmMode.BackwardWeight"/>.
    /// Per k tile (16 deep): every thread stages its share of A (16 × BM) and B (16 × BN) in shared memory, the group
    /// synchronises, then each thread multiplies its 4 rows (ty, ty + GY, …) by its 4 columns (tx, tx + GX, …) from
    /// shared memory into 16 registers: rows and columns interleaved by the group side, so a warp's 32 threads read
    /// consecutive B words (no bank conflicts) and at most two A words (broadcast).
    /// </summary>
    internal static void ConvGemmKernel(
        ArrayView<float> x,    // [N, C, H, W]            (forward, weight gradient)
        ArrayView<float> w,    // [OC, C, KH, KW]         (forward, data gradient)
        ArrayView<float> dy,   // [N, OC, OH, OW]         (data and weight gradients)
        ArrayView<float> bias, // [OC]                    (forward with hasBias = 1)
        ArrayView<float> output,  // y, dx or [slices, OC, C·KH·KW] partial dw
        ConvParams p, int mode, int hasBias, int kSlice)
    {
        var aTile = SharedMemory.Allocate<float>(ConvTileK * ConvMicro * ConvMaxGroupSide);
        var bTile = SharedMemory.Allocate<float>(ConvTileK * ConvMicro * ConvMaxGroupSide);

        // 1. Sizes of this product and of the group's tile.
        int taps = p.KH * p.KW, ohw = p.OH * p.OW, hw = p.H * p.W;
        int rows = mode == ConvGemmMode.BackwardData ? p.C : p.OC;
        int cols = mode == ConvGemmMode.Forward ? p.N * ohw : mode == ConvGemmMode.BackwardData ? p.N * hw : p.C * taps;
        int depth = mode == ConvGemmMode.Forward ? p.C * taps : mode == ConvGemmMode.BackwardData ? p.OC * taps : p.N * ohw;
        int gx = Group.DimX, gy = Group.DimY, tx = Group.IdxX, ty = Group.IdxY;
        int bm = ConvMicro * gy, bn = ConvMicro * gx, threads = gx * gy, tid = ty * gx + tx;
        int m0 = Grid.IdxY * bm;
        int k0 = Grid.IdxZ * kSlice, k1 = Math.Min(depth, k0 + kSlice);

        // 2. The staging share of this thread: a fixed row of A and column of B (threads is a multiple of bm and bn),
        //    k rows aK, aK + aStep, … of the tile.
        int aM = tid % bm, aK = tid / bm, aStep = threads / bm;
        int bN = tid % bn, bK = tid / bn, bStep = threads / bn;

        int colTiles = (cols + bn - 1) / bn;
        for (int tile = Grid.IdxX; tile < colTiles; tile += Grid.DimX)
        {
            int c0 = tile * bn;
            float r00 = 0, r01 = 0, r02 = 0, r03 = 0, r10 = 0, r11 = 0, r12 = 0, r13 = 0;
            float r20 = 0, r21 = 0, r22 = 0, r23 = 0, r30 = 0, r31 = 0, r32 = 0, r33 = 0;
            for (int kt = k0; kt < k1; kt += ConvTileK)
            {
                // 3. Stage A and B (zero outside the product and in the padding).
                for (int kk = aK; kk < ConvTileK; kk += aStep)
                    aTile[kk * bm + aM] = kt + kk < k1 && m0 + aM < rows ? ConvA(x, w, dy, p, mode, m0 + aM, kt + kk, taps, ohw) : 0f;
                for (int kk = bK; kk < ConvTileK; kk += bStep)
                    bTile[kk * bn + bN] = kt + kk < k1 && c0 + bN < cols ? ConvB(x, dy, p, mode, kt + kk, c0 + bN, taps, ohw, hw) : 0f;
                Group.Barrier();

                // 4. The 4 × 4 register tile: rows ty + gy·a, columns tx + gx·b.
                for (int kk = 0; kk < ConvTileK; kk++)
                {
                    int ar = kk * bm + ty, bc = kk * bn + tx;
                    float a0 = aTile[ar], a1 = aTile[ar + gy], a2 = aTile[ar + 2 * gy], a3 = aTile[ar + 3 * gy];
                    float b0 = bTile[bc], b1 = bTile[bc + gx], b2 = bTile[bc + 2 * gx], b3 = bTile[bc + 3 * gx];
                    r00 += a0 * b0; r01 += a0 * b1; r02 += a0 * b2; r03 += a0 * b3;
                    r10 += a1 * b0; r11 += a1 * b1; r12 += a1 * b2; r13 += a1 * b3;
                    r20 += a2 * b0; r21 += a2 * b1; r22 += a2 * b2; r23 += a2 * b3;
                    r30 += a3 * b0; r31 += a3 * b1; r32 += a3 * b2; r33 += a3 * b3;
                }
                Group.Barrier();
            }

            // 5. Write the tile (bias added once, after the sum).
            int m = m0 + ty, c = c0 + tx;
            ConvStore4(output, bias, p, mode, hasBias, m, c, gx, rows, cols, ohw, hw, r00, r01, r02, r03);
            ConvStore4(output, bias, p, mode, hasBias, m + gy, c, gx, rows, cols, ohw, hw, r10, r11, r12, r13);
            ConvStore4(output, bias, p, mode, hasBias, m + 2 * gy, c, gx, rows, cols, ohw, hw, r20, r21, r22, r23);
            ConvStore4(output, bias, p, mode, hasBias, m + 3 * gy, c, gx, rows, cols, ohw, hw, r30, r31, r32, r33);
        }
    }

    // A(m, k): the weights (forward: w[o, k]; data gradient: w[o, c, u, v] with k = (o, u, v)) or dy (weight gradient).
    private static float ConvA(ArrayView<float> x, ArrayView<float> w, ArrayView<float> dy, ConvParams p, int mode, int m, int k, int taps, int ohw)
    {
        if (mode == ConvGemmMode.Forward) return w[m * p.C * taps + k];
        if (mode == ConvGemmMode.BackwardData)
        {
            int o = k / taps;
            return w[(o * p.C + m) * taps + (k - o * taps)];
        }
        int n = k / ohw;
        return dy[(n * p.OC + m) * ohw + (k - n * ohw)];
    }

    // B(k, col): x through tap (u, v) at output pixel (n, i, j), or dy at the output pixel that reads input (n, h, w).
    private static float ConvB(ArrayView<float> x, ArrayView<float> dy, ConvParams p, int mode, int k, int col, int taps, int ohw, int hw)
    {
        if (mode == ConvGemmMode.BackwardData)
        {
            // col = (n, h, wc), k = (o, u, v): output (i, j) reads (h, wc) through (u, v) when i·SH − PT + u == h.
            int n = col / hw, r = col - n * hw, h = r / p.W, wc = r - h * p.W;
            int o = k / taps, t = k - o * taps, u = t / p.KW, v = t - u * p.KW;
            int ti = h + p.PT - u, tj = wc + p.PL - v;
            if (ti < 0 || tj < 0 || ti % p.SH != 0 || tj % p.SW != 0) return 0f;
            int i = ti / p.SH, j = tj / p.SW;
            return i < p.OH && j < p.OW ? dy[((n * p.OC + o) * p.OH + i) * p.OW + j] : 0f;
        }
        // Forward: k = (c, u, v), col = (n, i, j). Weight gradient: k = (n, i, j), col = (c, u, v).
        int pixel = mode == ConvGemmMode.Forward ? col : k, tap = mode == ConvGemmMode.Forward ? k : col;
        int pn = pixel / ohw, pr = pixel - pn * ohw, pi = pr / p.OW, pj = pr - pi * p.OW;
        int pc = tap / taps, pt = tap - pc * taps, pu = pt / p.KW, pv = pt - pu * p.KW;
        int ph = pi * p.SH - p.PT + pu, pw = pj * p.SW - p.PL + pv;
        return ph >= 0 && ph < p.H && pw >= 0 && pw < p.W ? x[((pn * p.C + pc) * p.H + ph) * p.W + pw] : 0f;
    }

    // Writes one register row (columns col, col + gx, col + 2gx, col + 3gx) where it lies inside the product.
    private static void ConvStore4(ArrayView<float> output, ArrayView<float> bias, ConvParams p, int mode, int hasBias,
        int m, int col, int gx, int rows, int cols, int ohw, int hw, float v0, float v1, float v2, float v3)
    {
        if (m >= rows) return;
        float add = hasBias != 0 ? bias[m] : 0f;
        ConvStore(output, p, mode, m, col, cols, ohw, hw, v0, add, hasBias);
        ConvStore(output, p, mode, m, col + gx, cols, ohw, hw, v1, add, hasBias);
        ConvStore(output, p, mode, m, col + 2 * gx, cols, ohw, hw, v2, add, hasBias);
        ConvStore(output, p, mode, m, col + 3 * gx, cols, ohw, hw, v3, add, hasBias);
    }

    private static void ConvStore(ArrayView<float> output, ConvParams p, int mode, int m, int col, int cols, int ohw, int hw, float value, float add, int hasBias)
    {
        if (col >= cols) return;
        if (mode == ConvGemmMode.BackwardWeight)
        {
            output[(Grid.IdxZ * p.OC + m) * cols + col] = value;
            return;
        }
        int plane = mode == ConvGemmMode.Forward ? ohw : hw, channels = mode == ConvGemmMode.Forward ? p.OC : p.C;
        int n = col / plane;
        output[(n * channels + m) * plane + (col - n * plane)] = hasBias != 0 ? value + add : value;
    }
}

/// <summary>The three products <see cref="NnKernels.ConvGemmKernel"/> computes (its <c>mode</c> argument).</summary>
internal static class ConvGemmMode
{
    /// <summary>y = conv(x, w) (+ bias).</summary>
    public const int Forward = 0;

    /// <summary>dx from dy and w.</summary>
    public const int BackwardData = 1;

    /// <summary>Partial dw per k slice from x and dy.</summary>
    public const int BackwardWeight = 2;
}
