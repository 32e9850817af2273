using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using MusicGenre.Simd;

namespace MusicGenre.Nn.Backends.Cpu;

/// <summary>
/// Convolution as tiled im2col + register-blocked GEMM (chosen over direct convolution by measurement, see
/// benchmarks/MusicGenre.Benchmarks/Nn/RESULTS.md). For one tile of <c>count ≤ tile</c> output pixels:
/// <list type="number">
/// <item><see cref="Im2ColTile"/> gathers the receptive fields into B <c>[K = C·KH·KW][tile]</c> (zeros for padding),
/// sized to stay in L2.</item>
/// <item><see cref="GemmTile"/> computes C <c>[M][count]</c> = A <c>[M][K]</c> · B with a 6×16 micro-kernel: 6 output rows ×
/// two Vector256 of 8 pixels = 12 accumulators, one broadcast of A and two loads of B per k (4×16 and 2×16 for a short
/// last block of rows).</item>
/// </list>
/// Tiles write disjoint outputs, so they run in parallel with no effect on the result. The weight gradient uses the same
/// tiles (<see cref="WeightGradTile"/>); the input gradient multiplies with the same micro-kernel and adds the result back
/// with <see cref="Col2ImTile"/>, the adjoint of <see cref="Im2ColTile"/> (same walk over output-row runs). Each SIMD
/// kernel has a scalar twin (<c>…Scalar</c>).
/// </summary>
internal static unsafe class ConvGemm
{
    /// <summary>Rows of the micro-kernel (output channels).</summary>
    public const int MR = 6;

    /// <summary>Columns of the micro-kernel (pixels): two Vector256.</summary>
    public const int NR = 16;

    /// <summary>True when the Vector256 micro-kernels run.</summary>
    public static bool UseVector => Vector256.IsHardwareAccelerated;

    /// <summary>Pixels per tile for a reduction length <paramref name="k"/>: B ≈ 128 KiB, a multiple of 16 in [16, 256].</summary>
    public static int TileFor(int k) => Math.Clamp(32768 / Math.Max(k, 1) / NR * NR, NR, 256);

    /// <summary>
    /// Pixels per tile of the weight gradient: twice <see cref="TileFor"/> (B ≈ 256 KiB, still in L2), since each dot
    /// product over the tile ends in a horizontal sum whose cost longer tiles amortise — but never fewer than
    /// <see cref="MinWeightGradTile"/>: for long reductions (lachmish2016's 149→73 4×4 layer, k = 2384) the L2 rule gave
    /// 16-pixel tiles, where two FMAs per dot product paid for a horizontal sum and a read-modify-write of the partial
    /// (with 128-pixel tiles B is ≈ 1.2 MB, in L2/L3).
    /// </summary>
    public static int WeightGradTileFor(int k) => Math.Clamp(65536 / Math.Max(k, 1) / NR * NR, MinWeightGradTile, 512);

    /// <summary>The shortest weight-gradient tile (pixels).</summary>
    public const int MinWeightGradTile = 128;

    /// <summary>Floats needed by <see cref="PackA"/> for an M×K matrix.</summary>
    public static int PackedSize(int m, int k) => (m + MR - 1) / MR * MR * k;

    /// <summary>
    /// Packs row-major A <c>[m][k]</c> (element (r, c) read through <paramref name="at"/>) into blocks of <see cref="MR"/>
    /// rows laid out <c>[block][k][MR]</c>, zero-padding the last block.
    /// </summary>
    public static void PackA(int m, int k, Func<int, int, float> at, Span<float> packed)
    {
        int blocks = (m + MR - 1) / MR;
        for (int b = 0; b < blocks; b++)
            for (int c = 0; c < k; c++)
                for (int r = 0; r < MR; r++)
                {
                    int row = b * MR + r;
                    packed[(b * k + c) * MR + r] = row < m ? at(row, c) : 0f;
                }
    }

    /// <summary>
    /// Gathers B <c>[C·KH·KW][tile]</c> for output pixels p0..p0+count−1 of a <paramref name="outW"/>-wide grid from one
    /// image <paramref name="src"/> <c>[C][H][W]</c>: B[(c, kh, kw)][j] = src[c][oh·sh − padT + kh][ow·sw − padL + kw], or 0
    /// outside the image; columns count..tile−1 are zeroed.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // optimised from the first call (see ISimdOps)
    public static void Im2ColTile(ReadOnlySpan<float> src, int channels, int h, int w, int kh, int kw, int sh, int sw,
        int padT, int padL, int outW, int p0, int count, int tile, Span<float> b)
    {
        int row = 0;
        for (int c = 0; c < channels; c++)
            for (int i = 0; i < kh; i++)
                for (int j = 0; j < kw; j++, row++)
                {
                    var dst = b.Slice(row * tile, tile);
                    int oh = p0 / outW, ow = p0 % outW, n = 0;
                    // Walk the tile one output row segment at a time (pixels of one output row are contiguous).
                    while (n < count)
                    {
                        int run = Math.Min(outW - ow, count - n);
                        int ih = oh * sh - padT + i;
                        var seg = dst.Slice(n, run);
                        if ((uint)ih >= (uint)h) seg.Clear();
                        else
                        {
                            var srcRow = src.Slice((c * h + ih) * w, w);
                            int iw0 = ow * sw - padL + j;
                            if (sw == 1)
                            {
                                // Valid source columns are iw0..iw0+run−1 ∩ [0, w): copy that part, zero the rest.
                                int lo = Math.Max(0, -iw0), hi = Math.Min(run, w - iw0);
                                if (hi <= lo) seg.Clear();
                                else
                                {
                                    seg[..lo].Clear();
                                    srcRow.Slice(iw0 + lo, hi - lo).CopyTo(seg[lo..hi]);
                                    seg[hi..].Clear();
                                }
                            }
                            else
                                for (int q = 0; q < run; q++)
                                {
                                    int iw = iw0 + q * sw;
                                    seg[q] = (uint)iw < (uint)w ? srcRow[iw] : 0f;
                                }
                        }
                        n += run; oh++; ow = 0;
                    }
                    dst[count..].Clear();
                }
    }

    /// <summary>
    /// The adjoint of <see cref="Im2ColTile"/> for stride 1: adds B <c>[C·KH·KW][tile]</c> (columns 0..count−1 = output
    /// pixels p0..) into one image <paramref name="dst"/> <c>[C][H][W]</c>: dst[c][oh − padT + kh][ow − padL + kw] +=
    /// B[(c, kh, kw)][j], skipping positions outside the image. Rows are added in order, each row one output-row run at a
    /// time, so the result does not depend on the vector width (every element gets its additions in the same order).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // optimised from the first call (see ISimdOps)
    public static void Col2ImTile(ReadOnlySpan<float> b, int channels, int h, int w, int kh, int kw,
        int padT, int padL, int outW, int p0, int count, int tile, Span<float> dst)
    {
        int row = 0;
        for (int c = 0; c < channels; c++)
            for (int i = 0; i < kh; i++)
                for (int j = 0; j < kw; j++, row++)
                {
                    var src = b.Slice(row * tile, count);
                    int oh = p0 / outW, ow = p0 % outW, n = 0;
                    while (n < count)
                    {
                        int run = Math.Min(outW - ow, count - n);
                        int ih = oh - padT + i, iw0 = ow - padL + j;
                        if ((uint)ih < (uint)h)
                        {
                            // Valid columns iw0..iw0+run−1 ∩ [0, w).
                            int lo = Math.Max(0, -iw0), hi = Math.Min(run, w - iw0);
                            if (hi > lo) AddTo(src.Slice(n + lo, hi - lo), dst.Slice((c * h + ih) * w + iw0 + lo, hi - lo));
                        }
                        n += run; oh++; ow = 0;
                    }
                }
    }

    // dst[i] += src[i]: TensorPrimitives at the widest vectors the CPU has (one addition per element: exact in any width).
    private static void AddTo(ReadOnlySpan<float> src, Span<float> dst) => TensorPrimitives.Add(dst, src, dst);

    /// <summary>Scalar twin of <see cref="Col2ImTile"/>: the plain loop over every (c, kh, kw, pixel).</summary>
    public static void Col2ImTileScalar(ReadOnlySpan<float> b, int channels, int h, int w, int kh, int kw,
        int padT, int padL, int outW, int p0, int count, int tile, Span<float> dst)
    {
        for (int c = 0, row = 0; c < channels; c++)
            for (int i = 0; i < kh; i++)
                for (int j = 0; j < kw; j++, row++)
                    for (int q = 0; q < count; q++)
                    {
                        int oh = (p0 + q) / outW, ow = (p0 + q) % outW, ih = oh - padT + i, iw = ow - padL + j;
                        if ((uint)ih < (uint)h && (uint)iw < (uint)w) dst[(c * h + ih) * w + iw] += b[row * tile + q];
                    }
    }

    /// <summary>
    /// One <see cref="GemmTile"/> (or its scalar twin) per batch: C_b (m × count) = A_b (m × k) · B_b (k × count), with
    /// A_b packed at <c>packedA[b·PackedSize(m, k)..]</c>, B_b at <c>b[b·bStride..]</c> (<c>[k][tile]</c>) and C_b at
    /// <c>c[b·cStride..]</c> (<c>[m][tile]</c>). The Winograd convolutions run one per transform position.
    /// </summary>
    internal static void GemmBatch(ReadOnlySpan<float> packedA, int m, int k, ReadOnlySpan<float> b, int bStride, int tile,
        int count, Span<float> c, int cStride, int batches, bool vector)
    {
        int size = PackedSize(m, k);
        for (int i = 0; i < batches; i++)
        {
            var a = packedA.Slice(i * size, size);
            var bi = b.Slice(i * bStride, k * tile);
            var ci = c.Slice(i * cStride, m * tile);
            if (vector) GemmTile(a, m, k, bi, tile, count, default, ci, tile);
            else GemmTileScalar(a, m, k, bi, tile, count, default, ci, tile);
        }
    }

    /// <summary>
    /// C[r][j] = Σₖ A[r][k]·B[k][j] (+ bias[r]) for r &lt; m, j &lt; count, written at c[r·ldc + j]. A is packed by
    /// <see cref="PackA"/>, B is <c>[k][tile]</c>. Dispatches to the Vector256 micro-kernel or the scalar twin.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // optimised from the first call (see ISimdOps)
    public static void GemmTile(ReadOnlySpan<float> packedA, int m, int k, ReadOnlySpan<float> b, int tile, int count,
        ReadOnlySpan<float> bias, Span<float> c, int ldc)
    {
        if (!UseVector)
        {
            if (Use128) GemmTile128(packedA, m, k, b, tile, count, bias, c, ldc);
            else GemmTileScalar(packedA, m, k, b, tile, count, bias, c, ldc);
            return;
        }
        fixed (float* pa = packedA, pb = b, pc = c, pbias = bias)
        {
            float* stage = stackalloc float[MR * NR];
            for (int rb = 0; rb * MR < m; rb++)
            {
                int rows = Math.Min(MR, m - rb * MR);
                float* a = pa + rb * MR * k;
                for (int j = 0; j < count; j += NR)
                {
                    int cols = Math.Min(NR, count - j);
                    float* dst = pc + rb * MR * ldc + j;
                    // Where Vector512 is accelerated, two 16-column blocks of full rows at once (same sums, fewer instructions;
                    // twice the FMA throughput on CPUs with two 512-bit FMA units).
                    if (Use512 && rows == MR && count - j >= 2 * NR)
                    {
                        Kernel6x32(a, pb + j, k, tile, dst, ldc, pbias == null ? null : pbias + rb * MR);
                        j += NR;
                        continue;
                    }
                    // A last block of 2 rows (M = 32 or 8, as in the Winograd products) over 64 columns: 8 accumulators
                    // keep both FMA pipes busy where the 16-column kernel's 4 wait on each other.
                    if (Use512 && rows == 2 && count - j >= 4 * NR)
                    {
                        Kernel2x64(a, pb + j, k, tile, dst, ldc, pbias == null ? null : pbias + rb * MR);
                        j += 3 * NR;
                        continue;
                    }
                    // The last block of rows may be short (M = 8, 16, 32, 64 leave 2 or 4): the 4- and 2-row kernels
                    // compute it without the 6-row kernel's idle rows. Every kernel sums each output in the same order.
                    int kernelRows = rows > 4 ? MR : rows > 2 ? 4 : 2;
                    if (rows == kernelRows && cols == NR) Kernel(kernelRows, a, pb + j, k, tile, dst, ldc, pbias == null ? null : pbias + rb * MR);
                    else
                    {
                        // Partial block: compute the kernel's rows × 16 into a stage buffer, copy the valid part.
                        Kernel(kernelRows, a, pb + j, k, tile, stage, NR, null);
                        for (int r = 0; r < rows; r++)
                        {
                            float add = pbias == null ? 0f : pbias[rb * MR + r];
                            for (int q = 0; q < cols; q++) dst[r * ldc + q] = stage[r * NR + q] + add;
                        }
                    }
                }
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Kernel(int rows, float* a, float* b, int k, int ldb, float* c, int ldc, float* bias)
    {
        if (rows == MR) Kernel6x16(a, b, k, ldb, c, ldc, bias);
        else if (rows == 4) Kernel4x16(a, b, k, ldb, c, ldc, bias);
        else Kernel2x16(a, b, k, ldb, c, ldc, bias);
    }

    /// <summary>The 6×16 micro-kernel: lanes of acc[r, h] hold pixels j + 8h .. j + 8h + 7 of output row r.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Kernel6x16(float* a, float* b, int k, int ldb, float* c, int ldc, float* bias) =>
        Kernel6x2<Vector256<float>, Vec256Ops>(a, b, k, ldb, c, ldc, bias);

    /// <summary>
    /// The 6-row micro-kernel over two registers of pixels, for any width (<typeparamref name="TOps"/>: 8 pixels with
    /// 128-bit, 16 with 256-bit, 32 with 512-bit vectors): lanes of acc[r, h] hold pixels j + h·Count .. j + (h + 1)·Count − 1
    /// of output row r, 12 accumulators; per k one load of two B registers, six broadcasts of A, twelve multiply-adds.
    /// Each output is the same chain of multiply-adds over k (fused where the CPU fuses) at every width, so the widths
    /// agree bit for bit.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Kernel6x2<TV, TOps>(float* a, float* b, int k, int ldb, float* c, int ldc, float* bias)
        where TV : struct where TOps : ISimdOps<TV>
    {
        nuint n = (nuint)TOps.Count;
        TV c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default,
            c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        for (int p = 0; p < k; p++, a += MR, b += ldb)
        {
            var b0 = TOps.Load(ref *b, 0);
            var b1 = TOps.Load(ref *b, n);
            var a0 = TOps.Broadcast(a[0]); c00 = TOps.MulAdd(a0, b0, c00); c01 = TOps.MulAdd(a0, b1, c01);
            var a1 = TOps.Broadcast(a[1]); c10 = TOps.MulAdd(a1, b0, c10); c11 = TOps.MulAdd(a1, b1, c11);
            var a2 = TOps.Broadcast(a[2]); c20 = TOps.MulAdd(a2, b0, c20); c21 = TOps.MulAdd(a2, b1, c21);
            var a3 = TOps.Broadcast(a[3]); c30 = TOps.MulAdd(a3, b0, c30); c31 = TOps.MulAdd(a3, b1, c31);
            var a4 = TOps.Broadcast(a[4]); c40 = TOps.MulAdd(a4, b0, c40); c41 = TOps.MulAdd(a4, b1, c41);
            var a5 = TOps.Broadcast(a[5]); c50 = TOps.MulAdd(a5, b0, c50); c51 = TOps.MulAdd(a5, b1, c51);
        }
        if (bias != null)
        {
            var v0 = TOps.Broadcast(bias[0]); c00 = TOps.Add(c00, v0); c01 = TOps.Add(c01, v0);
            var v1 = TOps.Broadcast(bias[1]); c10 = TOps.Add(c10, v1); c11 = TOps.Add(c11, v1);
            var v2 = TOps.Broadcast(bias[2]); c20 = TOps.Add(c20, v2); c21 = TOps.Add(c21, v2);
            var v3 = TOps.Broadcast(bias[3]); c30 = TOps.Add(c30, v3); c31 = TOps.Add(c31, v3);
            var v4 = TOps.Broadcast(bias[4]); c40 = TOps.Add(c40, v4); c41 = TOps.Add(c41, v4);
            var v5 = TOps.Broadcast(bias[5]); c50 = TOps.Add(c50, v5); c51 = TOps.Add(c51, v5);
        }
        TOps.Store(c00, ref *c, 0); TOps.Store(c01, ref *c, n); c += ldc;
        TOps.Store(c10, ref *c, 0); TOps.Store(c11, ref *c, n); c += ldc;
        TOps.Store(c20, ref *c, 0); TOps.Store(c21, ref *c, n); c += ldc;
        TOps.Store(c30, ref *c, 0); TOps.Store(c31, ref *c, n); c += ldc;
        TOps.Store(c40, ref *c, 0); TOps.Store(c41, ref *c, n); c += ldc;
        TOps.Store(c50, ref *c, 0); TOps.Store(c51, ref *c, n);
    }

    /// <summary>
    /// True where 128-bit vectors are the widest accelerated (ARM64's NEON; x86 without AVX): <see cref="GemmTile"/> then
    /// runs <see cref="GemmTile128"/> instead of the scalar twin (with which predict was 6× slower end to end; measured
    /// with DOTNET_EnableAVX=0, benchmarks/MusicGenre.Benchmarks/Nn/RESULTS.md).
    /// </summary>
    public static bool Use128 => !Vector256.IsHardwareAccelerated && Vector128.IsHardwareAccelerated;

    /// <summary>
    /// <see cref="GemmTile"/> with 128-bit vectors: every 6-row block of A times 8 pixels at a time by
    /// <see cref="Kernel6x8"/> (12 accumulators: fits x86's 16 registers as well as ARM64's 32). A short last block of
    /// rows uses the same kernel on A's zero padding rows (<see cref="PackA"/>) into a stage buffer, of which the valid
    /// rows and columns are copied (plus bias). Each output is the same k-ascending sum of products as in the other kernels.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // optimised from the first call (see ISimdOps)
    internal static void GemmTile128(ReadOnlySpan<float> packedA, int m, int k, ReadOnlySpan<float> b, int tile, int count,
        ReadOnlySpan<float> bias, Span<float> c, int ldc)
    {
        fixed (float* pa = packedA, pb = b, pc = c, pbias = bias)
        {
            float* stage = stackalloc float[MR * NR];
            for (int rb = 0; rb * MR < m; rb++)
            {
                int rows = Math.Min(MR, m - rb * MR);
                float* a = pa + rb * MR * k, rowBias = pbias == null ? null : pbias + rb * MR;
                for (int j = 0; j < count; j += NR)
                {
                    int cols = Math.Min(NR, count - j);
                    float* dst = pc + rb * MR * ldc + j;
                    if (rows == MR && cols == NR)
                    {
                        Kernel6x8(a, pb + j, k, tile, dst, ldc, rowBias);
                        Kernel6x8(a, pb + j + 8, k, tile, dst + 8, ldc, rowBias);
                        continue;
                    }
                    // Partial block: both halves into the stage (B's tile has NR columns past j: tiles are multiples of NR).
                    Kernel6x8(a, pb + j, k, tile, stage, NR, null);
                    Kernel6x8(a, pb + j + 8, k, tile, stage + 8, NR, null);
                    for (int r = 0; r < rows; r++)
                    {
                        float add = rowBias == null ? 0f : rowBias[r];
                        for (int q = 0; q < cols; q++) dst[r * ldc + q] = stage[r * NR + q] + add;
                    }
                }
            }
        }
    }

    /// <summary>The 128-bit micro-kernel, 6 rows × 8 pixels: lanes of acc[r, h] hold pixels j + 4h .. j + 4h + 3 of row r.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Kernel6x8(float* a, float* b, int k, int ldb, float* c, int ldc, float* bias) =>
        Kernel6x2<Vector128<float>, Vec128Ops>(a, b, k, ldb, c, ldc, bias);

    /// <summary>True when the Vector512 GEMM micro-kernel runs (AVX-512, unless switched off by DOTNET_PreferredVectorBitWidth=256).</summary>
    public static bool Use512 => Vector512.IsHardwareAccelerated;

    /// <summary>
    /// <see cref="Kernel6x16"/> over 32 pixels: lanes of acc[r, h] hold pixels j + 16h .. j + 16h + 15 of output row r, 12
    /// Vector512 accumulators; bit-identical to the 16-pixel kernel (<see cref="Kernel6x2{TV, TOps}"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Kernel6x32(float* a, float* b, int k, int ldb, float* c, int ldc, float* bias) =>
        Kernel6x2<Vector512<float>, Vec512Ops>(a, b, k, ldb, c, ldc, bias);

    /// <summary>
    /// The first 2 rows of <see cref="Kernel6x16"/> over 64 pixels: acc[r, h] holds pixels j + 16h .. j + 16h + 15 of row
    /// r, 8 Vector512 accumulators; each output is the same chain of fused multiply-adds (bit-identical to the 16-pixel kernel).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // optimised from the first call (see ISimdOps)
    private static void Kernel2x64(float* a, float* b, int k, int ldb, float* c, int ldc, float* bias)
    {
        Vector512<float> c00 = default, c01 = default, c02 = default, c03 = default, c10 = default, c11 = default, c12 = default, c13 = default;
        for (int p = 0; p < k; p++, a += MR, b += ldb)
        {
            var b0 = Vector512.Load(b); var b1 = Vector512.Load(b + 16); var b2 = Vector512.Load(b + 32); var b3 = Vector512.Load(b + 48);
            var a0 = Vector512.Create(a[0]);
            c00 = Vector512.FusedMultiplyAdd(a0, b0, c00); c01 = Vector512.FusedMultiplyAdd(a0, b1, c01);
            c02 = Vector512.FusedMultiplyAdd(a0, b2, c02); c03 = Vector512.FusedMultiplyAdd(a0, b3, c03);
            var a1 = Vector512.Create(a[1]);
            c10 = Vector512.FusedMultiplyAdd(a1, b0, c10); c11 = Vector512.FusedMultiplyAdd(a1, b1, c11);
            c12 = Vector512.FusedMultiplyAdd(a1, b2, c12); c13 = Vector512.FusedMultiplyAdd(a1, b3, c13);
        }
        if (bias != null)
        {
            var v0 = Vector512.Create(bias[0]); c00 += v0; c01 += v0; c02 += v0; c03 += v0;
            var v1 = Vector512.Create(bias[1]); c10 += v1; c11 += v1; c12 += v1; c13 += v1;
        }
        c00.Store(c); c01.Store(c + 16); c02.Store(c + 32); c03.Store(c + 48); c += ldc;
        c10.Store(c); c11.Store(c + 16); c12.Store(c + 32); c13.Store(c + 48);
    }

    /// <summary>The first 4 rows of <see cref="Kernel6x16"/> (A still packed 6 rows per k).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // optimised from the first call (see ISimdOps)
    private static void Kernel4x16(float* a, float* b, int k, int ldb, float* c, int ldc, float* bias)
    {
        Vector256<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default,
            c30 = default, c31 = default;
        for (int p = 0; p < k; p++, a += MR, b += ldb)
        {
            var b0 = Vector256.Load(b);
            var b1 = Vector256.Load(b + 8);
            var a0 = Vector256.Create(a[0]); c00 = MulAdd(a0, b0, c00); c01 = MulAdd(a0, b1, c01);
            var a1 = Vector256.Create(a[1]); c10 = MulAdd(a1, b0, c10); c11 = MulAdd(a1, b1, c11);
            var a2 = Vector256.Create(a[2]); c20 = MulAdd(a2, b0, c20); c21 = MulAdd(a2, b1, c21);
            var a3 = Vector256.Create(a[3]); c30 = MulAdd(a3, b0, c30); c31 = MulAdd(a3, b1, c31);
        }
        if (bias != null)
        {
            var v0 = Vector256.Create(bias[0]); c00 += v0; c01 += v0;
            var v1 = Vector256.Create(bias[1]); c10 += v1; c11 += v1;
            var v2 = Vector256.Create(bias[2]); c20 += v2; c21 += v2;
            var v3 = Vector256.Create(bias[3]); c30 += v3; c31 += v3;
        }
        c00.Store(c); c01.Store(c + 8); c += ldc;
        c10.Store(c); c11.Store(c + 8); c += ldc;
        c20.Store(c); c21.Store(c + 8); c += ldc;
        c30.Store(c); c31.Store(c + 8);
    }

    /// <summary>The first 2 rows of <see cref="Kernel6x16"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // optimised from the first call (see ISimdOps)
    private static void Kernel2x16(float* a, float* b, int k, int ldb, float* c, int ldc, float* bias)
    {
        Vector256<float> c00 = default, c01 = default, c10 = default, c11 = default;
        for (int p = 0; p < k; p++, a += MR, b += ldb)
        {
            var b0 = Vector256.Load(b);
            var b1 = Vector256.Load(b + 8);
            var a0 = Vector256.Create(a[0]); c00 = MulAdd(a0, b0, c00); c01 = MulAdd(a0, b1, c01);
            var a1 = Vector256.Create(a[1]); c10 = MulAdd(a1, b0, c10); c11 = MulAdd(a1, b1, c11);
        }
        if (bias != null)
        {
            var v0 = Vector256.Create(bias[0]); c00 += v0; c01 += v0;
            var v1 = Vector256.Create(bias[1]); c10 += v1; c11 += v1;
        }
        c00.Store(c); c01.Store(c + 8); c += ldc;
        c10.Store(c); c11.Store(c + 8);
    }

    /// <summary>Scalar twin of <see cref="GemmTile"/> (k ascending, float accumulation).</summary>
    public static void GemmTileScalar(ReadOnlySpan<float> packedA, int m, int k, ReadOnlySpan<float> b, int tile, int count,
        ReadOnlySpan<float> bias, Span<float> c, int ldc)
    {
        for (int r = 0; r < m; r++)
        {
            int block = r / MR, lane = r % MR;
            for (int j = 0; j < count; j++)
            {
                float acc = 0f;
                for (int p = 0; p < k; p++) acc += packedA[(block * k + p) * MR + lane] * b[p * tile + j];
                c[r * ldc + j] = acc + (bias.IsEmpty ? 0f : bias[r]);
            }
        }
    }

    /// <summary>
    /// partial[r][q] += Σⱼ dy[r·lddy + j]·B[q][j] for r &lt; m, q &lt; k, j &lt; count: the weight gradient of one tile
    /// (dy rows are output channels, B rows the im2col rows). Vector256 over pixels, 4 rows × 3 columns of accumulators
    /// (2 × 4 and single dot products for the remainders), lanes summed 0..7 then added to partial; the tail pixels are
    /// added after, in order.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // optimised from the first call (see ISimdOps)
    public static void WeightGradTile(ReadOnlySpan<float> dy, int lddy, int m, ReadOnlySpan<float> b, int tile, int k, int count, Span<float> partial)
    {
        if (!UseVector)
        {
            if (Use128) WeightGradTile128(dy, lddy, m, b, tile, k, count, partial);
            else WeightGradTileScalar(dy, lddy, m, b, tile, k, count, partial);
            return;
        }
        int full = count / 8 * 8;
        fixed (float* pdy = dy, pb = b, pp = partial)
        {
            int r = 0;
            for (; r + 4 <= m; r += 4)
            {
                int q = 0;
                for (; q + 3 <= k; q += 3) Dot4x3(pdy + r * lddy, lddy, pb + q * tile, tile, full, count, pp + r * k + q, k);
                for (; q < k; q++)
                    for (int rr = r; rr < r + 4; rr++) pp[rr * k + q] += DotTail(pdy + rr * lddy, pb + q * tile, full, count);
            }
            for (; r + 2 <= m; r += 2)
            {
                int q = 0;
                for (; q + 4 <= k; q += 4) Dot2x4(pdy + r * lddy, lddy, pb + q * tile, tile, full, count, pp + r * k + q, k);
                for (; q < k; q++)
                    for (int rr = r; rr < r + 2; rr++) pp[rr * k + q] += DotTail(pdy + rr * lddy, pb + q * tile, full, count);
            }
            for (; r < m; r++)
                for (int q = 0; q < k; q++) pp[r * k + q] += DotTail(pdy + r * lddy, pb + q * tile, full, count);
        }
    }

    // 4 rows of dy × 3 rows of B: 12 accumulators, 3 B vectors held and each dy vector used 3 times (7 loads per 12 FMAs;
    // 16 vector registers in all, so AVX2 does not spill). Each accumulator sums the same products in the same order as
    // Dot2x4 and DotTail, so the blocking does not change the result.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // optimised from the first call (see ISimdOps)
    private static void Dot4x3(float* y, int ldy, float* b, int ldb, int full, int count, float* dst, int ldd)
    {
        Vector256<float> s00 = default, s01 = default, s02 = default, s10 = default, s11 = default, s12 = default,
            s20 = default, s21 = default, s22 = default, s30 = default, s31 = default, s32 = default;
        for (int j = 0; j < full; j += 8)
        {
            var b0 = Vector256.Load(b + j); var b1 = Vector256.Load(b + ldb + j); var b2 = Vector256.Load(b + 2 * ldb + j);
            var y0 = Vector256.Load(y + j); s00 = MulAdd(y0, b0, s00); s01 = MulAdd(y0, b1, s01); s02 = MulAdd(y0, b2, s02);
            var y1 = Vector256.Load(y + ldy + j); s10 = MulAdd(y1, b0, s10); s11 = MulAdd(y1, b1, s11); s12 = MulAdd(y1, b2, s12);
            var y2 = Vector256.Load(y + 2 * ldy + j); s20 = MulAdd(y2, b0, s20); s21 = MulAdd(y2, b1, s21); s22 = MulAdd(y2, b2, s22);
            var y3 = Vector256.Load(y + 3 * ldy + j); s30 = MulAdd(y3, b0, s30); s31 = MulAdd(y3, b1, s31); s32 = MulAdd(y3, b2, s32);
        }
        for (int r = 0; r < 4; r++)
        {
            var (a0, a1, a2) = r switch { 0 => (s00, s01, s02), 1 => (s10, s11, s12), 2 => (s20, s21, s22), _ => (s30, s31, s32) };
            float* yr = y + r * ldy, d = dst + r * ldd;
            d[0] += Finish(a0, yr, b, full, count); d[1] += Finish(a1, yr, b + ldb, full, count); d[2] += Finish(a2, yr, b + 2 * ldb, full, count);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // optimised from the first call (see ISimdOps)
    private static void Dot2x4(float* y, int ldy, float* b, int ldb, int full, int count, float* dst, int ldd)
    {
        Vector256<float> s00 = default, s01 = default, s02 = default, s03 = default, s10 = default, s11 = default, s12 = default, s13 = default;
        for (int j = 0; j < full; j += 8)
        {
            var y0 = Vector256.Load(y + j); var y1 = Vector256.Load(y + ldy + j);
            var b0 = Vector256.Load(b + j); var b1 = Vector256.Load(b + ldb + j);
            var b2 = Vector256.Load(b + 2 * ldb + j); var b3 = Vector256.Load(b + 3 * ldb + j);
            s00 = MulAdd(y0, b0, s00); s01 = MulAdd(y0, b1, s01); s02 = MulAdd(y0, b2, s02); s03 = MulAdd(y0, b3, s03);
            s10 = MulAdd(y1, b0, s10); s11 = MulAdd(y1, b1, s11); s12 = MulAdd(y1, b2, s12); s13 = MulAdd(y1, b3, s13);
        }
        dst[0] += Finish(s00, y, b, full, count); dst[1] += Finish(s01, y, b + ldb, full, count);
        dst[2] += Finish(s02, y, b + 2 * ldb, full, count); dst[3] += Finish(s03, y, b + 3 * ldb, full, count);
        dst[ldd] += Finish(s10, y + ldy, b, full, count); dst[ldd + 1] += Finish(s11, y + ldy, b + ldb, full, count);
        dst[ldd + 2] += Finish(s12, y + ldy, b + 2 * ldb, full, count); dst[ldd + 3] += Finish(s13, y + ldy, b + 3 * ldb, full, count);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // optimised from the first call (see ISimdOps)
    private static float DotTail(float* y, float* b, int full, int count)
    {
        Vector256<float> s = default;
        for (int j = 0; j < full; j += 8) s = MulAdd(Vector256.Load(y + j), Vector256.Load(b + j), s);
        return Finish(s, y, b, full, count);
    }

    // Lanes folded as (0+4, 1+5, 2+6, 3+7) then summed by Vector128.Sum (a fixed order), then tail pixels in order.
    private static float Finish(Vector256<float> s, float* y, float* b, int full, int count) => Finish(s.GetLower(), s.GetUpper(), y, b, full, count);

    /// <summary>
    /// <see cref="WeightGradTile"/> with 128-bit vectors (ARM64's NEON; x86 without AVX). Each 8-lane accumulator of the
    /// Vector256 path is a pair of Vector128 here — lo holds pixels j..j+3 of every 8-pixel step, hi pixels j+4..j+7 — and
    /// is folded the same way (lo + hi, then Vector128.Sum, then the tail pixels in order), so each dot product adds the
    /// same products in the same order: bit-equal to the Vector256 path where both fuse the multiply-add (x86 FMA3, ARM64
    /// FMLA). Blocks of 2 rows × 3 columns: 12 accumulators, fits x86's 16 registers as well as ARM64's 32.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // optimised from the first call (see ISimdOps)
    internal static void WeightGradTile128(ReadOnlySpan<float> dy, int lddy, int m, ReadOnlySpan<float> b, int tile, int k, int count, Span<float> partial)
    {
        int full = count / 8 * 8;
        fixed (float* pdy = dy, pb = b, pp = partial)
        {
            int r = 0;
            for (; r + 2 <= m; r += 2)
            {
                int q = 0;
                for (; q + 3 <= k; q += 3) Dot2x3Narrow(pdy + r * lddy, lddy, pb + q * tile, tile, full, count, pp + r * k + q, k);
                for (; q < k; q++)
                    for (int rr = r; rr < r + 2; rr++) pp[rr * k + q] += DotTailNarrow(pdy + rr * lddy, pb + q * tile, full, count);
            }
            for (; r < m; r++)
                for (int q = 0; q < k; q++) pp[r * k + q] += DotTailNarrow(pdy + r * lddy, pb + q * tile, full, count);
        }
    }

    // 2 rows of dy × 3 rows of B, each accumulator a (lo, hi) pair: 12 registers of sums, 6 of B and 2 of dy per step.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // optimised from the first call (see ISimdOps)
    private static void Dot2x3Narrow(float* y, int ldy, float* b, int ldb, int full, int count, float* dst, int ldd)
    {
        Vector128<float> l00 = default, h00 = default, l01 = default, h01 = default, l02 = default, h02 = default,
            l10 = default, h10 = default, l11 = default, h11 = default, l12 = default, h12 = default;
        float* b1p = b + ldb, b2p = b + 2 * ldb, y1p = y + ldy;
        for (int j = 0; j < full; j += 8)
        {
            var b0 = Vector128.Load(b + j); var b1 = Vector128.Load(b1p + j); var b2 = Vector128.Load(b2p + j);
            var y0 = Vector128.Load(y + j); l00 = MulAdd(y0, b0, l00); l01 = MulAdd(y0, b1, l01); l02 = MulAdd(y0, b2, l02);
            var y1 = Vector128.Load(y1p + j); l10 = MulAdd(y1, b0, l10); l11 = MulAdd(y1, b1, l11); l12 = MulAdd(y1, b2, l12);
            b0 = Vector128.Load(b + j + 4); b1 = Vector128.Load(b1p + j + 4); b2 = Vector128.Load(b2p + j + 4);
            y0 = Vector128.Load(y + j + 4); h00 = MulAdd(y0, b0, h00); h01 = MulAdd(y0, b1, h01); h02 = MulAdd(y0, b2, h02);
            y1 = Vector128.Load(y1p + j + 4); h10 = MulAdd(y1, b0, h10); h11 = MulAdd(y1, b1, h11); h12 = MulAdd(y1, b2, h12);
        }
        dst[0] += Finish(l00, h00, y, b, full, count); dst[1] += Finish(l01, h01, y, b1p, full, count);
        dst[2] += Finish(l02, h02, y, b2p, full, count);
        dst[ldd] += Finish(l10, h10, y1p, b, full, count); dst[ldd + 1] += Finish(l11, h11, y1p, b1p, full, count);
        dst[ldd + 2] += Finish(l12, h12, y1p, b2p, full, count);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // optimised from the first call (see ISimdOps)
    private static float DotTailNarrow(float* y, float* b, int full, int count)
    {
        Vector128<float> lo = default, hi = default;
        for (int j = 0; j < full; j += 8)
        {
            lo = MulAdd(Vector128.Load(y + j), Vector128.Load(b + j), lo);
            hi = MulAdd(Vector128.Load(y + j + 4), Vector128.Load(b + j + 4), hi);
        }
        return Finish(lo, hi, y, b, full, count);
    }

    // The Vector256 fold of an accumulator split into its halves: (lo + hi) summed by Vector128.Sum, then tail pixels in order.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // optimised from the first call (see ISimdOps)
    private static float Finish(Vector128<float> lo, Vector128<float> hi, float* y, float* b, int full, int count)
    {
        float t = Vector128.Sum(lo + hi);
        for (int j = full; j < count; j++) t += y[j] * b[j];
        return t;
    }

    /// <summary>Scalar twin of <see cref="WeightGradTile"/>.</summary>
    public static void WeightGradTileScalar(ReadOnlySpan<float> dy, int lddy, int m, ReadOnlySpan<float> b, int tile, int k, int count, Span<float> partial)
    {
        for (int r = 0; r < m; r++)
            for (int q = 0; q < k; q++)
            {
                float acc = 0f;
                for (int j = 0; j < count; j++) acc += dy[r * lddy + j] * b[q * tile + j];
                partial[r * k + q] += acc;
            }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> MulAdd(Vector256<float> a, Vector256<float> b, Vector256<float> c) =>
        Fma.IsSupported ? Fma.MultiplyAdd(a, b, c) : a * b + c;

    // a·b + c, fused where the CPU has it (x86 FMA3, ARM64's FMLA), as the 256-bit kernels fuse it.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<float> MulAdd(Vector128<float> a, Vector128<float> b, Vector128<float> c) =>
        Fma.IsSupported ? Fma.MultiplyAdd(a, b, c)
        : System.Runtime.Intrinsics.Arm.AdvSimd.IsSupported ? System.Runtime.Intrinsics.Arm.AdvSimd.FusedMultiplyAdd(c, a, b)
        : a * b + c;
}
