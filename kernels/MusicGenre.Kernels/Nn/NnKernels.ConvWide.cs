using ILGPU;
using ILGPU.Runtime;

namespace MusicGenre.Kernels.Nn;

/// <summary>
/// The group shape of <see cref="NnKernels.ConvGemmWideKernel{TTile}"/>, a compile-time constant: ILGPU specialises a
/// generic kernel per struct type argument, so <c>default(TTile).GroupX</c> folds into the code and every shared-memory
/// offset of the inner loop becomes an immediate (with runtime group sides each load needed its own address arithmetic:
/// stop 29 counted 8 address instructions per 8 loads and 16 multiply-adds in the SASS of the 4 × 4 kernel).
/// </summary>
internal interface IConvTile
{
    /// <summary>Threads along the output columns (the tile is 8 × this wide).</summary>
    int GroupX { get; }

    /// <summary>Threads along the output rows (the tile is 8 × this tall).</summary>
    int GroupY { get; }
}

/// <summary>16 × 16 threads: 128 × 128 output tiles (products of ≥ 128 rows).</summary>
internal readonly struct ConvTile16x16 : IConvTile
{
    public int GroupX => 16;
    public int GroupY => 16;
}

/// <summary>32 × 8 threads: 64 × 256 output tiles (products of 64 rows).</summary>
internal readonly struct ConvTile32x8 : IConvTile
{
    public int GroupX => 32;
    public int GroupY => 8;
}

/// <summary>64 × 4 threads: 32 × 512 output tiles (products of 32 rows).</summary>
internal readonly struct ConvTile64x4 : IConvTile
{
    public int GroupX => 64;
    public int GroupY => 4;
}

/// <summary>4 × 4 threads: 32 × 32 output tiles — the shape ILGPU's simulator can run (16 threads per group), which also
/// exercises the staging of two A rows and two B columns per thread.</summary>
internal readonly struct ConvTile4x4 : IConvTile
{
    public int GroupX => 4;
    public int GroupY => 4;
}

internal static partial class NnKernels
{
    /// <summary>Tallest output tile <see cref="ConvGemmWideKernel{TTile}"/> is sized for (8 × 16 thread rows).</summary>
    public const int ConvWideMaxTileM = 128;

    /// <summary>Widest output tile <see cref="ConvGemmWideKernel{TTile}"/> is sized for (8 × 64 thread columns).</summary>
    public const int ConvWideMaxTileN = 512;

    /// <summary>Shared memory <see cref="ConvGemmWideKernel{TTile}"/> declares (A and B tiles, four k tables): 41,216 bytes.</summary>
    public const int ConvWideSharedBytes = 4 * (ConvTileK * (ConvWideMaxTileM + ConvWideMaxTileN) + 4 * ConvTileK);

    /// <summary>
    /// The same three products as <see cref="ConvGemmKernel"/> (same operands, gathers, k slices and per-output summation
    /// order, so the two give bit-identical outputs), for large products: each thread holds an 8 × 8 register tile
    /// (rows ty + GY·a, columns tx + GX·b, a, b &lt; 8), so per k step it loads 8 A and 8 B words from shared memory for 64
    /// multiply-adds instead of 8 for 16 — the 4 × 4 kernel is bound by shared-memory loads and address arithmetic, not by
    /// arithmetic. The group is <typeparamref name="TTile"/> (GX × GY threads, constants), the output tile 8·GY × 8·GX.
    /// Staging: a thread stages A rows aM (and aM + threads when the tile has more rows than the group has threads) and B
    /// columns bN (and bN + threads), each decoded once per column tile as in the 4 × 4 kernel.
    /// </summary>
    internal static void ConvGemmWideKernel<TTile>(
        ArrayView<float> x, ArrayView<float> w, ArrayView<float> dy, ArrayView<float> bias, ArrayView<float> output,
        ConvParams p, int mode, int hasBias, int kSlice)
        where TTile : struct, IConvTile
    {
        var aTile = SharedMemory.Allocate<float>(ConvTileK * ConvWideMaxTileM);
        var bTile = SharedMemory.Allocate<float>(ConvTileK * ConvWideMaxTileN);
        var kA = SharedMemory.Allocate<int>(ConvTileK);
        var kOff = SharedMemory.Allocate<int>(ConvTileK);
        var kU = SharedMemory.Allocate<int>(ConvTileK);
        var kV = SharedMemory.Allocate<int>(ConvTileK);

        // 1. Sizes of this product and of the group's tile (gx, gy constants of TTile).
        int gx = default(TTile).GroupX, gy = default(TTile).GroupY;
        int taps = p.KH * p.KW, ohw = p.OH * p.OW, hw = p.H * p.W;
        int rows = mode == ConvGemmMode.BackwardData ? p.C : p.OC;
        int cols = mode == ConvGemmMode.Forward ? p.N * ohw : mode == ConvGemmMode.BackwardData ? p.N * hw : p.C * taps;
        int depth = mode == ConvGemmMode.Forward ? p.C * taps : mode == ConvGemmMode.BackwardData ? p.OC * taps : p.N * ohw;
        int tx = Group.IdxX, ty = Group.IdxY;
        int bm = 8 * gy, bn = 8 * gx, threads = gx * gy, tid = ty * gx + tx;
        int m0 = Grid.IdxY * bm;
        int k0 = Grid.IdxZ * kSlice, k1 = Math.Min(depth, k0 + kSlice);
        var src = mode == ConvGemmMode.BackwardWeight ? dy : w;

        // 2. Staging shares: A rows aM (+ threads), k rows aK, aK + aStep, …; B columns bN (+ threads) likewise.
        bool twoA = bm > threads, twoB = bn > threads;
        int aM = tid % bm, aK = tid / bm, aStep = twoA ? 1 : threads / bm;
        int bN = tid % bn, bK = tid / bn, bStep = twoB ? 1 : threads / bn;
        int aRow0 = m0 + aM, aRow1 = aRow0 + threads;
        int aBase0 = ConvARowBase(p, mode, aRow0, taps, ohw), aBase1 = ConvARowBase(p, mode, aRow1, taps, ohw);
        int rowStride = mode == ConvGemmMode.BackwardWeight ? cols : mode == ConvGemmMode.Forward ? ohw : hw;
        int slice = Grid.IdxZ * rows * cols;

        int colTiles = (cols + bn - 1) / bn;
        for (int tile = Grid.IdxX; tile < colTiles; tile += Grid.DimX)
        {
            // 3. Decode this thread's B columns once.
            int c0 = tile * bn, bCol0 = c0 + bN, bCol1 = bCol0 + threads;
            int off0 = 0, u0 = 0, v0 = 0, off1 = 0, u1 = 0, v1 = 0;
            if (bCol0 < cols) ConvColumn(p, mode, bCol0, taps, ohw, hw, out off0, out u0, out v0);
            if (twoB && bCol1 < cols) ConvColumn(p, mode, bCol1, taps, ohw, hw, out off1, out u1, out v1);

            float r00 = 0, r01 = 0, r02 = 0, r03 = 0, r04 = 0, r05 = 0, r06 = 0, r07 = 0;
            float r10 = 0, r11 = 0, r12 = 0, r13 = 0, r14 = 0, r15 = 0, r16 = 0, r17 = 0;
            float r20 = 0, r21 = 0, r22 = 0, r23 = 0, r24 = 0, r25 = 0, r26 = 0, r27 = 0;
            float r30 = 0, r31 = 0, r32 = 0, r33 = 0, r34 = 0, r35 = 0, r36 = 0, r37 = 0;
            float r40 = 0, r41 = 0, r42 = 0, r43 = 0, r44 = 0, r45 = 0, r46 = 0, r47 = 0;
            float r50 = 0, r51 = 0, r52 = 0, r53 = 0, r54 = 0, r55 = 0, r56 = 0, r57 = 0;
            float r60 = 0, r61 = 0, r62 = 0, r63 = 0, r64 = 0, r65 = 0, r66 = 0, r67 = 0;
            float r70 = 0, r71 = 0, r72 = 0, r73 = 0, r74 = 0, r75 = 0, r76 = 0, r77 = 0;
            for (int kt = k0; kt < k1; kt += ConvTileK)
            {
                // 4. The k table of this tile, then stage A and B (zero outside the product and in padding).
                if (tid < ConvTileK && kt + tid < k1)
                {
                    ConvDepth(p, mode, kt + tid, taps, ohw, hw, out int ka, out int off, out int u, out int v);
                    kA[tid] = ka; kOff[tid] = off; kU[tid] = u; kV[tid] = v;
                }
                Group.Barrier();
                for (int kk = aK; kk < ConvTileK; kk += aStep)
                {
                    bool inK = kt + kk < k1;
                    aTile[kk * bm + aM] = inK && aRow0 < rows ? src[aBase0 + kA[kk]] : 0f;
                    if (twoA) aTile[kk * bm + aM + threads] = inK && aRow1 < rows ? src[aBase1 + kA[kk]] : 0f;
                }
                for (int kk = bK; kk < ConvTileK; kk += bStep)
                {
                    bool inK = kt + kk < k1;
                    bTile[kk * bn + bN] = ConvGatherB(x, dy, p, mode, inK && bCol0 < cols, off0, u0, v0, kOff[kk], kU[kk], kV[kk]);
                    if (twoB) bTile[kk * bn + bN + threads] = ConvGatherB(x, dy, p, mode, inK && bCol1 < cols, off1, u1, v1, kOff[kk], kU[kk], kV[kk]);
                }
                Group.Barrier();

                // 5. The 8 × 8 register tile: rows ty + gy·a, columns tx + gx·b (a warp reads consecutive B words and at
                //    most a few A words: no bank conflicts, A broadcast).
                for (int kk = 0; kk < ConvTileK; kk++)
                {
                    var aRow = aTile.SubView(kk * bm + ty);
                    var bCol = bTile.SubView(kk * bn + tx);
                    float a0 = aRow[0 * gy], a1 = aRow[1 * gy], a2 = aRow[2 * gy], a3 = aRow[3 * gy], a4 = aRow[4 * gy], a5 = aRow[5 * gy], a6 = aRow[6 * gy], a7 = aRow[7 * gy];
                    float b0 = bCol[0 * gx], b1 = bCol[1 * gx], b2 = bCol[2 * gx], b3 = bCol[3 * gx], b4 = bCol[4 * gx], b5 = bCol[5 * gx], b6 = bCol[6 * gx], b7 = bCol[7 * gx];
                    r00 += a0 * b0; r01 += a0 * b1; r02 += a0 * b2; r03 += a0 * b3; r04 += a0 * b4; r05 += a0 * b5; r06 += a0 * b6; r07 += a0 * b7;
                    r10 += a1 * b0; r11 += a1 * b1; r12 += a1 * b2; r13 += a1 * b3; r14 += a1 * b4; r15 += a1 * b5; r16 += a1 * b6; r17 += a1 * b7;
                    r20 += a2 * b0; r21 += a2 * b1; r22 += a2 * b2; r23 += a2 * b3; r24 += a2 * b4; r25 += a2 * b5; r26 += a2 * b6; r27 += a2 * b7;
                    r30 += a3 * b0; r31 += a3 * b1; r32 += a3 * b2; r33 += a3 * b3; r34 += a3 * b4; r35 += a3 * b5; r36 += a3 * b6; r37 += a3 * b7;
                    r40 += a4 * b0; r41 += a4 * b1; r42 += a4 * b2; r43 += a4 * b3; r44 += a4 * b4; r45 += a4 * b5; r46 += a4 * b6; r47 += a4 * b7;
                    r50 += a5 * b0; r51 += a5 * b1; r52 += a5 * b2; r53 += a5 * b3; r54 += a5 * b4; r55 += a5 * b5; r56 += a5 * b6; r57 += a5 * b7;
                    r60 += a6 * b0; r61 += a6 * b1; r62 += a6 * b2; r63 += a6 * b3; r64 += a6 * b4; r65 += a6 * b5; r66 += a6 * b6; r67 += a6 * b7;
                    r70 += a7 * b0; r71 += a7 * b1; r72 += a7 * b2; r73 += a7 * b3; r74 += a7 * b4; r75 += a7 * b5; r76 += a7 * b6; r77 += a7 * b7;
                }
                Group.Barrier();
            }

            // 6. Write the tile column by column (one decode of the column's place per 8 rows; bias added once).
            ConvStoreCol8(output, bias, p, mode, hasBias, m0 + ty, gy, c0 + tx + 0 * gx, rows, cols, rowStride, slice, r00, r10, r20, r30, r40, r50, r60, r70);
            ConvStoreCol8(output, bias, p, mode, hasBias, m0 + ty, gy, c0 + tx + 1 * gx, rows, cols, rowStride, slice, r01, r11, r21, r31, r41, r51, r61, r71);
            ConvStoreCol8(output, bias, p, mode, hasBias, m0 + ty, gy, c0 + tx + 2 * gx, rows, cols, rowStride, slice, r02, r12, r22, r32, r42, r52, r62, r72);
            ConvStoreCol8(output, bias, p, mode, hasBias, m0 + ty, gy, c0 + tx + 3 * gx, rows, cols, rowStride, slice, r03, r13, r23, r33, r43, r53, r63, r73);
            ConvStoreCol8(output, bias, p, mode, hasBias, m0 + ty, gy, c0 + tx + 4 * gx, rows, cols, rowStride, slice, r04, r14, r24, r34, r44, r54, r64, r74);
            ConvStoreCol8(output, bias, p, mode, hasBias, m0 + ty, gy, c0 + tx + 5 * gx, rows, cols, rowStride, slice, r05, r15, r25, r35, r45, r55, r65, r75);
            ConvStoreCol8(output, bias, p, mode, hasBias, m0 + ty, gy, c0 + tx + 6 * gx, rows, cols, rowStride, slice, r06, r16, r26, r36, r46, r56, r66, r76);
            ConvStoreCol8(output, bias, p, mode, hasBias, m0 + ty, gy, c0 + tx + 7 * gx, rows, cols, rowStride, slice, r07, r17, r27, r37, r47, r57, r67, r77);
        }
    }

    // Base offset of A's row m in src: w[m, ·] (forward), w[·, m, ·] (data gradient), dy[0, m, ·] (weight gradient).
    private static int ConvARowBase(ConvParams p, int mode, int m, int taps, int ohw) =>
        mode == ConvGemmMode.Forward ? m * p.C * taps : mode == ConvGemmMode.BackwardData ? m * taps : m * ohw;

    // One B element: the column's half (colOff, colU, colV) and the k half (kOff, kU, kV) of the gather, zero where the
    // tap falls in the padding (forward, weight gradient) or reads no output position (data gradient).
    private static float ConvGatherB(ArrayView<float> x, ArrayView<float> dy, ConvParams p, int mode, bool inside,
        int colOff, int colU, int colV, int kOff, int kU, int kV)
    {
        if (!inside) return 0f;
        if (mode == ConvGemmMode.BackwardData)
        {
            int ti = colU - kU, tj = colV - kV;
            if (ti < 0 || tj < 0 || (p.SH != 1 && ti % p.SH != 0) || (p.SW != 1 && tj % p.SW != 0)) return 0f;
            int i = p.SH == 1 ? ti : ti / p.SH, j = p.SW == 1 ? tj : tj / p.SW;
            return i < p.OH && j < p.OW ? dy[colOff + kOff + i * p.OW + j] : 0f;
        }
        int h = colU + kU, wc = colV + kV;
        return h >= 0 && h < p.H && wc >= 0 && wc < p.W ? x[colOff + kOff] : 0f;
    }

    // Writes column `col` of a register tile (rows m, m + gy, …, m + 7·gy) where it lies inside the product: the column's
    // place is decoded once (its image n for y and dx), then row r goes to base + r·rowStride; k slice z writes at
    // `slice` = z·rows·cols (only slice 0 adds the bias).
    private static void ConvStoreCol8(ArrayView<float> output, ArrayView<float> bias, ConvParams p, int mode, int hasBias,
        int m, int gy, int col, int rows, int cols, int rowStride, int slice,
        float v0, float v1, float v2, float v3, float v4, float v5, float v6, float v7)
    {
        if (col >= cols) return;
        int baseOffset = slice + col;
        if (mode != ConvGemmMode.BackwardWeight)
        {
            int channels = mode == ConvGemmMode.Forward ? p.OC : p.C, n = col / rowStride;
            baseOffset = slice + n * channels * rowStride + (col - n * rowStride);
        }
        bool addBias = hasBias != 0 && Grid.IdxZ == 0;
        ConvStoreOne(output, bias, addBias, m, rows, baseOffset, rowStride, v0);
        ConvStoreOne(output, bias, addBias, m + gy, rows, baseOffset, rowStride, v1);
        ConvStoreOne(output, bias, addBias, m + 2 * gy, rows, baseOffset, rowStride, v2);
        ConvStoreOne(output, bias, addBias, m + 3 * gy, rows, baseOffset, rowStride, v3);
        ConvStoreOne(output, bias, addBias, m + 4 * gy, rows, baseOffset, rowStride, v4);
        ConvStoreOne(output, bias, addBias, m + 5 * gy, rows, baseOffset, rowStride, v5);
        ConvStoreOne(output, bias, addBias, m + 6 * gy, rows, baseOffset, rowStride, v6);
        ConvStoreOne(output, bias, addBias, m + 7 * gy, rows, baseOffset, rowStride, v7);
    }

    private static void ConvStoreOne(ArrayView<float> output, ArrayView<float> bias, bool addBias, int m, int rows, int baseOffset, int rowStride, float value)
    {
        if (m < rows) output[baseOffset + m * rowStride] = addBias ? value + bias[m] : value;
    }
}
