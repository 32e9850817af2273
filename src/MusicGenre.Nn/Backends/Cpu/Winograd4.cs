using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using MusicGenre.Simd;

namespace MusicGenre.Nn.Backends.Cpu;

/// <summary>
/// Winograd F(4×4, 3×3) convolution (Lavin &amp; Gray 2016, interpolation points 0, ±1, ±2, ∞) for 3×3 kernels, stride 1,
/// padding 1: each 4×4 block of output pixels (a tile) is computed from the 6×6 input patch around it as
/// <c>Y = Aᵀ [U ⊙ V] A</c>, with <c>U = G g Gᵀ</c> and <c>V = Bᵀ d B</c>:
/// <code>
///      Bᵀ = | 4  0 -5  0  1  0 |     G = |  ¼     0     0  |     Aᵀ = | 1  1  1  1  1  0 |
///           | 0 -4 -4  1  1  0 |         | -⅙    -⅙    -⅙  |          | 0  1 -1  2 -2  0 |
///           | 0  4 -4 -1  1  0 |         | -⅙     ⅙    -⅙  |          | 0  1  1  4  4  0 |
///           | 0 -2 -1  2  1  0 |         | 1/24  1/12  ⅙  |          | 0  1 -1  8 -8  1 |
///           | 0  2 -1 -2  1  0 |         | 1/24 -1/12  ⅙  |
///           | 0  4  0 -5  0  1 |         |  0     0     1  |
/// </code>
/// Summed over input channels, the 36 positions ξ = 6a + b (a vertical, b horizontal) are 36 independent products
/// <c>M[ξ] (K × tiles) = U[ξ] (K × C) · V[ξ] (C × tiles)</c> (<see cref="ConvGemm.GemmTile"/>): 36·K·C multiply-adds per
/// 16 output pixels instead of 144·K·C directly, 1.78× fewer than F(2×2, 3×3) (<see cref="Winograd"/>, 16 per 4 pixels).
/// The price is rounding: U's coefficients (⅙, 1/12, 1/24) are inexact and the transforms scale by up to 8, so the
/// results differ from the direct sum by a few float32 ulps of the largest partial sums — tested against a
/// double-precision oracle within the golden tolerances. The filter transform is computed in double. Each output depends
/// on its own tile alone: the result does not depend on the batch, the grouping of tiles or the thread count.
/// <para>Every transform is written once against <see cref="ISimdOps{TV}"/>, lanes = consecutive tiles of a tile row;
/// <see cref="ScalarOps"/> makes the scalar twin (and the tails of the vector runs), the same operations in the same order.</para>
/// </summary>
internal static unsafe class Winograd4
{
    /// <summary>Positions of a transformed tile (6×6).</summary>
    public const int Positions = 36;

    /// <summary>
    /// Whether F(4×4) beats F(2×2) on images <paramref name="w"/> pixels wide at this register width: when a row of
    /// tiles fills at least two registers. Its transforms take a register of tiles along a tile row, and a shorter run
    /// (or the tail after a whole register) goes tile by tile or by a second, overlapping step. Measured (2026-12-05, Zen 5,
    /// one thread, batch 10, forward): at 16 lanes F(4×4) took 1.25× F(2×2)'s time on 64 × 65 (17 tiles per row) and
    /// 2–2.8× on 32 × 32 and 16 × 16, but 0.9× on 128 × 130 (33 tiles); at 8 lanes it was 0.86× and 0.93× on 64 × 65
    /// and 32 × 32.
    /// </summary>
    public static bool Suits(int w, SimdWidth width) => (w + 3) / 4 >= 2 * (int)width;

    /// <summary>
    /// Tiles per work item (GEMM columns), a multiple of 2·<see cref="ConvGemm.NR"/> (the 512-bit micro-kernels' width):
    /// V and M of one item (36 positions each) stay well inside L2 — 64 for C = K = 32 (590 KB); 112 (1 MB) was slower.
    /// </summary>
    public static int ColumnsFor(int inChannels, int outChannels) =>
        Math.Clamp(2048 / Math.Max(inChannels, outChannels) / (2 * ConvGemm.NR) * (2 * ConvGemm.NR), 2 * ConvGemm.NR, 128);

    /// <summary>Floats of scratch one work item needs: V [36][C][cols], M [36][K][cols], and 6 input rows split in 4 phases, twice.</summary>
    public static int ScratchSize(int inChannels, int outChannels, int cols) =>
        Positions * (PositionStride(inChannels, cols) + PositionStride(outChannels, cols)) + 2 * 24 * RowLength(cols);

    /// <summary>Distance between positions ξ in V and M: channels × cols plus one cache line (see <see cref="Winograd"/>).</summary>
    private static int PositionStride(int channels, int cols) => channels * cols + 16;

    /// <summary>One phase array of the split rows: len + 1 ≤ cols + 1 values, padded to a cache line.</summary>
    private static int RowLength(int cols) => cols + 16;

    /// <summary>Floats of the packed filter transform: 36 blocks of <see cref="ConvGemm.PackedSize"/>(K, C).</summary>
    public static int PackedFilterSize(int outChannels, int inChannels) => Positions * ConvGemm.PackedSize(outChannels, inChannels);

    /// <summary>
    /// U[ξ][k][c] = (G g Gᵀ)[ξ] for every filter (computed in double, rounded once), each position packed for the GEMM.
    /// <paramref name="adjoint"/> as in <see cref="Winograd.TransformFilters"/> (the dy → dx convolution).
    /// <paramref name="parallelFor"/> (count, body) runs body(0..count−1), e.g. on the backend's threads; null: in order.
    /// </summary>
    public static void TransformFilters(ReadOnlySpan<float> w, int k, int c, bool adjoint, Span<float> packed,
        Action<int, Action<int>>? parallelFor = null)
    {
        int rows = adjoint ? c : k, cols = adjoint ? k : c, size = ConvGemm.PackedSize(rows, cols);
        parallelFor ??= (count, body) => { for (int i = 0; i < count; i++) body(i); };
        var u = System.Buffers.ArrayPool<float>.Shared.Rent(Positions * rows * cols);
        var wCopy = System.Buffers.ArrayPool<float>.Shared.Rent(w.Length);
        var packedCopy = System.Buffers.ArrayPool<float>.Shared.Rent(Positions * size);
        try
        {
            w.CopyTo(wCopy);
            // 1. One output row r of every position per body: U[ξ][r][q] for all q.
            parallelFor(rows, r =>
            {
                Span<float> g = stackalloc float[9];
                Span<double> gg = stackalloc double[18];
                Span<double> t = stackalloc double[6];
                for (int q = 0; q < cols; q++)
                {
                    Winograd.Filter(wCopy, c, adjoint, r, q, g);
                    // G g (6×3), column by column of the filter.
                    for (int j = 0; j < 3; j++)
                    {
                        FilterTransform(g[j], g[3 + j], g[6 + j], t);
                        for (int a = 0; a < 6; a++) gg[3 * a + j] = t[a];
                    }
                    // (G g) Gᵀ: the same along each row a; position ξ = 6a + b.
                    for (int a = 0; a < 6; a++)
                    {
                        FilterTransform(gg[3 * a], gg[3 * a + 1], gg[3 * a + 2], t);
                        for (int b = 0; b < 6; b++) u[((6 * a + b) * rows + r) * cols + q] = (float)t[b];
                    }
                }
            });
            // 2. Each position packed for the GEMM.
            parallelFor(Positions, xi =>
            {
                int offset = xi * rows * cols;
                ConvGemm.PackA(rows, cols, (r, q) => u[offset + r * cols + q], packedCopy.AsSpan(xi * size, size));
            });
            packedCopy.AsSpan(0, Positions * size).CopyTo(packed);
        }
        finally
        {
            System.Buffers.ArrayPool<float>.Shared.Return(u);
            System.Buffers.ArrayPool<float>.Shared.Return(wCopy);
            System.Buffers.ArrayPool<float>.Shared.Return(packedCopy);
        }
    }

    /// <summary>G·(g0, g1, g2) in double.</summary>
    private static void FilterTransform(double g0, double g1, double g2, Span<double> t)
    {
        t[0] = g0 / 4;
        t[1] = -(g0 + g1 + g2) / 6;
        t[2] = -(g0 - g1 + g2) / 6;
        t[3] = g0 / 24 + g1 / 12 + g2 / 6;
        t[4] = g0 / 24 - g1 / 12 + g2 / 6;
        t[5] = g2;
    }

    /// <summary>
    /// Output tiles p0..p0+count−1 (row-major over the ⌈H/4⌉ × ⌈W/4⌉ tile grid, count ≤ <paramref name="cols"/>) of one
    /// image: x <c>[C][H][W]</c> → y <c>[K][H][W]</c> (+ bias per output channel, when given).
    /// 1. Input transform of every tile and channel into V[ξ][c][column]. 2. 36 GEMMs M[ξ] = U[ξ]·V[ξ].
    /// 3. Output transform of M into the 4×4 pixels of each tile (pixels beyond the image's edge are dropped).
    /// <paramref name="width"/> picks the register width of the transforms; <see cref="SimdWidth.Scalar"/> is the scalar
    /// twin (with <see cref="ConvGemm.GemmTileScalar"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // optimised from the first call (see ISimdOps)
    public static void Tiles(ReadOnlySpan<float> x, int c, int h, int w, ReadOnlySpan<float> packedU, int k,
        ReadOnlySpan<float> bias, int p0, int count, int cols, Span<float> scratch, Span<float> y, SimdWidth width)
    {
        switch (width)
        {
            case SimdWidth.V512: Tiles<Vector512<float>, Vec512Ops>(x, c, h, w, packedU, k, bias, p0, count, cols, scratch, y, true); break;
            case SimdWidth.V256: Tiles<Vector256<float>, Vec256Ops>(x, c, h, w, packedU, k, bias, p0, count, cols, scratch, y, true); break;
            case SimdWidth.V128: Tiles<Vector128<float>, Vec128Ops>(x, c, h, w, packedU, k, bias, p0, count, cols, scratch, y, true); break;
            default: Tiles<float, ScalarOps>(x, c, h, w, packedU, k, bias, p0, count, cols, scratch, y, false); break;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // optimised from the first call (see ISimdOps)
    private static void Tiles<TV, TOps>(ReadOnlySpan<float> x, int c, int h, int w, ReadOnlySpan<float> packedU, int k,
        ReadOnlySpan<float> bias, int p0, int count, int cols, Span<float> scratch, Span<float> y, bool vectorGemm)
        where TV : struct where TOps : ISimdOps<TV>
    {
        int tilesW = (w + 3) / 4, rl = RowLength(cols);
        int sv = PositionStride(c, cols), sm = PositionStride(k, cols);
        var v = scratch[..(Positions * sv)];
        var m = scratch.Slice(Positions * sv, Positions * sm);
        var rows = scratch.Slice(Positions * (sv + sm), 48 * rl);
        fixed (float* px = x, pv = v, pm = m, prows = rows, py = y)
        {
            // 1. The tiles of this item as runs along tile rows: tile row ti, tile columns tj..tj+len−1, GEMM columns from p − p0.
            for (int p = p0; p < p0 + count;)
            {
                int ti = p / tilesW, tj = p % tilesW, len = Math.Min(tilesW - tj, p0 + count - p);
                for (int ch = 0; ch < c; ch++)
                    InputRun<TV, TOps>(px + ch * h * w, h, w, ti, tj, len, prows, prows + 24 * rl, rl, pv + ch * cols + (p - p0), sv);
                p += len;
            }
            // 2. M[ξ] (K × count) = U[ξ] (K × C) · V[ξ] (C × count).
            ConvGemm.GemmBatch(packedU, k, c, v, sv, cols, count, m, sm, Positions, vectorGemm);
            // 3. Output transform, run by run.
            for (int p = p0; p < p0 + count;)
            {
                int ti = p / tilesW, tj = p % tilesW, len = Math.Min(tilesW - tj, p0 + count - p);
                for (int oc = 0; oc < k; oc++)
                {
                    var vb = TOps.Broadcast(bias.IsEmpty ? 0f : bias[oc]);
                    float* src = pm + oc * cols + (p - p0), plane = py + oc * h * w;
                    int i = 0;
                    for (; i + TOps.Count <= len; i += TOps.Count) OutputStep<TV, TOps>(src + i, sm, vb, plane, h, w, ti, tj + i);
                    // A tail of a run at least one register long: one more step ending at the run's end (its first tiles are
                    // written again with the same values); shorter runs tile by tile.
                    if (i < len && len >= TOps.Count) OutputStep<TV, TOps>(src + len - TOps.Count, sm, vb, plane, h, w, ti, tj + len - TOps.Count);
                    else for (; i < len; i++) OutputStep<float, ScalarOps>(src + i, sm, ScalarOps.Broadcast(bias.IsEmpty ? 0f : bias[oc]), plane, h, w, ti, tj + i);
                }
                p += len;
            }
        }
    }

    /// <summary>
    /// V[ξ] of tiles (ti, tj..tj+len−1) of one channel plane, written from <paramref name="v"/> on (position ξ at
    /// <c>ξ·stride</c>). 1. The 6 input rows 4ti−1..4ti+4 are split into 4 column phases, zero outside the image:
    /// ph[r][q][i] = x[4ti−1+r][4(tj+i) − 1 + q], so tile i's patch row is ph[r][0..3][i], ph[r][0][i+1], ph[r][1][i+1]
    /// and a register of consecutive tiles reads contiguous phase values. 2. Down the columns (Bᵀ ·) per phase, into u.
    /// 3. Along the rows (· B) per row a of u, into V[6a + b].
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // optimised from the first call (see ISimdOps)
    private static void InputRun<TV, TOps>(float* plane, int h, int w, int ti, int tj, int len, float* ph, float* u, int rl,
        float* v, int stride) where TV : struct where TOps : ISimdOps<TV>
    {
        int n = len + 1;
        for (int r = 0; r < 6; r++)
        {
            int row = 4 * ti - 1 + r;
            float* dst = ph + 4 * r * rl;
            if ((uint)row >= (uint)h)
            {
                for (int q = 0; q < 4; q++) new Span<float>(dst + q * rl, n).Clear();
                continue;
            }
            Split<TV, TOps>(plane + row * w, w, 4 * tj - 1, n, dst, rl);
        }

        // Down the columns: lanes = consecutive entries of one phase array; row r of the patch is 4·rl further on. Here and
        // below, a tail at least one register long is one more step ending at the end (recomputing a few entries with the
        // same operations, so the same values); shorter ones go entry by entry.
        for (int q = 0; q < 4; q++)
        {
            int i = 0;
            for (; i + TOps.Count <= n; i += TOps.Count) Transform6<TV, TOps>(ph + q * rl + i, 4 * rl, u + q * rl + i, 4 * rl);
            if (i < n && n >= TOps.Count) Transform6<TV, TOps>(ph + q * rl + n - TOps.Count, 4 * rl, u + q * rl + n - TOps.Count, 4 * rl);
            else for (; i < n; i++) Transform6<float, ScalarOps>(ph + q * rl + i, 4 * rl, u + q * rl + i, 4 * rl);
        }

        // Along the rows: d0..d5 = u[a][0..3][i], u[a][0][i+1], u[a][1][i+1]; outputs b = 0..5 at positions 6a + b.
        for (int a = 0; a < 6; a++)
        {
            float* ua = u + 4 * a * rl, va = v + 6 * a * stride;
            int i = 0;
            for (; i + TOps.Count <= len; i += TOps.Count) RowTransform<TV, TOps>(ua + i, rl, va + i, stride);
            if (i < len && len >= TOps.Count) RowTransform<TV, TOps>(ua + len - TOps.Count, rl, va + len - TOps.Count, stride);
            else for (; i < len; i++) RowTransform<float, ScalarOps>(ua + i, rl, va + i, stride);
        }
    }

    /// <summary>
    /// ph[q][i] = src[start + 4i + q] for i &lt; n, q &lt; 4 (phase q at <c>q·rl</c>), 0 outside the row: groups wholly
    /// inside the row by <see cref="ISimdOps{TV}.LoadDeinterleaved4"/>, the edges value by value.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // optimised from the first call (see ISimdOps)
    private static void Split<TV, TOps>(float* src, int w, int start, int n, float* ph, int rl) where TV : struct where TOps : ISimdOps<TV>
    {
        // Groups first..end−1 lie wholly inside the row.
        int first = start < 0 ? 1 : 0, end = Math.Min(n, (w - start) / 4);
        int i = 0;
        for (; i < Math.Min(first, n); i++) SplitGroup(src, w, start + 4 * i, ph + i, rl);
        for (; i + TOps.Count <= end; i += TOps.Count) SplitStep<TV, TOps>(src, start, i, ph, rl);
        if (i < end && end - first >= TOps.Count) { SplitStep<TV, TOps>(src, start, end - TOps.Count, ph, rl); i = end; }
        for (; i < n; i++) SplitGroup(src, w, start + 4 * i, ph + i, rl);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void SplitStep<TV, TOps>(float* src, int start, int i, float* ph, int rl) where TV : struct where TOps : ISimdOps<TV>
    {
        TOps.LoadDeinterleaved4(ref *src, (nuint)(start + 4 * i), out var b0, out var b1, out var b2, out var b3);
        TOps.Store(b0, ref *ph, (nuint)i);
        TOps.Store(b1, ref *ph, (nuint)(rl + i));
        TOps.Store(b2, ref *ph, (nuint)(2 * rl + i));
        TOps.Store(b3, ref *ph, (nuint)(3 * rl + i));
    }

    private static void SplitGroup(float* src, int w, int col, float* ph, int rl)
    {
        for (int q = 0; q < 4; q++) ph[q * rl] = (uint)(col + q) < (uint)w ? src[col + q] : 0f;
    }

    /// <summary>
    /// The input transform Bᵀ·d of 6 registers d_r = src[r·srcStride] into dst[a·dstStride]:
    /// t0 = 4d0 − 5d2 + d4, t1,2 = (d4 − 4d2) ± (d3 − 4d1), t3,4 = (d4 − d2) ± 2(d3 − d1), t5 = 4d1 − 5d3 + d5.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transform6<TV, TOps>(float* src, int srcStride, float* dst, int dstStride) where TV : struct where TOps : ISimdOps<TV>
    {
        TV d0 = TOps.Load(ref *src, 0), d1 = TOps.Load(ref *src, (nuint)srcStride), d2 = TOps.Load(ref *src, (nuint)(2 * srcStride));
        TV d3 = TOps.Load(ref *src, (nuint)(3 * srcStride)), d4 = TOps.Load(ref *src, (nuint)(4 * srcStride)), d5 = TOps.Load(ref *src, (nuint)(5 * srcStride));
        InputTransform<TV, TOps>(d0, d1, d2, d3, d4, d5, dst, dstStride);
    }

    /// <summary>The input transform along a patch row: d0..d3 from the 4 phases at i, d4, d5 from phases 0 and 1 at i + 1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void RowTransform<TV, TOps>(float* ua, int rl, float* dst, int dstStride) where TV : struct where TOps : ISimdOps<TV>
    {
        TV d0 = TOps.Load(ref *ua, 0), d1 = TOps.Load(ref *ua, (nuint)rl), d2 = TOps.Load(ref *ua, (nuint)(2 * rl));
        TV d3 = TOps.Load(ref *ua, (nuint)(3 * rl)), d4 = TOps.Load(ref *ua, 1), d5 = TOps.Load(ref *ua, (nuint)(rl + 1));
        InputTransform<TV, TOps>(d0, d1, d2, d3, d4, d5, dst, dstStride);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void InputTransform<TV, TOps>(TV d0, TV d1, TV d2, TV d3, TV d4, TV d5, float* dst, int stride)
        where TV : struct where TOps : ISimdOps<TV>
    {
        TV two = TOps.Broadcast(2f), four = TOps.Broadcast(4f), five = TOps.Broadcast(5f);
        TV p = TOps.Sub(d4, TOps.Mul(four, d2)), q = TOps.Sub(d3, TOps.Mul(four, d1));
        TV s = TOps.Sub(d4, d2), t = TOps.Mul(two, TOps.Sub(d3, d1));
        TOps.Store(TOps.Add(TOps.Sub(TOps.Mul(four, d0), TOps.Mul(five, d2)), d4), ref *dst, 0);
        TOps.Store(TOps.Add(p, q), ref *dst, (nuint)stride);
        TOps.Store(TOps.Sub(p, q), ref *dst, (nuint)(2 * stride));
        TOps.Store(TOps.Add(s, t), ref *dst, (nuint)(3 * stride));
        TOps.Store(TOps.Sub(s, t), ref *dst, (nuint)(4 * stride));
        TOps.Store(TOps.Add(TOps.Sub(TOps.Mul(four, d1), TOps.Mul(five, d3)), d5), ref *dst, (nuint)(5 * stride));
    }

    /// <summary>
    /// The output transform Aᵀ·m of 6 values: with p = m1 + m2, q = m1 − m2, r = m3 + m4, s = m3 − m4:
    /// y0 = m0 + p + r, y1 = q + 2s, y2 = p + 4r, y3 = q + 8s + m5.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void OutputTransform<TV, TOps>(TV m0, TV m1, TV m2, TV m3, TV m4, TV m5, out TV y0, out TV y1, out TV y2, out TV y3)
        where TV : struct where TOps : ISimdOps<TV>
    {
        TV p = TOps.Add(m1, m2), q = TOps.Sub(m1, m2), r = TOps.Add(m3, m4), s = TOps.Sub(m3, m4);
        y0 = TOps.Add(TOps.Add(m0, p), r);
        y1 = TOps.Add(q, TOps.Mul(TOps.Broadcast(2f), s));
        y2 = TOps.Add(p, TOps.Mul(TOps.Broadcast(4f), r));
        y3 = TOps.Add(TOps.Add(q, TOps.Mul(TOps.Broadcast(8f), s)), m5);
    }

    /// <summary>
    /// The 4×4 pixels of TOps.Count consecutive tiles (ti, tj..) for one output channel, from M at <paramref name="m"/>
    /// (position ξ at <c>ξ·stride</c>): down each column b of M (Aᵀ ·) into z[j][b], then along each output row j (· A),
    /// plus the bias. Row j's 4 registers (pixel b of every tile) are interleaved into 4·Count contiguous pixels.
    /// </summary>
    [SkipLocalsInit]
    private static void OutputStep<TV, TOps>(float* m, int stride, TV bias, float* plane, int h, int w, int ti, int tj)
        where TV : struct where TOps : ISimdOps<TV>
    {
        // z[j][b] for j < 4, b < 6: 24 registers (spilled where the register file is smaller).
        Unsafe.SkipInit(out Z<TV> z);
        float* buf = stackalloc float[4 * 16];
        for (int b = 0; b < 6; b++)
        {
            float* col = m + b * stride;
            OutputTransform<TV, TOps>(TOps.Load(ref *col, 0), TOps.Load(ref *col, (nuint)(6 * stride)), TOps.Load(ref *col, (nuint)(12 * stride)),
                TOps.Load(ref *col, (nuint)(18 * stride)), TOps.Load(ref *col, (nuint)(24 * stride)), TOps.Load(ref *col, (nuint)(30 * stride)),
                out z[b], out z[6 + b], out z[12 + b], out z[18 + b]);
        }
        int col0 = 4 * tj;
        for (int j = 0; j < 4; j++)
        {
            int row = 4 * ti + j;
            if (row >= h) break;
            OutputTransform<TV, TOps>(z[6 * j], z[6 * j + 1], z[6 * j + 2], z[6 * j + 3], z[6 * j + 4], z[6 * j + 5],
                out var y0, out var y1, out var y2, out var y3);
            y0 = TOps.Add(y0, bias); y1 = TOps.Add(y1, bias); y2 = TOps.Add(y2, bias); y3 = TOps.Add(y3, bias);
            float* dst = plane + row * w;
            if (col0 + 4 * TOps.Count <= w) TOps.StoreInterleaved4(y0, y1, y2, y3, ref *dst, (nuint)col0);
            else
            {
                // At the right edge: interleave into a stack buffer, keep the pixels inside the row.
                TOps.StoreInterleaved4(y0, y1, y2, y3, ref *buf, 0);
                for (int i = 0; i < 4 * TOps.Count && col0 + i < w; i++) dst[col0 + i] = buf[i];
            }
        }
    }

    /// <summary>24 registers of the output transform's intermediate (an inline array: no heap, indexable).</summary>
    [InlineArray(24)]
    private struct Z<TV> where TV : struct
    {
        private TV _first;
    }
}
