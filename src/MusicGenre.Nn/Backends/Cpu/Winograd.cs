using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using MusicGenre.Simd;

namespace MusicGenre.Nn.Backends.Cpu;

/// <summary>
/// Winograd F(2×2, 3×3) convolution (Lavin &amp; Gray 2016) for 3×3 kernels, stride 1, padding 1 ("same" size): each 2×2
/// block of output pixels (a tile) is computed from the 4×4 input patch around it as <c>Y = Aᵀ [U ⊙ V] A</c>, with the
/// filter transform <c>U = G g Gᵀ</c> and the input transform <c>V = Bᵀ d B</c>:
/// <code>
///      Bᵀ = | 1  0 -1  0 |     G = | 1    0    0  |     Aᵀ = | 1  1  1  0 |
///           | 0  1  1  0 |         | ½    ½    ½  |          | 0  1 -1 -1 |
///           | 0 -1  1  0 |         | ½   -½    ½  |
///           | 0  1  0 -1 |         | 0    0    1  |
/// </code>
/// Summed over input channels, the 16 positions ξ of the 4×4 transformed tile are 16 independent matrix products
/// <c>M[ξ] (K × tiles) = U[ξ] (K × C) · V[ξ] (C × tiles)</c>, done by <see cref="ConvGemm.GemmTile"/>: 16·K·C multiply-adds
/// per tile instead of 36·K·C, 2.25× fewer. The transforms add ≈ 4 operations per input value and 6 per output value.
/// The results differ from the direct sum by rounding only (the transforms' coefficients are 0, ±½, ±1: exact), within
/// the golden tolerances (tested against a double-precision oracle). Each output depends on its own tile alone, so the
/// result does not depend on the batch, the tile grouping or the thread count.
/// </summary>
internal static unsafe class Winograd
{
    /// <summary>Positions of a transformed tile (4×4).</summary>
    public const int Positions = 16;

    /// <summary>
    /// Fewest input (and output) channels for which the Winograd path is used: with fewer, the 16 products are too thin to
    /// keep the GEMM micro-kernel busy, and im2col (K = 9·C) is faster (the default network's 1→8 and 1→16 convs).
    /// </summary>
    public const int MinChannels = 8;

    /// <summary>True for a 3×3, stride-1, padding-1 convolution with enough channels.</summary>
    public static bool Applies(in Conv2dGeometry g) =>
        g is { KernelH: 3, KernelW: 3, StrideH: 1, StrideW: 1, PadTop: 1, PadLeft: 1 }
        && g.OutH == g.InH && g.OutW == g.InW && g.InChannels >= MinChannels && g.OutChannels >= MinChannels;

    /// <summary>Tiles per work item (GEMM columns), a multiple of <see cref="ConvGemm.NR"/>: V and M of one item stay near L2 size.</summary>
    public static int ColumnsFor(int inChannels, int outChannels) =>
        Math.Clamp(8192 / Math.Max(inChannels, outChannels) / ConvGemm.NR * ConvGemm.NR, 2 * ConvGemm.NR, 128);

    /// <summary>Floats of scratch one work item needs: V [16][C][cols], M [16][K][cols], and 4 input rows split in odd/even columns.</summary>
    public static int ScratchSize(int inChannels, int outChannels, int cols) =>
        Positions * (PositionStride(inChannels, cols) + PositionStride(outChannels, cols)) + 8 * RowLength(cols);

    /// <summary>
    /// Distance between positions ξ in V and M: channels × cols plus one cache line, so that the 16 values of a tile
    /// (read or written together) do not all fall into the same L1 set, as they would at a multiple of 4 KiB.
    /// </summary>
    private static int PositionStride(int channels, int cols) => channels * cols + 16;

    private static int RowLength(int cols) => cols + 16;

    /// <summary>Floats of the packed filter transform: 16 blocks of <see cref="ConvGemm.PackedSize"/>(K, C).</summary>
    public static int PackedFilterSize(int outChannels, int inChannels) => Positions * ConvGemm.PackedSize(outChannels, inChannels);

    /// <summary>
    /// U[ξ][k][c] = (G g Gᵀ)[ξ] for every filter, each position packed for the GEMM. <paramref name="adjoint"/> false: the
    /// filter of (output k, input c) is w[k][c] (w is <c>[K][C][3][3]</c>). True: the convolution that maps dy back to dx,
    /// output channel c and input channel k with the filter w[k][c] rotated by 180° (rows and columns reversed).
    /// </summary>
    public static void TransformFilters(ReadOnlySpan<float> w, int k, int c, bool adjoint, Span<float> packed)
    {
        int rows = adjoint ? c : k, cols = adjoint ? k : c;
        // Rented, not allocated: inference transforms the filters on every call (a 64×32 layer's U is 131 KB).
        var u = System.Buffers.ArrayPool<float>.Shared.Rent(Positions * rows * cols);
        Span<float> g = stackalloc float[9];
        Span<float> gg = stackalloc float[12];
        for (int r = 0; r < rows; r++)
            for (int q = 0; q < cols; q++)
            {
                // 1. The 3×3 filter of (r, q).
                Filter(w, c, adjoint, r, q, g);
                // 2. G g (4×3): rows g0, ½(g0 + g1 + g2), ½(g0 − g1 + g2), g2 of the filter's rows.
                for (int j = 0; j < 3; j++)
                {
                    float g0 = g[j], g1 = g[3 + j], g2 = g[6 + j];
                    gg[j] = g0; gg[3 + j] = 0.5f * (g0 + g1 + g2); gg[6 + j] = 0.5f * (g0 - g1 + g2); gg[9 + j] = g2;
                }
                // 3. (G g) Gᵀ: the same along each row; position ξ = 4a + b (a vertical, b horizontal).
                for (int a = 0; a < 4; a++)
                {
                    float g0 = gg[3 * a], g1 = gg[3 * a + 1], g2 = gg[3 * a + 2];
                    int at = (4 * a * rows + r) * cols + q, stride = rows * cols;
                    u[at] = g0; u[at + stride] = 0.5f * (g0 + g1 + g2); u[at + 2 * stride] = 0.5f * (g0 - g1 + g2); u[at + 3 * stride] = g2;
                }
            }
        int size = ConvGemm.PackedSize(rows, cols);
        for (int xi = 0; xi < Positions; xi++)
        {
            int offset = xi * rows * cols;
            ConvGemm.PackA(rows, cols, (r, q) => u[offset + r * cols + q], packed.Slice(xi * size, size));
        }
        System.Buffers.ArrayPool<float>.Shared.Return(u);
    }

    /// <summary>
    /// The 3×3 filter <paramref name="g"/> (row-major) that maps input channel q to output channel r of the product:
    /// w[r][q] when not <paramref name="adjoint"/>; for the adjoint (dy → dx) w[q][r] rotated by 180°. w is <c>[K][C][3][3]</c>.
    /// </summary>
    internal static void Filter(ReadOnlySpan<float> w, int c, bool adjoint, int r, int q, Span<float> g)
    {
        var src = adjoint ? w.Slice((q * c + r) * 9, 9) : w.Slice((r * c + q) * 9, 9);
        for (int i = 0; i < 9; i++) g[i] = adjoint ? src[8 - i] : src[i];
    }

    /// <summary>
    /// Output tiles p0..p0+count−1 (row-major over the ⌈H/2⌉ × ⌈W/2⌉ tile grid, count ≤ <paramref name="cols"/>) of one
    /// image: x <c>[C][H][W]</c> → y <c>[K][H][W]</c> (+ bias per output channel, when given).
    /// 1. Input transform of every tile and channel into V[ξ][c][column]. 2. Sixteen GEMMs M[ξ] = U[ξ]·V[ξ].
    /// 3. Output transform of M into the 2×2 pixels of each tile (pixels beyond an odd edge are dropped).
    /// <paramref name="vector"/> false runs the scalar twin (same transforms, <see cref="ConvGemm.GemmTileScalar"/>); true runs
    /// the GEMMs on <see cref="ConvGemm.GemmTile"/> and the transforms on their vector code, both at the widest vectors the
    /// CPU has (128 bits on ARM64).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // optimised from the first call (see ISimdOps)
    public static void Tiles(ReadOnlySpan<float> x, int c, int h, int w, ReadOnlySpan<float> packedU, int k,
        ReadOnlySpan<float> bias, int p0, int count, int cols, Span<float> scratch, Span<float> y, bool vector)
    {
        int tilesW = (w + 1) / 2;
        int sv = PositionStride(c, cols), sm = PositionStride(k, cols);
        bool vectorTransforms = vector && SimdWidths.Best != SimdWidth.Scalar;
        var v = scratch[..(Positions * sv)];
        var m = scratch.Slice(Positions * sv, Positions * sm);
        var rows = scratch.Slice(Positions * (sv + sm), 8 * RowLength(cols));
        fixed (float* px = x, pv = v, pm = m, prows = rows, py = y)
        {
            // 1. The tiles of this item as runs along tile rows: tile row ti, tile columns tj..tj+len−1, GEMM columns from p − p0.
            for (int p = p0; p < p0 + count;)
            {
                int ti = p / tilesW, tj = p % tilesW, len = Math.Min(tilesW - tj, p0 + count - p);
                for (int ch = 0; ch < c; ch++)
                {
                    if (vectorTransforms) InputRunVector(px + ch * h * w, h, w, ti, tj, len, prows, RowLength(cols), pv + ch * cols, sv, p - p0);
                    else InputRun(x.Slice(ch * h * w, h * w), h, w, ti, tj, len, rows, v[(ch * cols)..], sv, p - p0);
                }
                p += len;
            }
            // 2. M[ξ] (K × count) = U[ξ] (K × C) · V[ξ] (C × count).
            ConvGemm.GemmBatch(packedU, k, c, v, sv, cols, count, m, sm, Positions, vector);
            // 3. Output transform, run by run.
            for (int p = p0; p < p0 + count;)
            {
                int ti = p / tilesW, tj = p % tilesW, len = Math.Min(tilesW - tj, p0 + count - p);
                for (int oc = 0; oc < k; oc++)
                {
                    float bo = bias.IsEmpty ? 0f : bias[oc];
                    if (vectorTransforms) OutputRunVector(pm + oc * cols, sm, p - p0, len, bo, py + oc * h * w, h, w, ti, tj);
                    else OutputRun(m[(oc * cols)..], sm, p - p0, len, bo, y.Slice(oc * h * w, h * w), h, w, ti, tj);
                }
                p += len;
            }
        }
    }

    // ---- Vector transforms, written once over ISimdOps: lanes = consecutive tiles of a run ----------------------------
    // A run goes through whole registers at the widest accelerated width, then at each narrower width from the tile where
    // the wider one stopped (16, then 8, then 4 tiles per step on AVX-512). Every lane does the scalar twin's operations in
    // its order, so the vector paths are bit-equal to the twins at every width.

    /// <summary>
    /// Vector path of <see cref="InputRun"/>: the split rows come from <see cref="SplitVector"/>; a tail of fewer than 4
    /// tiles is one more 4-tile step ending at the run's end (the tiles it repeats get the same values), or in a run of
    /// fewer than 4 tiles the scalar twin's per-tile code (a step would write other runs' columns).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // optimised from the first call (see ISimdOps)
    private static void InputRunVector(float* plane, int h, int w, int ti, int tj, int len, float* rows, int rl,
        float* v, int stride, int q0)
    {
        for (int r = 0; r < 4; r++)
        {
            int row = 2 * ti - 1 + r;
            float* odd = rows + 2 * r * rl, even = odd + rl;
            if ((uint)row >= (uint)h) { new Span<float>(odd, len + 1).Clear(); new Span<float>(even, len + 1).Clear(); continue; }
            SplitVector(plane + row * w, w, 2 * tj - 1, len + 1, odd, even);
        }
        var best = SimdWidths.Best;
        int i = 0;
        if (best >= SimdWidth.V512) i = InputSteps<Vector512<float>, Vec512Ops>(rows, rl, i, len, v + q0, stride);
        if (best >= SimdWidth.V256) i = InputSteps<Vector256<float>, Vec256Ops>(rows, rl, i, len, v + q0, stride);
        i = InputSteps<Vector128<float>, Vec128Ops>(rows, rl, i, len, v + q0, stride);
        if (i == len) return;
        if (len >= 4) InputSteps<Vector128<float>, Vec128Ops>(rows, rl, len - 4, len, v + q0, stride);
        else
        {
            var rowSpan = new Span<float>(rows, 8 * rl);
            var vSpan = new Span<float>(v, 15 * stride + q0 + len);
            for (; i < len; i++) InputScalar(rowSpan, rl, i, vSpan, stride, q0 + i);
        }
    }

    /// <summary>
    /// Input transforms of whole registers of tiles from split-row entry <paramref name="i"/> while they fit in
    /// <paramref name="len"/>, written at <c>v[ξ·stride + tile]</c>; returns the next tile.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // optimised from the first call (see ISimdOps)
    private static int InputSteps<TV, TOps>(float* rows, int rl, int i, int len, float* v, int stride)
        where TV : struct where TOps : struct, ISimdOps<TV>
    {
        for (; i + TOps.Count <= len; i += TOps.Count)
        {
            // Per patch row r (d B): h0 = d0 − d2, h1 = d1 + d2, h2 = d2 − d1, h3 = d1 − d3 with d0..d3 = odd[i], even[i],
            // odd[i+1], even[i+1]; then per column b the same down the rows (Bᵀ ·): position 4a + b.
            RowVector<TV, TOps>(rows, rl, 0, i, out var t00, out var t01, out var t02, out var t03);
            RowVector<TV, TOps>(rows, rl, 1, i, out var t10, out var t11, out var t12, out var t13);
            RowVector<TV, TOps>(rows, rl, 2, i, out var t20, out var t21, out var t22, out var t23);
            RowVector<TV, TOps>(rows, rl, 3, i, out var t30, out var t31, out var t32, out var t33);
            float* dst = v + i;
            ColumnVector<TV, TOps>(t00, t10, t20, t30, dst, stride);
            ColumnVector<TV, TOps>(t01, t11, t21, t31, dst + stride, stride);
            ColumnVector<TV, TOps>(t02, t12, t22, t32, dst + 2 * stride, stride);
            ColumnVector<TV, TOps>(t03, t13, t23, t33, dst + 3 * stride, stride);
        }
        return i;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void RowVector<TV, TOps>(float* rows, int rl, int r, int i, out TV h0, out TV h1, out TV h2, out TV h3)
        where TV : struct where TOps : struct, ISimdOps<TV>
    {
        float* odd = rows + 2 * r * rl + i, even = odd + rl;
        TV o0 = TOps.Load(ref *odd, 0), o1 = TOps.Load(ref *odd, 1), e0 = TOps.Load(ref *even, 0), e1 = TOps.Load(ref *even, 1);
        h0 = TOps.Sub(o0, o1); h1 = TOps.Add(e0, o1); h2 = TOps.Sub(o1, e0); h3 = TOps.Sub(e0, e1);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ColumnVector<TV, TOps>(TV t0, TV t1, TV t2, TV t3, float* v, int stride)
        where TV : struct where TOps : struct, ISimdOps<TV>
    {
        TOps.Store(TOps.Sub(t0, t2), ref *v, 0);
        TOps.Store(TOps.Add(t1, t2), ref *v, (nuint)(4 * stride));
        TOps.Store(TOps.Sub(t2, t1), ref *v, (nuint)(8 * stride));
        TOps.Store(TOps.Sub(t1, t3), ref *v, (nuint)(12 * stride));
    }

    /// <summary>
    /// odd[i] = src[start + 2i], even[i] = src[start + 2i + 1] for i &lt; n (0 outside the row, as <see cref="InputRun"/>
    /// splits): inside the row a register pair at a time (<see cref="ISimdOps{TV}.LoadDeinterleaved2"/>), widest first.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // optimised from the first call (see ISimdOps)
    private static void SplitVector(float* src, int w, int start, int n, float* odd, float* even)
    {
        int i = 0;
        if (start < 0) { odd[0] = 0f; even[0] = src[0]; i = 1; }
        var best = SimdWidths.Best;
        if (best >= SimdWidth.V512) i = SplitSteps<Vector512<float>, Vec512Ops>(src, w, start, n, odd, even, i);
        if (best >= SimdWidth.V256) i = SplitSteps<Vector256<float>, Vec256Ops>(src, w, start, n, odd, even, i);
        i = SplitSteps<Vector128<float>, Vec128Ops>(src, w, start, n, odd, even, i);
        for (; i < n; i++)
        {
            int col = start + 2 * i;
            odd[i] = col < w ? src[col] : 0f;
            even[i] = col + 1 < w ? src[col + 1] : 0f;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // optimised from the first call (see ISimdOps)
    private static int SplitSteps<TV, TOps>(float* src, int w, int start, int n, float* odd, float* even, int i)
        where TV : struct where TOps : struct, ISimdOps<TV>
    {
        // The row's values start + 2i … start + 2i + 2·Count − 1: even offsets go to odd[], odd offsets to even[].
        for (; i + TOps.Count <= n && start + 2 * i + 2 * TOps.Count <= w; i += TOps.Count)
        {
            TOps.LoadDeinterleaved2(ref *(src + start + 2 * i), 0, out TV first, out TV second);
            TOps.Store(first, ref *odd, (nuint)i);
            TOps.Store(second, ref *even, (nuint)i);
        }
        return i;
    }

    /// <summary>
    /// Vector path of <see cref="OutputRun"/>: whole registers of tiles, widest first; where the register's 2·Count pixels
    /// of a row lie inside it, y00/y01 (and y10/y11) are interleaved in registers (<see cref="ISimdOps{TV}.StoreInterleaved2"/>),
    /// else they go through the scalar twin's stores. A tail of fewer than 4 tiles is one more 4-tile step (ending at the
    /// run's end, or in a shorter run storing only the run's tiles: its other lanes read M columns past the run, inside
    /// the scratch).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // optimised from the first call (see ISimdOps)
    private static void OutputRunVector(float* m, int stride, int q0, int len, float bias, float* plane, int h, int w, int ti, int tj)
    {
        Span<float> y = stackalloc float[4 * 16];
        var planeSpan = new Span<float>(plane, h * w);
        var best = SimdWidths.Best;
        int i = 0;
        if (best >= SimdWidth.V512) i = OutputSteps<Vector512<float>, Vec512Ops>(m, stride, q0, i, len, bias, plane, planeSpan, y, h, w, ti, tj);
        if (best >= SimdWidth.V256) i = OutputSteps<Vector256<float>, Vec256Ops>(m, stride, q0, i, len, bias, plane, planeSpan, y, h, w, ti, tj);
        i = OutputSteps<Vector128<float>, Vec128Ops>(m, stride, q0, i, len, bias, plane, planeSpan, y, h, w, ti, tj);
        if (i == len) return;
        if (len >= 4) OutputStep<Vector128<float>, Vec128Ops>(m, stride, q0, len - 4, 4, bias, plane, planeSpan, y, h, w, ti, tj);
        else OutputStep<Vector128<float>, Vec128Ops>(m, stride, q0, 0, len, bias, plane, planeSpan, y, h, w, ti, tj);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // optimised from the first call (see ISimdOps)
    private static int OutputSteps<TV, TOps>(float* m, int stride, int q0, int i, int len, float bias, float* plane,
        Span<float> planeSpan, Span<float> y, int h, int w, int ti, int tj) where TV : struct where TOps : struct, ISimdOps<TV>
    {
        for (; i + TOps.Count <= len; i += TOps.Count)
            OutputStep<TV, TOps>(m, stride, q0, i, TOps.Count, bias, plane, planeSpan, y, h, w, ti, tj);
        return i;
    }

    /// <summary>
    /// The output transform of one register of consecutive tiles from run tile <paramref name="i"/>, of which the first
    /// <paramref name="n"/> are stored: interleaved in registers where all the register's pixels lie inside the row, else
    /// by the scalar twin's stores.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void OutputStep<TV, TOps>(float* m, int stride, int q0, int i, int n, float bias, float* plane, Span<float> planeSpan,
        Span<float> y, int h, int w, int ti, int tj) where TV : struct where TOps : struct, ISimdOps<TV>
    {
        int row = 2 * ti, lanes = TOps.Count;
        float* src = m + q0 + i;
        TV vb = TOps.Broadcast(bias);
        // Per row a of M (· A): s0 = m0 + m1 + m2, s1 = m1 − m2 − m3; then down the columns (Aᵀ ·), plus the bias.
        RowSums<TV, TOps>(src, stride, 0, out var s00, out var s01);
        RowSums<TV, TOps>(src, stride, 1, out var s10, out var s11);
        RowSums<TV, TOps>(src, stride, 2, out var s20, out var s21);
        RowSums<TV, TOps>(src, stride, 3, out var s30, out var s31);
        TV y00 = TOps.Add(TOps.Add(TOps.Add(s00, s10), s20), vb), y01 = TOps.Add(TOps.Add(TOps.Add(s01, s11), s21), vb);
        TV y10 = TOps.Add(TOps.Sub(TOps.Sub(s10, s20), s30), vb), y11 = TOps.Add(TOps.Sub(TOps.Sub(s11, s21), s31), vb);
        int col = 2 * (tj + i);
        if (n == lanes && col + 2 * lanes <= w)
        {
            float* dst = plane + row * w + col;
            TOps.StoreInterleaved2(y00, y01, ref *dst, 0);
            if (row + 1 < h) TOps.StoreInterleaved2(y10, y11, ref *dst, (nuint)w);
        }
        else
        {
            TOps.Store(y00, ref y[0], 0); TOps.Store(y01, ref y[0], (nuint)lanes);
            TOps.Store(y10, ref y[0], (nuint)(2 * lanes)); TOps.Store(y11, ref y[0], (nuint)(3 * lanes));
            Store(y, lanes, n, planeSpan, h, w, ti, tj + i);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void RowSums<TV, TOps>(float* m, int stride, int a, out TV s0, out TV s1)
        where TV : struct where TOps : struct, ISimdOps<TV>
    {
        TV m0 = TOps.Load(ref *m, (nuint)(4 * a * stride)), m1 = TOps.Load(ref *m, (nuint)((4 * a + 1) * stride));
        TV m2 = TOps.Load(ref *m, (nuint)((4 * a + 2) * stride)), m3 = TOps.Load(ref *m, (nuint)((4 * a + 3) * stride));
        s0 = TOps.Add(TOps.Add(m0, m1), m2); s1 = TOps.Sub(TOps.Sub(m1, m2), m3);
    }

    /// <summary>
    /// V[ξ] of tiles (ti, tj..tj+len−1) of one channel plane, written at column q0 of <paramref name="v"/> (position ξ at
    /// <c>ξ·stride</c>). The 4 input rows 2ti−1..2ti+2 are first split into odd and even columns, zero outside the image:
    /// odd[i] = x[row][2(tj+i) − 1], even[i] = x[row][2(tj+i)], so tile i's patch row is odd[i], even[i], odd[i+1],
    /// even[i+1] and a vector of 8 consecutive tiles reads 4 contiguous vectors per row.
    /// </summary>
    private static void InputRun(ReadOnlySpan<float> plane, int h, int w, int ti, int tj, int len, Span<float> rows,
        Span<float> v, int stride, int q0)
    {
        int rl = rows.Length / 8;
        for (int r = 0; r < 4; r++)
        {
            int row = 2 * ti - 1 + r;
            var odd = rows.Slice(2 * r * rl, rl);
            var even = rows.Slice((2 * r + 1) * rl, rl);
            if ((uint)row >= (uint)h) { odd[..(len + 1)].Clear(); even[..(len + 1)].Clear(); continue; }
            var src = plane.Slice(row * w, w);
            for (int i = 0; i <= len; i++)
            {
                int col = 2 * (tj + i) - 1;
                odd[i] = (uint)col < (uint)w ? src[col] : 0f;
                even[i] = col + 1 < w ? src[col + 1] : 0f;
            }
        }
        for (int i = 0; i < len; i++) InputScalar(rows, rl, i, v, stride, q0 + i);
    }

    /// <summary>One tile of <see cref="InputRun"/>: the same operations in the same order as <see cref="InputRunVector"/>'s lanes.</summary>
    private static void InputScalar(Span<float> rows, int rl, int i, Span<float> v, int stride, int q)
    {
        Span<float> t = stackalloc float[16];
        for (int r = 0; r < 4; r++)
        {
            float o0 = rows[2 * r * rl + i], e0 = rows[(2 * r + 1) * rl + i], o1 = rows[2 * r * rl + i + 1], e1 = rows[(2 * r + 1) * rl + i + 1];
            t[4 * r] = o0 - o1; t[4 * r + 1] = e0 + o1; t[4 * r + 2] = o1 - e0; t[4 * r + 3] = e0 - e1;
        }
        for (int b = 0; b < 4; b++)
        {
            float t0 = t[b], t1 = t[4 + b], t2 = t[8 + b], t3 = t[12 + b];
            v[b * stride + q] = t0 - t2;
            v[(4 + b) * stride + q] = t1 + t2;
            v[(8 + b) * stride + q] = t2 - t1;
            v[(12 + b) * stride + q] = t1 - t3;
        }
    }

    /// <summary>
    /// The 2×2 output pixels of tiles (ti, tj..tj+len−1) for one output channel, from M at column q0 (position ξ at
    /// <c>ξ·stride</c>): per row a of M, s0 = m0 + m1 + m2 and s1 = m1 − m2 − m3 (· A); then the same down each column
    /// (Aᵀ ·), plus the bias.
    /// </summary>
    private static void OutputRun(ReadOnlySpan<float> m, int stride, int q0, int len, float bias, Span<float> plane,
        int h, int w, int ti, int tj)
    {
        Span<float> y = stackalloc float[32];
        for (int i = 0; i < len; i++)
        {
            OutputScalar(m, stride, q0 + i, bias, y);
            Store(y, 8, 1, plane, h, w, ti, tj + i);
        }
    }

    /// <summary>One tile's output transform, the same operations as <see cref="OutputRunVector"/>'s lanes (results at y[0], y[8], y[16], y[24]).</summary>
    private static void OutputScalar(ReadOnlySpan<float> m, int stride, int q, float bias, Span<float> y)
    {
        Span<float> s = stackalloc float[8];
        for (int a = 0; a < 4; a++)
        {
            float m0 = m[4 * a * stride + q], m1 = m[(4 * a + 1) * stride + q], m2 = m[(4 * a + 2) * stride + q], m3 = m[(4 * a + 3) * stride + q];
            s[2 * a] = m0 + m1 + m2; s[2 * a + 1] = m1 - m2 - m3;
        }
        y[0] = s[0] + s[2] + s[4] + bias;
        y[8] = s[1] + s[3] + s[5] + bias;
        y[16] = s[2] - s[4] - s[6] + bias;
        y[24] = s[3] - s[5] - s[7] + bias;
    }

    /// <summary>
    /// Writes the 2×2 pixels of <paramref name="n"/> tiles from (ti, tj) on: y00 at y[i], y01 at y[lanes + i], y10 at
    /// y[2·lanes + i], y11 at y[3·lanes + i].
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // optimised from the first call (see ISimdOps)
    private static void Store(ReadOnlySpan<float> y, int lanes, int n, Span<float> plane, int h, int w, int ti, int tj)
    {
        int row = 2 * ti;
        bool second = row + 1 < h;
        for (int i = 0; i < n; i++)
        {
            int col = 2 * (tj + i);
            plane[row * w + col] = y[i];
            if (second) plane[(row + 1) * w + col] = y[2 * lanes + i];
            if (col + 1 < w)
            {
                plane[row * w + col + 1] = y[lanes + i];
                if (second) plane[(row + 1) * w + col + 1] = y[3 * lanes + i];
            }
        }
    }

    // ---- Weight gradient ----------------------------------------------------------------------------------------------
    // With Y = Aᵀ [U ⊙ V] A and U = G g Gᵀ, both linear: dL/dU = Σ_tiles (A dY Aᵀ) ⊙ V and dL/dg = Gᵀ (dL/dU) G.
    // Per position ξ the sum over tiles is a product Z[ξ] (K × tiles) · V[ξ]ᵀ (tiles × C): 16·K·C multiply-adds per tile
    // instead of 36·K·C. V is the forward's input transform; Z = A dY Aᵀ spreads each 2×2 block of dy over 4×4:
    //      A = | 1  0 |      Gᵀ = | 1  ½  ½  0 |
    //          | 1  1 |           | 0  ½ -½  0 |
    //          | 1 -1 |           | 0  ½  ½  1 |
    //          | 0 -1 |

    /// <summary>Floats of scratch one weight-gradient work item needs: V [16][C][cols], Z [16][K][cols] and the split rows.</summary>
    public static int WeightScratchSize(int inChannels, int outChannels, int cols) => ScratchSize(inChannels, outChannels, cols);

    /// <summary>
    /// Adds tiles p0..p0+count−1 of one image to the position-wise gradient: partial[ξ][k][c] += Σ_t Z[ξ][k][t]·V[ξ][c][t]
    /// (partial is <c>[16][K][C]</c>), x <c>[C][H][W]</c>, dy <c>[K][H][W]</c>. <paramref name="vector"/> false runs the
    /// scalar twin (same transforms, <see cref="ConvGemm.WeightGradTileScalar"/>); true runs <see cref="ConvGemm.WeightGradTile"/>
    /// (256 or 128 bits) and the vector transforms, as <see cref="Tiles"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // optimised from the first call (see ISimdOps)
    public static void WeightTiles(ReadOnlySpan<float> x, int c, int h, int w, ReadOnlySpan<float> dy, int k, int p0, int count,
        int cols, Span<float> scratch, Span<float> partial, bool vector)
    {
        int tilesW = (w + 1) / 2;
        int sv = PositionStride(c, cols), sz = PositionStride(k, cols);
        bool vectorTransforms = vector && SimdWidths.Best != SimdWidth.Scalar;
        var v = scratch[..(Positions * sv)];
        var z = scratch.Slice(Positions * sv, Positions * sz);
        var rows = scratch.Slice(Positions * (sv + sz), 8 * RowLength(cols));
        fixed (float* px = x, pdy = dy, pv = v, pz = z, prows = rows)
        {
            for (int p = p0; p < p0 + count;)
            {
                int ti = p / tilesW, tj = p % tilesW, len = Math.Min(tilesW - tj, p0 + count - p);
                for (int ch = 0; ch < c; ch++)
                {
                    if (vectorTransforms) InputRunVector(px + ch * h * w, h, w, ti, tj, len, prows, RowLength(cols), pv + ch * cols, sv, p - p0);
                    else InputRun(x.Slice(ch * h * w, h * w), h, w, ti, tj, len, rows, v[(ch * cols)..], sv, p - p0);
                }
                for (int oc = 0; oc < k; oc++)
                    GradientRun(dy.Slice(oc * h * w, h * w), pdy + oc * h * w, h, w, ti, tj, len, rows, prows, RowLength(cols),
                        z[(oc * cols)..], pz + oc * cols, sz, p - p0, vectorTransforms);
                p += len;
            }
            for (int xi = 0; xi < Positions; xi++)
            {
                var zx = z.Slice(xi * sz, k * cols);
                var vx = v.Slice(xi * sv, c * cols);
                var dst = partial.Slice(xi * k * c, k * c);
                if (vector) ConvGemm.WeightGradTile(zx, cols, k, vx, cols, c, count, dst);
                else ConvGemm.WeightGradTileScalar(zx, cols, k, vx, cols, c, count, dst);
            }
        }
    }

    /// <summary>
    /// Z = A dY Aᵀ of tiles (ti, tj..tj+len−1) of one dy plane, written at column q0 (position ξ at <c>ξ·stride</c>).
    /// dy rows 2ti and 2ti + 1 are split into even and odd columns (0 beyond the image): the tile's 2×2 block is
    /// (e0[i], o0[i]; e1[i], o1[i]). Down each column (A ·): (y0, y0 + y1, y0 − y1, −y1); then the same along each row.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // optimised from the first call (see ISimdOps)
    private static void GradientRun(ReadOnlySpan<float> plane, float* pplane, int h, int w, int ti, int tj, int len,
        Span<float> rows, float* prows, int rl, Span<float> z, float* pz, int stride, int q0, bool vector)
    {
        for (int r = 0; r < 2; r++)
        {
            int row = 2 * ti + r;
            var even = rows.Slice(2 * r * rl, rl);
            var odd = rows.Slice((2 * r + 1) * rl, rl);
            if (row >= h) { even[..len].Clear(); odd[..len].Clear(); continue; }
            if (vector) SplitVector(pplane + row * w, w, 2 * tj, len, prows + 2 * r * rl, prows + (2 * r + 1) * rl);
            else
                for (int i = 0; i < len; i++)
                {
                    int col = 2 * (tj + i);
                    even[i] = plane[row * w + col];
                    odd[i] = col + 1 < w ? plane[row * w + col + 1] : 0f;
                }
        }
        int done = 0;
        if (vector)
        {
            var best = SimdWidths.Best;
            if (best >= SimdWidth.V512) done = GradientSteps<Vector512<float>, Vec512Ops>(prows, rl, done, len, pz + q0, stride);
            if (best >= SimdWidth.V256) done = GradientSteps<Vector256<float>, Vec256Ops>(prows, rl, done, len, pz + q0, stride);
            done = GradientSteps<Vector128<float>, Vec128Ops>(prows, rl, done, len, pz + q0, stride);
        }
        for (int i = done; i < len; i++)
        {
            float e0 = rows[i], o0 = rows[rl + i], e1 = rows[2 * rl + i], o1 = rows[3 * rl + i];
            int q = q0 + i;
            Spread(e0, o0, z, q, 0, stride);
            Spread(e0 + e1, o0 + o1, z, q, 4, stride);
            Spread(e0 - e1, o0 - o1, z, q, 8, stride);
            Spread(-e1, -o1, z, q, 12, stride);
        }
    }

    /// <summary>Z of whole registers of tiles from split-row entry <paramref name="i"/> while they fit in <paramref name="len"/>; returns the next tile.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // optimised from the first call (see ISimdOps)
    private static int GradientSteps<TV, TOps>(float* rows, int rl, int i, int len, float* z, int stride)
        where TV : struct where TOps : struct, ISimdOps<TV>
    {
        for (; i + TOps.Count <= len; i += TOps.Count)
        {
            float* e0p = rows + i;
            TV e0 = TOps.Load(ref *e0p, 0), o0 = TOps.Load(ref *e0p, (nuint)rl);
            TV e1 = TOps.Load(ref *e0p, (nuint)(2 * rl)), o1 = TOps.Load(ref *e0p, (nuint)(3 * rl));
            // Columns: c0 = (e0, e0 + e1, e0 − e1, −e1), c1 = (o0, o0 + o1, o0 − o1, −o1); row a = (c0[a], c1[a]).
            float* dst = z + i;
            SpreadVector<TV, TOps>(e0, o0, dst, stride);
            SpreadVector<TV, TOps>(TOps.Add(e0, e1), TOps.Add(o0, o1), dst + 4 * stride, stride);
            SpreadVector<TV, TOps>(TOps.Sub(e0, e1), TOps.Sub(o0, o1), dst + 8 * stride, stride);
            SpreadVector<TV, TOps>(Negate<TV, TOps>(e1), Negate<TV, TOps>(o1), dst + 12 * stride, stride);
        }
        return i;
    }

    /// <summary>One row (p, q) of A·dY along the row (· Aᵀ): (p, p + q, p − q, −q) at 4 consecutive positions.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void SpreadVector<TV, TOps>(TV p, TV q, float* dst, int stride) where TV : struct where TOps : struct, ISimdOps<TV>
    {
        TOps.Store(p, ref *dst, 0); TOps.Store(TOps.Add(p, q), ref *dst, (nuint)stride);
        TOps.Store(TOps.Sub(p, q), ref *dst, (nuint)(2 * stride)); TOps.Store(Negate<TV, TOps>(q), ref *dst, (nuint)(3 * stride));
    }

    /// <summary>−v lane by lane, as the scalar twin's unary minus (−1·v is exact, and flips the sign of zeros too).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV Negate<TV, TOps>(TV v) where TV : struct where TOps : struct, ISimdOps<TV> => TOps.Mul(v, TOps.Broadcast(-1f));

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // optimised from the first call (see ISimdOps)
    private static void Spread(float p, float q, Span<float> z, int col, int position, int stride)
    {
        z[position * stride + col] = p; z[(position + 1) * stride + col] = p + q;
        z[(position + 2) * stride + col] = p - q; z[(position + 3) * stride + col] = -q;
    }

    /// <summary>
    /// dw <c>[K][C][3][3]</c> = Gᵀ dU G from the summed position-wise gradient dU <c>[16][K][C]</c>: down each column
    /// (g0 = u0 + ½u1 + ½u2, g1 = ½u1 − ½u2, g2 = ½u1 + ½u2 + u3), then the same along each row.
    /// </summary>
    public static void FilterGradient(ReadOnlySpan<float> du, int k, int c, int oc, Span<float> dw)
    {
        Span<float> t = stackalloc float[12];
        for (int ic = 0; ic < c; ic++)
        {
            for (int b = 0; b < 4; b++)
            {
                float u0 = du[(b * k + oc) * c + ic], u1 = du[((4 + b) * k + oc) * c + ic];
                float u2 = du[((8 + b) * k + oc) * c + ic], u3 = du[((12 + b) * k + oc) * c + ic];
                t[b] = u0 + 0.5f * u1 + 0.5f * u2; t[4 + b] = 0.5f * u1 - 0.5f * u2; t[8 + b] = 0.5f * u1 + 0.5f * u2 + u3;
            }
            var g = dw.Slice((oc * c + ic) * 9, 9);
            for (int a = 0; a < 3; a++)
            {
                float u0 = t[4 * a], u1 = t[4 * a + 1], u2 = t[4 * a + 2], u3 = t[4 * a + 3];
                g[3 * a] = u0 + 0.5f * u1 + 0.5f * u2; g[3 * a + 1] = 0.5f * u1 - 0.5f * u2; g[3 * a + 2] = 0.5f * u1 + 0.5f * u2 + u3;
            }
        }
    }
}
