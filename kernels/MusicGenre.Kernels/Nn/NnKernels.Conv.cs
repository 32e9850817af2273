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

    /// <summary>Most threads per group (16 × 16, 8 × 32 or 4 × 64: output tiles of 64 × 64, 32 × 128 or 16 × 256).</summary>
    public const int ConvMaxThreads = 256;

    /// <summary>Tallest output tile (rows m) the shared A tile is sized for.</summary>
    public const int ConvMaxTileM = 64;

    /// <summary>Widest output tile (columns) the shared B tile is sized for.</summary>
    public const int ConvMaxTileN = 256;

    /// <summary>
    /// The tiled implicit GEMM, launched as an explicitly grouped kernel: group (GX, GY) threads own an output tile of
    /// BM = 4·GY rows (m) × BN = 4·GX columns (GX, GY ≥ 4, powers of two; BM ≤ 64, BN ≤ 256: a short product gets a
    /// wide tile instead of idle rows); grid y walks the m tiles, grid x the column tiles (grid-stride, so the
    /// simulator can launch few groups), grid z the k slices when the depth is split (each slice writes its own copy of
    /// the output, <paramref name="kSlice"/> deep, summed afterwards by <see cref="SumParts"/>).
    /// Per k tile (16 deep): 16 threads decode the tile's 16 k into a shared table (offsets and the two tap/pixel
    /// coordinates the bounds checks need), every thread stages its share of A (16 × BM) and B (16 × BN) in shared
    /// memory — its row of A and column of B are fixed, decoded once per column tile, so staging needs no division —
    /// the group synchronises, then each thread multiplies its 4 rows (ty, ty + GY, …) by its 4 columns (tx, tx + GX, …)
    /// from shared memory into 16 registers: rows and columns interleaved by the group side, so a warp's 32 threads read
    /// consecutive B words (no bank conflicts) and at most two A words (broadcast).
    /// The gathers, with (kOff, kU, kV) from the table and (colOff, colU, colV) per thread:
    /// A = src[aBase + kA] (src = w, or dy for the weight gradient);
    /// forward and weight gradient: B = x[colOff + kOff] where (colU + kU, colV + kV) lies inside the image;
    /// data gradient: B = dy[colOff + kOff + i·OW + j] with (i, j) = ((colU − kU)/SH, (colV − kV)/SW) when exact and inside.
    /// </summary>
    internal static void ConvGemmKernel(
        ArrayView<float> x,    // [N, C, H, W]            (forward, weight gradient)
        ArrayView<float> w,    // [OC, C, KH, KW]         (forward, data gradient)
        ArrayView<float> dy,   // [N, OC, OH, OW]         (data and weight gradients)
        ArrayView<float> bias, // [OC]                    (forward with hasBias = 1)
        ArrayView<float> output,  // y, dx or [slices, OC, C·KH·KW] partial dw
        ConvParams p, int mode, int hasBias, int kSlice)
    {
        var aTile = SharedMemory.Allocate<float>(ConvTileK * ConvMaxTileM);
        var bTile = SharedMemory.Allocate<float>(ConvTileK * ConvMaxTileN);
        var kA = SharedMemory.Allocate<int>(ConvTileK);
        var kOff = SharedMemory.Allocate<int>(ConvTileK);
        var kU = SharedMemory.Allocate<int>(ConvTileK);
        var kV = SharedMemory.Allocate<int>(ConvTileK);

        // 1. Sizes of this product and of the group's tile.
        int taps = p.KH * p.KW, ohw = p.OH * p.OW, hw = p.H * p.W;
        ConvProduct(p, mode, out int rows, out int cols, out int depth);
        int gx = Group.DimX, gy = Group.DimY, tx = Group.IdxX, ty = Group.IdxY;
        int bm = ConvMicro * gy, bn = ConvMicro * gx, threads = gx * gy, tid = ty * gx + tx;
        int m0 = Grid.IdxY * bm;
        int k0 = Grid.IdxZ * kSlice, k1 = Math.Min(depth, k0 + kSlice);
        var src = mode == ConvGemmMode.BackwardWeight ? dy : w;

        // 2. The staging share of this thread: a fixed row of A and column of B (threads is a multiple of bm and bn),
        //    k rows aK, aK + aStep, … of the tile. Its A row's base offset.
        int aM = tid % bm, aK = tid / bm, aStep = threads / bm;
        int bN = tid % bn, bK = tid / bn, bStep = threads / bn;
        int aRow = m0 + aM;
        int aBase = mode == ConvGemmMode.Forward ? aRow * p.C * taps : mode == ConvGemmMode.BackwardData ? aRow * taps : aRow * ohw;

        int colTiles = (cols + bn - 1) / bn;
        for (int tile = Grid.IdxX; tile < colTiles; tile += Grid.DimX)
        {
            // 3. Decode this thread's B column once.
            int c0 = tile * bn, bCol = c0 + bN, colOff = 0, colU = 0, colV = 0;
            if (bCol < cols) ConvColumn(p, mode, bCol, taps, ohw, hw, out colOff, out colU, out colV);

            float r00 = 0, r01 = 0, r02 = 0, r03 = 0, r10 = 0, r11 = 0, r12 = 0, r13 = 0;
            float r20 = 0, r21 = 0, r22 = 0, r23 = 0, r30 = 0, r31 = 0, r32 = 0, r33 = 0;
            for (int kt = k0; kt < k1; kt += ConvTileK)
            {
                // 4. The k table of this tile (16 threads), then stage A and B (zero outside the product and in padding).
                if (tid < ConvTileK && kt + tid < k1)
                {
                    ConvDepth(p, mode, kt + tid, taps, ohw, hw, out int ka, out int off, out int u, out int v);
                    kA[tid] = ka; kOff[tid] = off; kU[tid] = u; kV[tid] = v;
                }
                Group.Barrier();
                for (int kk = aK; kk < ConvTileK; kk += aStep)
                    aTile[kk * bm + aM] = kt + kk < k1 && aRow < rows ? src[aBase + kA[kk]] : 0f;
                for (int kk = bK; kk < ConvTileK; kk += bStep)
                {
                    float value = 0f;
                    if (kt + kk < k1 && bCol < cols)
                    {
                        if (mode == ConvGemmMode.BackwardData)
                        {
                            int ti = colU - kU[kk], tj = colV - kV[kk];
                            if (ti >= 0 && tj >= 0 && (p.SH == 1 || ti % p.SH == 0) && (p.SW == 1 || tj % p.SW == 0))
                            {
                                int i = p.SH == 1 ? ti : ti / p.SH, j = p.SW == 1 ? tj : tj / p.SW;
                                if (i < p.OH && j < p.OW) value = dy[colOff + kOff[kk] + i * p.OW + j];
                            }
                        }
                        else
                        {
                            int h = colU + kU[kk], wc = colV + kV[kk];
                            if (h >= 0 && h < p.H && wc >= 0 && wc < p.W) value = x[colOff + kOff[kk]];
                        }
                    }
                    bTile[kk * bn + bN] = value;
                }
                Group.Barrier();

                // 5. The 4 × 4 register tile: rows ty + gy·a, columns tx + gx·b.
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

            // 6. Write the tile (bias added once, after the sum).
            int m = m0 + ty, c = c0 + tx;
            ConvStore4(output, bias, p, mode, hasBias, m, c, gx, rows, cols, r00, r01, r02, r03);
            ConvStore4(output, bias, p, mode, hasBias, m + gy, c, gx, rows, cols, r10, r11, r12, r13);
            ConvStore4(output, bias, p, mode, hasBias, m + 2 * gy, c, gx, rows, cols, r20, r21, r22, r23);
            ConvStore4(output, bias, p, mode, hasBias, m + 3 * gy, c, gx, rows, cols, r30, r31, r32, r33);
        }
    }

    /// <summary>Rows, columns and depth of the product <paramref name="mode"/> computes (the table above).</summary>
    internal static void ConvProduct(ConvParams p, int mode, out int rows, out int cols, out int depth)
    {
        int taps = p.KH * p.KW, ohw = p.OH * p.OW, hw = p.H * p.W;
        rows = mode == ConvGemmMode.BackwardData ? p.C : p.OC;
        cols = mode == ConvGemmMode.Forward ? p.N * ohw : mode == ConvGemmMode.BackwardData ? p.N * hw : p.C * taps;
        depth = mode == ConvGemmMode.Forward ? p.C * taps : mode == ConvGemmMode.BackwardData ? p.OC * taps : p.N * ohw;
    }

    // Distance between consecutive output rows m of a product: a plane of y or dx, or a row of dw.
    private static int ConvRowStride(ConvParams p, int mode, int cols) =>
        mode == ConvGemmMode.BackwardWeight ? cols : mode == ConvGemmMode.Forward ? p.OH * p.OW : p.H * p.W;

    // The per-thread half of a B gather, for column col:
    //  forward, col = (n, i, j): offset of x[n, 0, i·SH − PT, j·SW − PL] and that position (may lie in the padding);
    //  data gradient, col = (n, h, w): offset of dy[n, 0, 0, 0] and (h + PT, w + PL);
    //  weight gradient, col = (c, u, v): offset of x[0, c, u, v] and (u, v).
    private static void ConvColumn(ConvParams p, int mode, int col, int taps, int ohw, int hw, out int off, out int u, out int v)
    {
        if (mode == ConvGemmMode.Forward)
        {
            int n = col / ohw, r = col - n * ohw, i = r / p.OW, j = r - i * p.OW;
            u = i * p.SH - p.PT; v = j * p.SW - p.PL;
            off = (n * p.C * p.H + u) * p.W + v;
        }
        else if (mode == ConvGemmMode.BackwardData)
        {
            int n = col / hw, r = col - n * hw, h = r / p.W;
            u = h + p.PT; v = r - h * p.W + p.PL;
            off = n * p.OC * ohw;
        }
        else
        {
            int c = col / taps, t = col - c * taps;
            u = t / p.KW; v = t - u * p.KW;
            off = (c * p.H + u) * p.W + v;
        }
    }

    // The per-k half of both gathers, for depth index k:
    //  forward, k = (c, u, v): A offset k, B offset of x[0, c, u, v] and (u, v);
    //  data gradient, k = (o, u, v): A offset of w[o, 0, u, v], B offset of dy[0, o, 0, 0] and (u, v);
    //  weight gradient, k = (n, i, j): A offset of dy[n, 0, i, j], B offset of x[n, 0, i·SH − PT, j·SW − PL] and that position.
    private static void ConvDepth(ConvParams p, int mode, int k, int taps, int ohw, int hw, out int a, out int off, out int u, out int v)
    {
        if (mode == ConvGemmMode.BackwardWeight)
        {
            int n = k / ohw, r = k - n * ohw, i = r / p.OW, j = r - i * p.OW;
            a = n * p.OC * ohw + r;
            u = i * p.SH - p.PT; v = j * p.SW - p.PL;
            off = (n * p.C * p.H + u) * p.W + v;
            return;
        }
        int q = k / taps, t = k - q * taps;
        u = t / p.KW; v = t - u * p.KW;
        if (mode == ConvGemmMode.Forward)
        {
            a = k;
            off = (q * p.H + u) * p.W + v;
        }
        else
        {
            a = q * p.C * taps + t;
            off = q * ohw;
        }
    }

    // Writes one register row (columns col, col + gx, col + 2gx, col + 3gx) where it lies inside the product.
    private static void ConvStore4(ArrayView<float> output, ArrayView<float> bias, ConvParams p, int mode, int hasBias,
        int m, int col, int gx, int rows, int cols, float v0, float v1, float v2, float v3)
    {
        if (m >= rows) return;
        float add = hasBias != 0 ? bias[m] : 0f;
        ConvStore(output, p, mode, m, col, rows, cols, v0, add, hasBias);
        ConvStore(output, p, mode, m, col + gx, rows, cols, v1, add, hasBias);
        ConvStore(output, p, mode, m, col + 2 * gx, rows, cols, v2, add, hasBias);
        ConvStore(output, p, mode, m, col + 3 * gx, rows, cols, v3, add, hasBias);
    }

    // Output element (m, col) of k slice z (grid z) goes to z·rows·cols + its place in y, dx or dw (ConvOutputBase); with
    // several slices only slice 0 adds the bias (the slices are summed afterwards).
    private static void ConvStore(ArrayView<float> output, ConvParams p, int mode, int m, int col, int rows, int cols, float value, float add, int hasBias)
    {
        if (col >= cols) return;
        int rowStride = ConvRowStride(p, mode, cols);
        output[ConvOutputBase(p, mode, col, rowStride, Grid.IdxZ * rows * cols) + m * rowStride] = hasBias != 0 && Grid.IdxZ == 0 ? value + add : value;
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
