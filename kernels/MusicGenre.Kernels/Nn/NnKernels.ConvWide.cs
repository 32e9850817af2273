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

/// <summary>A group shape <see cref="NnKernels.ConvGemmTf32Kernel{TTile}"/> can use: whole 32-lane warps (eight on a GPU,
/// one on the simulator) sharing the tile as blocks of 16 m16n8 tiles.</summary>
internal interface IConvTileTf32 : IConvTile;

/// <summary>A GPU group shape: 256 threads, eight 32-lane warps.</summary>
internal interface IConvTileGpu : IConvTileTf32;

/// <summary>16 × 16 threads: 128 × 128 output tiles (products of ≥ 128 rows).</summary>
internal readonly struct ConvTile16x16 : IConvTileGpu
{
    public int GroupX => 16;
    public int GroupY => 16;
}

/// <summary>32 × 8 threads: 64 × 256 output tiles (products of 64 rows).</summary>
internal readonly struct ConvTile32x8 : IConvTileGpu
{
    public int GroupX => 32;
    public int GroupY => 8;
}

/// <summary>64 × 4 threads: 32 × 512 output tiles (products of 32 rows).</summary>
internal readonly struct ConvTile64x4 : IConvTileGpu
{
    public int GroupX => 64;
    public int GroupY => 4;
}

/// <summary>8 × 4 threads, one 32-lane warp: 32 × 64 output tiles — the TF32 kernel's shape on ILGPU's simulator
/// (simulating a group costs a thread per lane, so the GPU's 256 are too slow there).</summary>
internal readonly struct ConvTile8x4 : IConvTileTf32
{
    public int GroupX => 8;
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
        ConvProduct(p, mode, out int rows, out int cols, out int depth);
        int tx = Group.IdxX, ty = Group.IdxY;
        int bm = 8 * gy, bn = 8 * gx, threads = gx * gy, tid = ty * gx + tx;
        int m0 = Grid.IdxY * bm;
        int k0 = Grid.IdxZ * kSlice, k1 = Math.Min(depth, k0 + kSlice);
        var src = mode == ConvGemmMode.BackwardWeight ? dy : w;

        int rowStride = ConvRowStride(p, mode, cols);
        int slice = Grid.IdxZ * rows * cols;

        int colTiles = (cols + bn - 1) / bn;
        for (int tile = Grid.IdxX; tile < colTiles; tile += Grid.DimX)
        {
            // 2. This thread's staging share for the column tile (rows of A, columns of B, decoded once).
            int c0 = tile * bn;
            var share = ConvStagingFor(p, mode, tid, threads, bm, bn, m0, c0, cols, taps, ohw, hw);

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
                // 3. Stage the k tile (A rows of stride bm, B rows of stride bn).
                ConvStageKTile(aTile, bTile, kA, kOff, kU, kV, x, dy, src, p, mode, share, kt, k1, rows, cols, tid, threads, taps, ohw, hw, bm, bn, tf32: false);

                // 4. The 8 × 8 register tile: rows ty + gy·a, columns tx + gx·b (a warp reads consecutive B words and at
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

            // 5. Write the tile column by column (one decode of the column's place per 8 rows; bias added once).
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

    // What one thread stages per k tile of a column tile (c0) in the wide kernels: A rows aM (+ threads when the tile has
    // more rows than the group has threads), k rows aK, aK + aStep, …; B columns bN (+ threads) likewise, each column's
    // half of the gather decoded once.
    private struct ConvStaging
    {
        public bool TwoA, TwoB;
        public int AM, AK, AStep, ARow0, ARow1, ABase0, ABase1;
        public int BN, BK, BStep, BCol0, BCol1, Off0, U0, V0, Off1, U1, V1;
    }

    private static ConvStaging ConvStagingFor(ConvParams p, int mode, int tid, int threads, int bm, int bn, int m0, int c0,
        int cols, int taps, int ohw, int hw)
    {
        var s = new ConvStaging { TwoA = bm > threads, TwoB = bn > threads };
        s.AM = tid % bm; s.AK = tid / bm; s.AStep = s.TwoA ? 1 : threads / bm;
        s.BN = tid % bn; s.BK = tid / bn; s.BStep = s.TwoB ? 1 : threads / bn;
        s.ARow0 = m0 + s.AM; s.ARow1 = s.ARow0 + threads;
        s.ABase0 = ConvARowBase(p, mode, s.ARow0, taps, ohw); s.ABase1 = ConvARowBase(p, mode, s.ARow1, taps, ohw);
        s.BCol0 = c0 + s.BN; s.BCol1 = s.BCol0 + threads;
        int off = 0, u = 0, v = 0;
        if (s.BCol0 < cols) ConvColumn(p, mode, s.BCol0, taps, ohw, hw, out off, out u, out v);
        s.Off0 = off; s.U0 = u; s.V0 = v;
        off = 0; u = 0; v = 0;
        if (s.TwoB && s.BCol1 < cols) ConvColumn(p, mode, s.BCol1, taps, ohw, hw, out off, out u, out v);
        s.Off1 = off; s.U1 = u; s.V1 = v;
        return s;
    }

    // One k tile (kt … kt + 15, clipped to k1) into shared memory: the first 16 threads decode its k table, then every
    // thread stages its share of A (row kk at kk·strideA) and B (row kk at kk·strideB), zero outside the product and in
    // the padding; with tf32, each value is rounded to TF32 as it is stored. Synchronises before and after staging.
    private static void ConvStageKTile(ArrayView<float> aTile, ArrayView<float> bTile, ArrayView<int> kA, ArrayView<int> kOff,
        ArrayView<int> kU, ArrayView<int> kV, ArrayView<float> x, ArrayView<float> dy, ArrayView<float> src, ConvParams p, int mode,
        ConvStaging s, int kt, int k1, int rows, int cols, int tid, int threads, int taps, int ohw, int hw, int strideA, int strideB, bool tf32)
    {
        if (tid < ConvTileK && kt + tid < k1)
        {
            ConvDepth(p, mode, kt + tid, taps, ohw, hw, out int ka, out int off, out int u, out int v);
            kA[tid] = ka; kOff[tid] = off; kU[tid] = u; kV[tid] = v;
        }
        Group.Barrier();
        for (int kk = s.AK; kk < ConvTileK; kk += s.AStep)
        {
            bool inK = kt + kk < k1;
            float a0 = inK && s.ARow0 < rows ? src[s.ABase0 + kA[kk]] : 0f;
            aTile[kk * strideA + s.AM] = tf32 ? Tf32.Round(a0) : a0;
            if (s.TwoA)
            {
                float a1 = inK && s.ARow1 < rows ? src[s.ABase1 + kA[kk]] : 0f;
                aTile[kk * strideA + s.AM + threads] = tf32 ? Tf32.Round(a1) : a1;
            }
        }
        for (int kk = s.BK; kk < ConvTileK; kk += s.BStep)
        {
            bool inK = kt + kk < k1;
            float b0 = ConvGatherB(x, dy, p, mode, inK && s.BCol0 < cols, s.Off0, s.U0, s.V0, kOff[kk], kU[kk], kV[kk]);
            bTile[kk * strideB + s.BN] = tf32 ? Tf32.Round(b0) : b0;
            if (s.TwoB)
            {
                float b1 = ConvGatherB(x, dy, p, mode, inK && s.BCol1 < cols, s.Off1, s.U1, s.V1, kOff[kk], kU[kk], kV[kk]);
                bTile[kk * strideB + s.BN + threads] = tf32 ? Tf32.Round(b1) : b1;
            }
        }
        Group.Barrier();
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
        int baseOffset = ConvOutputBase(p, mode, col, rowStride, slice);
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

    // Where row 0 of output column `col` goes (row r at + r·rowStride): dw[slice + col]; y or dx at image n = col / plane,
    // pixel col − n·plane.
    private static int ConvOutputBase(ConvParams p, int mode, int col, int rowStride, int slice)
    {
        if (mode == ConvGemmMode.BackwardWeight) return slice + col;
        int channels = mode == ConvGemmMode.Forward ? p.OC : p.C, n = col / rowStride;
        return slice + n * channels * rowStride + (col - n * rowStride);
    }

    private static void ConvStoreOne(ArrayView<float> output, ArrayView<float> bias, bool addBias, int m, int rows, int baseOffset, int rowStride, float value)
    {
        if (m < rows) output[baseOffset + m * rowStride] = addBias ? value + bias[m] : value;
    }
}
