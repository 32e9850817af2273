using ILGPU;
using ILGPU.Runtime;

namespace MusicGenre.Kernels.Nn;

internal static partial class NnKernels
{
    /// <summary>Row stride padding of <see cref="ConvGemmTf32Kernel{TTile}"/>'s shared tiles: with rows of 8·GY + 8 (A) and
    /// 8·GX + 8 (B) words, the 32 lanes of a fragment load (4 k rows × 8 consecutive words) fall in 32 different banks.</summary>
    public const int ConvTf32Pad = 8;

    /// <summary>Shared memory <see cref="ConvGemmTf32Kernel{TTile}"/> declares: 42,240 bytes.</summary>
    public const int ConvTf32SharedBytes = 4 * (ConvTileK * (ConvWideMaxTileM + ConvTf32Pad + ConvWideMaxTileN + ConvTf32Pad) + 4 * ConvTileK);

    /// <summary>
    /// The three convolution products of <see cref="ConvGemmKernel"/> on tensor cores in TF32 (<see cref="Tf32"/>): the
    /// operands are rounded to TF32 as they are staged, the products accumulated in FP32 by
    /// <c>mma.sync.m16n8k8</c>. Opt-in (like PyTorch's <c>allow_tf32</c>): about 3 significant decimal digits per
    /// operand instead of 7, so results differ from the FP32 kernels by ≈ 10⁻³ relative.
    /// Same staging, k slices and output tiles as <see cref="ConvGemmWideKernel{TTile}"/> (8·GY × 8·GX; on a GPU
    /// GX·GY = 256: eight warps); each warp owns a WM × WN block of the tile — 64 × 32 (tiles 128 × 128 as 2 × 4 warps,
    /// 64 × 256 as 1 × 8) or 32 × 64 (32 × 512 as 1 × 8; the simulator's 32 × 64 as one warp) — as 16 m16n8 accumulator
    /// tiles (MT × NT = 4 × 4 or 2 × 8), and per k step
    /// of 8 loads its A fragments (4 words per m tile) and B fragments (2 per n tile) from shared memory and issues 16
    /// mma instructions. Shared rows are padded (<see cref="ConvTf32Pad"/>) so fragment loads have no bank conflicts.
    /// </summary>
    internal static void ConvGemmTf32Kernel<TTile>(
        ArrayView<float> x, ArrayView<float> w, ArrayView<float> dy, ArrayView<float> bias, ArrayView<float> output,
        ConvParams p, int mode, int hasBias, int kSlice)
        where TTile : struct, IConvTileTf32
    {
        var aTile = SharedMemory.Allocate<float>(ConvTileK * (ConvWideMaxTileM + ConvTf32Pad));
        var bTile = SharedMemory.Allocate<float>(ConvTileK * (ConvWideMaxTileN + ConvTf32Pad));
        var kA = SharedMemory.Allocate<int>(ConvTileK);
        var kOff = SharedMemory.Allocate<int>(ConvTileK);
        var kU = SharedMemory.Allocate<int>(ConvTileK);
        var kV = SharedMemory.Allocate<int>(ConvTileK);

        // 1. Sizes of the product, the group's tile and this warp's block (constants of TTile but the product's).
        int gx = default(TTile).GroupX, gy = default(TTile).GroupY;
        int taps = p.KH * p.KW, ohw = p.OH * p.OW, hw = p.H * p.W;
        ConvProduct(p, mode, out int rows, out int cols, out int depth);
        int bm = 8 * gy, bn = 8 * gx, threads = gx * gy, tid = Group.IdxY * gx + Group.IdxX;
        int sA = bm + ConvTf32Pad, sB = bn + ConvTf32Pad;
        int warpsM = bm >= 128 ? 2 : 1, warpsN = threads / 32 / warpsM, wm = bm / warpsM, wn = bn / warpsN;
        int mt = wm / 16, nt = wn / 8;
        int warp = tid / 32, lane = tid % 32, g = lane >> 2, t = lane & 3;
        int wm0 = warp / warpsN * wm, wn0 = warp % warpsN * wn;
        int m0 = Grid.IdxY * bm;
        int k0 = Grid.IdxZ * kSlice, k1 = Math.Min(depth, k0 + kSlice);
        var src = mode == ConvGemmMode.BackwardWeight ? dy : w;
        int rowStride = ConvRowStride(p, mode, cols);
        int slice = Grid.IdxZ * rows * cols;

        int colTiles = (cols + bn - 1) / bn;
        for (int tile = Grid.IdxX; tile < colTiles; tile += Grid.DimX)
        {
            // 2. This thread's staging share for the column tile.
            int c0 = tile * bn;
            var share = ConvStagingFor(p, mode, tid, threads, bm, bn, m0, c0, cols, taps, ohw, hw);

            Acc4 d0 = default, d1 = default, d2 = default, d3 = default, d4 = default, d5 = default, d6 = default, d7 = default, d8 = default, d9 = default, d10 = default, d11 = default, d12 = default, d13 = default, d14 = default, d15 = default;
            for (int kt = k0; kt < k1; kt += ConvTileK)
            {
                // 3. Stage the k tile, rounded to TF32, in padded rows.
                ConvStageKTile(aTile, bTile, kA, kOff, kU, kV, x, dy, src, p, mode, share, kt, k1, rows, cols, tid, threads, taps, ohw, hw, sA, sB, tf32: true);

                // 4. Two k steps of 8: fragments of A (rows wm0 + 16i + g and + 8, k rows ks + t and + 4) and of B
                //    (columns wn0 + 8j + g), then the 16 mma of the warp's block.
                for (int ks = 0; ks < ConvTileK; ks += 8)
                {
                    var aLo = aTile.SubView((ks + t) * sA + wm0 + g);
                    var aHi = aTile.SubView((ks + t + 4) * sA + wm0 + g);
                    var bLo = bTile.SubView((ks + t) * sB + wn0 + g);
                    var bHi = bTile.SubView((ks + t + 4) * sB + wn0 + g);
                    float a00 = aLo[0], a01 = aLo[8], a02 = aHi[0], a03 = aHi[8];
                    float a10 = aLo[16], a11 = aLo[24], a12 = aHi[16], a13 = aHi[24];
                    float a20 = mt > 2 ? aLo[32] : 0f, a21 = mt > 2 ? aLo[40] : 0f, a22 = mt > 2 ? aHi[32] : 0f, a23 = mt > 2 ? aHi[40] : 0f;
                    float a30 = mt > 2 ? aLo[48] : 0f, a31 = mt > 2 ? aLo[56] : 0f, a32 = mt > 2 ? aHi[48] : 0f, a33 = mt > 2 ? aHi[56] : 0f;
                    float b00 = bLo[0], b01 = bHi[0];
                    float b10 = bLo[8], b11 = bHi[8];
                    float b20 = bLo[16], b21 = bHi[16];
                    float b30 = bLo[24], b31 = bHi[24];
                    float b40 = nt > 4 ? bLo[32] : 0f, b41 = nt > 4 ? bHi[32] : 0f;
                    float b50 = nt > 4 ? bLo[40] : 0f, b51 = nt > 4 ? bHi[40] : 0f;
                    float b60 = nt > 4 ? bLo[48] : 0f, b61 = nt > 4 ? bHi[48] : 0f;
                    float b70 = nt > 4 ? bLo[56] : 0f, b71 = nt > 4 ? bHi[56] : 0f;
                    d0 = Tf32.Mma(d0, (nt == 4 ? a00 : a00), (nt == 4 ? a01 : a01), (nt == 4 ? a02 : a02), (nt == 4 ? a03 : a03), (nt == 4 ? b00 : b00), (nt == 4 ? b01 : b01));
                    d1 = Tf32.Mma(d1, (nt == 4 ? a00 : a00), (nt == 4 ? a01 : a01), (nt == 4 ? a02 : a02), (nt == 4 ? a03 : a03), (nt == 4 ? b10 : b10), (nt == 4 ? b11 : b11));
                    d2 = Tf32.Mma(d2, (nt == 4 ? a00 : a00), (nt == 4 ? a01 : a01), (nt == 4 ? a02 : a02), (nt == 4 ? a03 : a03), (nt == 4 ? b20 : b20), (nt == 4 ? b21 : b21));
                    d3 = Tf32.Mma(d3, (nt == 4 ? a00 : a00), (nt == 4 ? a01 : a01), (nt == 4 ? a02 : a02), (nt == 4 ? a03 : a03), (nt == 4 ? b30 : b30), (nt == 4 ? b31 : b31));
                    d4 = Tf32.Mma(d4, (nt == 4 ? a10 : a00), (nt == 4 ? a11 : a01), (nt == 4 ? a12 : a02), (nt == 4 ? a13 : a03), (nt == 4 ? b00 : b40), (nt == 4 ? b01 : b41));
                    d5 = Tf32.Mma(d5, (nt == 4 ? a10 : a00), (nt == 4 ? a11 : a01), (nt == 4 ? a12 : a02), (nt == 4 ? a13 : a03), (nt == 4 ? b10 : b50), (nt == 4 ? b11 : b51));
                    d6 = Tf32.Mma(d6, (nt == 4 ? a10 : a00), (nt == 4 ? a11 : a01), (nt == 4 ? a12 : a02), (nt == 4 ? a13 : a03), (nt == 4 ? b20 : b60), (nt == 4 ? b21 : b61));
                    d7 = Tf32.Mma(d7, (nt == 4 ? a10 : a00), (nt == 4 ? a11 : a01), (nt == 4 ? a12 : a02), (nt == 4 ? a13 : a03), (nt == 4 ? b30 : b70), (nt == 4 ? b31 : b71));
                    d8 = Tf32.Mma(d8, (nt == 4 ? a20 : a10), (nt == 4 ? a21 : a11), (nt == 4 ? a22 : a12), (nt == 4 ? a23 : a13), (nt == 4 ? b00 : b00), (nt == 4 ? b01 : b01));
                    d9 = Tf32.Mma(d9, (nt == 4 ? a20 : a10), (nt == 4 ? a21 : a11), (nt == 4 ? a22 : a12), (nt == 4 ? a23 : a13), (nt == 4 ? b10 : b10), (nt == 4 ? b11 : b11));
                    d10 = Tf32.Mma(d10, (nt == 4 ? a20 : a10), (nt == 4 ? a21 : a11), (nt == 4 ? a22 : a12), (nt == 4 ? a23 : a13), (nt == 4 ? b20 : b20), (nt == 4 ? b21 : b21));
                    d11 = Tf32.Mma(d11, (nt == 4 ? a20 : a10), (nt == 4 ? a21 : a11), (nt == 4 ? a22 : a12), (nt == 4 ? a23 : a13), (nt == 4 ? b30 : b30), (nt == 4 ? b31 : b31));
                    d12 = Tf32.Mma(d12, (nt == 4 ? a30 : a10), (nt == 4 ? a31 : a11), (nt == 4 ? a32 : a12), (nt == 4 ? a33 : a13), (nt == 4 ? b00 : b40), (nt == 4 ? b01 : b41));
                    d13 = Tf32.Mma(d13, (nt == 4 ? a30 : a10), (nt == 4 ? a31 : a11), (nt == 4 ? a32 : a12), (nt == 4 ? a33 : a13), (nt == 4 ? b10 : b50), (nt == 4 ? b11 : b51));
                    d14 = Tf32.Mma(d14, (nt == 4 ? a30 : a10), (nt == 4 ? a31 : a11), (nt == 4 ? a32 : a12), (nt == 4 ? a33 : a13), (nt == 4 ? b20 : b60), (nt == 4 ? b21 : b61));
                    d15 = Tf32.Mma(d15, (nt == 4 ? a30 : a10), (nt == 4 ? a31 : a11), (nt == 4 ? a32 : a12), (nt == 4 ? a33 : a13), (nt == 4 ? b30 : b70), (nt == 4 ? b31 : b71));
                }
                Group.Barrier();
            }

            // 5. Write the warp's 16 tiles (each lane: rows g and g + 8, columns 2t and 2t + 1 of each).
            int rowBase = m0 + wm0 + g, colBase = c0 + wn0 + 2 * t;
            ConvStoreMma(output, bias, p, mode, hasBias, rowBase + (nt == 4 ? 0 : 0) * 16, colBase + (nt == 4 ? 0 : 0) * 8, rows, cols, rowStride, slice, d0);
            ConvStoreMma(output, bias, p, mode, hasBias, rowBase + (nt == 4 ? 0 : 0) * 16, colBase + (nt == 4 ? 1 : 1) * 8, rows, cols, rowStride, slice, d1);
            ConvStoreMma(output, bias, p, mode, hasBias, rowBase + (nt == 4 ? 0 : 0) * 16, colBase + (nt == 4 ? 2 : 2) * 8, rows, cols, rowStride, slice, d2);
            ConvStoreMma(output, bias, p, mode, hasBias, rowBase + (nt == 4 ? 0 : 0) * 16, colBase + (nt == 4 ? 3 : 3) * 8, rows, cols, rowStride, slice, d3);
            ConvStoreMma(output, bias, p, mode, hasBias, rowBase + (nt == 4 ? 1 : 0) * 16, colBase + (nt == 4 ? 0 : 4) * 8, rows, cols, rowStride, slice, d4);
            ConvStoreMma(output, bias, p, mode, hasBias, rowBase + (nt == 4 ? 1 : 0) * 16, colBase + (nt == 4 ? 1 : 5) * 8, rows, cols, rowStride, slice, d5);
            ConvStoreMma(output, bias, p, mode, hasBias, rowBase + (nt == 4 ? 1 : 0) * 16, colBase + (nt == 4 ? 2 : 6) * 8, rows, cols, rowStride, slice, d6);
            ConvStoreMma(output, bias, p, mode, hasBias, rowBase + (nt == 4 ? 1 : 0) * 16, colBase + (nt == 4 ? 3 : 7) * 8, rows, cols, rowStride, slice, d7);
            ConvStoreMma(output, bias, p, mode, hasBias, rowBase + (nt == 4 ? 2 : 1) * 16, colBase + (nt == 4 ? 0 : 0) * 8, rows, cols, rowStride, slice, d8);
            ConvStoreMma(output, bias, p, mode, hasBias, rowBase + (nt == 4 ? 2 : 1) * 16, colBase + (nt == 4 ? 1 : 1) * 8, rows, cols, rowStride, slice, d9);
            ConvStoreMma(output, bias, p, mode, hasBias, rowBase + (nt == 4 ? 2 : 1) * 16, colBase + (nt == 4 ? 2 : 2) * 8, rows, cols, rowStride, slice, d10);
            ConvStoreMma(output, bias, p, mode, hasBias, rowBase + (nt == 4 ? 2 : 1) * 16, colBase + (nt == 4 ? 3 : 3) * 8, rows, cols, rowStride, slice, d11);
            ConvStoreMma(output, bias, p, mode, hasBias, rowBase + (nt == 4 ? 3 : 1) * 16, colBase + (nt == 4 ? 0 : 4) * 8, rows, cols, rowStride, slice, d12);
            ConvStoreMma(output, bias, p, mode, hasBias, rowBase + (nt == 4 ? 3 : 1) * 16, colBase + (nt == 4 ? 1 : 5) * 8, rows, cols, rowStride, slice, d13);
            ConvStoreMma(output, bias, p, mode, hasBias, rowBase + (nt == 4 ? 3 : 1) * 16, colBase + (nt == 4 ? 2 : 6) * 8, rows, cols, rowStride, slice, d14);
            ConvStoreMma(output, bias, p, mode, hasBias, rowBase + (nt == 4 ? 3 : 1) * 16, colBase + (nt == 4 ? 3 : 7) * 8, rows, cols, rowStride, slice, d15);
        }
    }

    // One lane's four outputs of an m16n8 tile: (row, col), (row, col + 1), (row + 8, col), (row + 8, col + 1), where they
    // lie inside the product; k slice z writes at slice = z·rows·cols (only slice 0 adds the bias).
    private static void ConvStoreMma(ArrayView<float> output, ArrayView<float> bias, ConvParams p, int mode, int hasBias,
        int row, int col, int rows, int cols, int rowStride, int slice, Acc4 d)
    {
        bool addBias = hasBias != 0 && Grid.IdxZ == 0;
        if (col < cols)
        {
            int b = ConvOutputBase(p, mode, col, rowStride, slice);
            ConvStoreOne(output, bias, addBias, row, rows, b, rowStride, d.C0);
            ConvStoreOne(output, bias, addBias, row + 8, rows, b, rowStride, d.C2);
        }
        if (col + 1 < cols)
        {
            int b = ConvOutputBase(p, mode, col + 1, rowStride, slice);
            ConvStoreOne(output, bias, addBias, row, rows, b, rowStride, d.C1);
            ConvStoreOne(output, bias, addBias, row + 8, rows, b, rowStride, d.C3);
        }
    }
}
