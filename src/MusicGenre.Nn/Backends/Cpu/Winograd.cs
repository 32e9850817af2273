using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

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
    /// the GEMMs on <see cref="ConvGemm.GemmTile"/> at the widest vectors the CPU has (128 bits on ARM64) and the transforms
    /// on their 8-lane Vector256 code where Vector256 is accelerated, else on the scalar twin's transforms.
    /// </summary>
    public static void Tiles(ReadOnlySpan<float> x, int c, int h, int w, ReadOnlySpan<float> packedU, int k,
        ReadOnlySpan<float> bias, int p0, int count, int cols, Span<float> scratch, Span<float> y, bool vector)
    {
        int tilesW = (w + 1) / 2;
        int sv = PositionStride(c, cols), sm = PositionStride(k, cols);
        bool transforms256 = vector && ConvGemm.UseVector;
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
                    if (transforms256) InputRunVector(px + ch * h * w, h, w, ti, tj, len, prows, RowLength(cols), pv + ch * cols, sv, p - p0);
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
                    if (transforms256) OutputRunVector(pm + oc * cols, sm, p - p0, len, bo, py + oc * h * w, h, w, ti, tj);
                    else OutputRun(m[(oc * cols)..], sm, p - p0, len, bo, y.Slice(oc * h * w, h * w), h, w, ti, tj);
                }
                p += len;
            }
        }
    }

    /// <summary>
    /// Vector path of <see cref="InputRun"/>: 8 tiles per step (lanes = consecutive tiles of the run); the split rows
    /// come from <see cref="SplitVector"/>; a tail of fewer than 8 tiles is one more 8-tile step, overlapping the previous one
    /// or (a run shorter than 8) with AVX masked stores; without AVX it runs the scalar twin's per-tile code.
    /// </summary>
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
        int i = 0;
        if (Use512)
        {
            // The same as the 8-tile step below with 16 tiles per register.
            for (; i + 16 <= len; i += 16)
            {
                RowVector512(rows, rl, 0, i, out var t00, out var t01, out var t02, out var t03);
                RowVector512(rows, rl, 1, i, out var t10, out var t11, out var t12, out var t13);
                RowVector512(rows, rl, 2, i, out var t20, out var t21, out var t22, out var t23);
                RowVector512(rows, rl, 3, i, out var t30, out var t31, out var t32, out var t33);
                float* dst = v + q0 + i;
                ColumnVector512(t00, t10, t20, t30, dst, stride);
                ColumnVector512(t01, t11, t21, t31, dst + stride, stride);
                ColumnVector512(t02, t12, t22, t32, dst + 2 * stride, stride);
                ColumnVector512(t03, t13, t23, t33, dst + 3 * stride, stride);
            }
        }

        for (; i + 8 <= len; i += 8) InputStep(rows, rl, i, v + q0 + i, stride, 8);
        if (i == len) return;
        // The tail of fewer than 8 tiles. In a run of at least 8, one more 8-tile step ending at the run's end: the tiles
        // it repeats get the same operations, so the same values. In a shorter run, an 8-tile step whose stores keep only
        // the run's lanes (the others read split-row entries past the run and would write other runs' columns).
        if (len >= 8) InputStep(rows, rl, len - 8, v + q0 + len - 8, stride, 8);
        else if (Avx.IsSupported) InputStep(rows, rl, 0, v + q0, stride, len);
        else
        {
            var rowSpan = new Span<float>(rows, 8 * rl);
            var vSpan = new Span<float>(v, 15 * stride + q0 + len);
            for (; i < len; i++) InputScalar(rowSpan, rl, i, vSpan, stride, q0 + i);
        }
    }

    /// <summary>
    /// The input transform of 8 consecutive tiles from split-row entry <paramref name="i"/>, of which the first
    /// <paramref name="n"/> are written at <paramref name="dst"/> (position ξ at <c>ξ·stride</c>): all 8, or fewer by AVX
    /// masked stores (only called so where AVX is supported).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void InputStep(float* rows, int rl, int i, float* dst, int stride, int n)
    {
        // Per patch row r (d B): h0 = d0 − d2, h1 = d1 + d2, h2 = d2 − d1, h3 = d1 − d3 with d0..d3 = odd[i], even[i],
        // odd[i+1], even[i+1]; then per column b the same down the rows (Bᵀ ·): position 4a + b.
        RowVector(rows, rl, 0, i, out var t00, out var t01, out var t02, out var t03);
        RowVector(rows, rl, 1, i, out var t10, out var t11, out var t12, out var t13);
        RowVector(rows, rl, 2, i, out var t20, out var t21, out var t22, out var t23);
        RowVector(rows, rl, 3, i, out var t30, out var t31, out var t32, out var t33);
        if (n == 8)
        {
            ColumnVector(t00, t10, t20, t30, dst, stride);
            ColumnVector(t01, t11, t21, t31, dst + stride, stride);
            ColumnVector(t02, t12, t22, t32, dst + 2 * stride, stride);
            ColumnVector(t03, t13, t23, t33, dst + 3 * stride, stride);
            return;
        }
        // Lane j is stored where j < n: its mask element has the sign bit set.
        var lanes = Vector256.LessThan(Vector256.Create(0, 1, 2, 3, 4, 5, 6, 7), Vector256.Create(n)).AsSingle();
        ColumnVectorMasked(t00, t10, t20, t30, dst, stride, lanes);
        ColumnVectorMasked(t01, t11, t21, t31, dst + stride, stride, lanes);
        ColumnVectorMasked(t02, t12, t22, t32, dst + 2 * stride, stride, lanes);
        ColumnVectorMasked(t03, t13, t23, t33, dst + 3 * stride, stride, lanes);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void RowVector(float* rows, int rl, int r, int i, out Vector256<float> h0, out Vector256<float> h1,
        out Vector256<float> h2, out Vector256<float> h3)
    {
        float* odd = rows + 2 * r * rl + i, even = odd + rl;
        var o0 = Vector256.Load(odd); var o1 = Vector256.Load(odd + 1);
        var e0 = Vector256.Load(even); var e1 = Vector256.Load(even + 1);
        h0 = o0 - o1; h1 = e0 + o1; h2 = o1 - e0; h3 = e0 - e1;
    }

    /// <summary>The 16 tiles per register used by the transforms where AVX-512 is accelerated (the 8-tile path otherwise).</summary>
    private static bool Use512 => Vector512.IsHardwareAccelerated && Avx512F.IsSupported;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void RowVector512(float* rows, int rl, int r, int i, out Vector512<float> h0, out Vector512<float> h1,
        out Vector512<float> h2, out Vector512<float> h3)
    {
        float* odd = rows + 2 * r * rl + i, even = odd + rl;
        var o0 = Vector512.Load(odd); var o1 = Vector512.Load(odd + 1);
        var e0 = Vector512.Load(even); var e1 = Vector512.Load(even + 1);
        h0 = o0 - o1; h1 = e0 + o1; h2 = o1 - e0; h3 = e0 - e1;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ColumnVector512(Vector512<float> t0, Vector512<float> t1, Vector512<float> t2, Vector512<float> t3, float* v, int stride)
    {
        (t0 - t2).Store(v);
        (t1 + t2).Store(v + 4 * stride);
        (t2 - t1).Store(v + 8 * stride);
        (t1 - t3).Store(v + 12 * stride);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ColumnVector(Vector256<float> t0, Vector256<float> t1, Vector256<float> t2, Vector256<float> t3, float* v, int stride)
    {
        (t0 - t2).Store(v);
        (t1 + t2).Store(v + 4 * stride);
        (t2 - t1).Store(v + 8 * stride);
        (t1 - t3).Store(v + 12 * stride);
    }

    /// <summary><see cref="ColumnVector"/> storing only the lanes of <paramref name="lanes"/> (AVX masked stores).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ColumnVectorMasked(Vector256<float> t0, Vector256<float> t1, Vector256<float> t2, Vector256<float> t3, float* v, int stride,
        Vector256<float> lanes)
    {
        Avx.MaskStore(v, lanes, t0 - t2);
        Avx.MaskStore(v + 4 * stride, lanes, t1 + t2);
        Avx.MaskStore(v + 8 * stride, lanes, t2 - t1);
        Avx.MaskStore(v + 12 * stride, lanes, t1 - t3);
    }

    /// <summary>
    /// odd[i] = src[start + 2i], even[i] = src[start + 2i + 1] for i &lt; n (0 outside the row, as <see cref="InputRun"/>
    /// splits). Inside the row, 16 contiguous values at a time; each half is permuted to (its 4
    /// even-index values, its 4 odd-index values) and the halves' lower and upper 128 bits are joined.
    /// </summary>
    private static void SplitVector(float* src, int w, int start, int n, float* odd, float* even)
    {
        int i = 0;
        if (start < 0) { odd[0] = 0f; even[0] = src[0]; i = 1; }
        if (Use512)
        {
            // 32 contiguous values; one two-source permute gathers the 16 even-index ones, another the 16 odd-index ones.
            var evenIndex = Vector512.Create(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
            var oddIndex = evenIndex + Vector512<int>.One;
            for (; i + 16 <= n && start + 2 * i + 32 <= w; i += 16)
            {
                var lo = Vector512.Load(src + start + 2 * i);
                var hi = Vector512.Load(src + start + 2 * i + 16);
                Avx512F.PermuteVar16x32x2(lo, evenIndex, hi).Store(odd + i);
                Avx512F.PermuteVar16x32x2(lo, oddIndex, hi).Store(even + i);
            }
        }

        var pick = Vector256.Create(0, 2, 4, 6, 1, 3, 5, 7);
        for (; i + 8 <= n && start + 2 * i + 16 <= w; i += 8)
        {
            var a = Vector256.Shuffle(Vector256.Load(src + start + 2 * i), pick);
            var b = Vector256.Shuffle(Vector256.Load(src + start + 2 * i + 8), pick);
            Vector256.Create(a.GetLower(), b.GetLower()).Store(odd + i);
            Vector256.Create(a.GetUpper(), b.GetUpper()).Store(even + i);
        }
        for (; i < n; i++)
        {
            int col = start + 2 * i;
            odd[i] = col < w ? src[col] : 0f;
            even[i] = col + 1 < w ? src[col + 1] : 0f;
        }
    }

    /// <summary>
    /// Vector path of <see cref="OutputRun"/>: 8 tiles per step; where the 16 pixels lie inside the row, y00/y01 (and
    /// y10/y11) are interleaved in registers: join the lower (upper) halves, then permute (a0 a1 a2 a3 b0 b1 b2 b3) to
    /// (a0 b0 a1 b1 a2 b2 a3 b3). Right edges go through the scalar twin's stores; a tail of fewer than 8 tiles is one more
    /// 8-tile step (overlapping, or storing only the run's tiles).
    /// </summary>
    private static void OutputRunVector(float* m, int stride, int q0, int len, float bias, float* plane, int h, int w, int ti, int tj)
    {
        int row = 2 * ti, i = 0;
        bool second = row + 1 < h;
        var vb = Vector256.Create(bias);
        Span<float> y = stackalloc float[32];
        var planeSpan = new Span<float>(plane, h * w);
        if (Use512)
        {
            // The 8-tile step below with 16 tiles per register: y00/y01 (and y10/y11) interleave with one two-source
            // permute per 16 output pixels (a0 b0 a1 b1 … from the lower, then the upper 8 lanes of each).
            var zipLo = Vector512.Create(0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
            var zipHi = zipLo + Vector512.Create(8);
            var vb512 = Vector512.Create(bias);
            for (; i + 16 <= len; i += 16)
            {
                float* src = m + q0 + i;
                RowSums512(src, stride, 0, out var s00, out var s01);
                RowSums512(src, stride, 1, out var s10, out var s11);
                RowSums512(src, stride, 2, out var s20, out var s21);
                RowSums512(src, stride, 3, out var s30, out var s31);
                var y00 = s00 + s10 + s20 + vb512; var y01 = s01 + s11 + s21 + vb512;
                var y10 = s10 - s20 - s30 + vb512; var y11 = s11 - s21 - s31 + vb512;
                int col = 2 * (tj + i);
                if (col + 32 <= w)
                {
                    float* dst = plane + row * w + col;
                    Avx512F.PermuteVar16x32x2(y00, zipLo, y01).Store(dst);
                    Avx512F.PermuteVar16x32x2(y00, zipHi, y01).Store(dst + 16);
                    if (second)
                    {
                        Avx512F.PermuteVar16x32x2(y10, zipLo, y11).Store(dst + w);
                        Avx512F.PermuteVar16x32x2(y10, zipHi, y11).Store(dst + w + 16);
                    }
                }
                else
                {
                    // At the right edge: the scalar twin's stores, 8 tiles at a time.
                    y00.GetLower().CopyTo(y); y01.GetLower().CopyTo(y[8..]); y10.GetLower().CopyTo(y[16..]); y11.GetLower().CopyTo(y[24..]);
                    Store(y, 8, planeSpan, h, w, ti, tj + i);
                    y00.GetUpper().CopyTo(y); y01.GetUpper().CopyTo(y[8..]); y10.GetUpper().CopyTo(y[16..]); y11.GetUpper().CopyTo(y[24..]);
                    Store(y, 8, planeSpan, h, w, ti, tj + i + 8);
                }
            }
        }

        for (; i + 8 <= len; i += 8) OutputStep(m, stride, q0, i, 8, vb, plane, planeSpan, y, h, w, ti, tj);
        if (i == len) return;
        // The tail of fewer than 8 tiles: in a run of at least 8, one more 8-tile step ending at the run's end (the tiles it
        // repeats get the same operations and stores, so the same pixels); in a shorter run, an 8-tile step of which only
        // the run's tiles are stored (its other lanes read M columns past the run, inside the scratch).
        if (len >= 8) OutputStep(m, stride, q0, len - 8, 8, vb, plane, planeSpan, y, h, w, ti, tj);
        else OutputStep(m, stride, q0, 0, len, vb, plane, planeSpan, y, h, w, ti, tj);
    }

    /// <summary>
    /// The output transform of 8 consecutive tiles from run tile <paramref name="i"/>, of which the first
    /// <paramref name="n"/> are stored: interleaved in registers where all 8 tiles' 16 pixels lie inside the row, else by
    /// the scalar twin's stores.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void OutputStep(float* m, int stride, int q0, int i, int n, Vector256<float> vb, float* plane, Span<float> planeSpan,
        Span<float> y, int h, int w, int ti, int tj)
    {
        int row = 2 * ti;
        float* src = m + q0 + i;
        // Per row a of M (· A): s0 = m0 + m1 + m2, s1 = m1 − m2 − m3; then down the columns (Aᵀ ·), plus the bias.
        RowSums(src, stride, 0, out var s00, out var s01);
        RowSums(src, stride, 1, out var s10, out var s11);
        RowSums(src, stride, 2, out var s20, out var s21);
        RowSums(src, stride, 3, out var s30, out var s31);
        var y00 = s00 + s10 + s20 + vb; var y01 = s01 + s11 + s21 + vb;
        var y10 = s10 - s20 - s30 + vb; var y11 = s11 - s21 - s31 + vb;
        int col = 2 * (tj + i);
        if (n == 8 && col + 16 <= w)
        {
            var zip = Vector256.Create(0, 4, 1, 5, 2, 6, 3, 7);
            float* dst = plane + row * w + col;
            Vector256.Shuffle(Vector256.Create(y00.GetLower(), y01.GetLower()), zip).Store(dst);
            Vector256.Shuffle(Vector256.Create(y00.GetUpper(), y01.GetUpper()), zip).Store(dst + 8);
            if (row + 1 < h)
            {
                Vector256.Shuffle(Vector256.Create(y10.GetLower(), y11.GetLower()), zip).Store(dst + w);
                Vector256.Shuffle(Vector256.Create(y10.GetUpper(), y11.GetUpper()), zip).Store(dst + w + 8);
            }
        }
        else
        {
            y00.CopyTo(y); y01.CopyTo(y[8..]); y10.CopyTo(y[16..]); y11.CopyTo(y[24..]);
            Store(y, n, planeSpan, h, w, ti, tj + i);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void RowSums512(float* m, int stride, int a, out Vector512<float> s0, out Vector512<float> s1)
    {
        var m0 = Vector512.Load(m + 4 * a * stride);
        var m1 = Vector512.Load(m + (4 * a + 1) * stride);
        var m2 = Vector512.Load(m + (4 * a + 2) * stride);
        var m3 = Vector512.Load(m + (4 * a + 3) * stride);
        s0 = m0 + m1 + m2; s1 = m1 - m2 - m3;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void RowSums(float* m, int stride, int a, out Vector256<float> s0, out Vector256<float> s1)
    {
        var m0 = Vector256.Load(m + 4 * a * stride);
        var m1 = Vector256.Load(m + (4 * a + 1) * stride);
        var m2 = Vector256.Load(m + (4 * a + 2) * stride);
        var m3 = Vector256.Load(m + (4 * a + 3) * stride);
        s0 = m0 + m1 + m2; s1 = m1 - m2 - m3;
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
            Store(y, 1, plane, h, w, ti, tj + i);
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

    /// <summary>Writes the 2×2 pixels of <paramref name="n"/> tiles from (ti, tj) on: y00 at y[i], y01 at y[8 + i], y10 at y[16 + i], y11 at y[24 + i].</summary>
    private static void Store(ReadOnlySpan<float> y, int n, Span<float> plane, int h, int w, int ti, int tj)
    {
        int row = 2 * ti;
        bool second = row + 1 < h;
        for (int i = 0; i < n; i++)
        {
            int col = 2 * (tj + i);
            plane[row * w + col] = y[i];
            if (second) plane[(row + 1) * w + col] = y[16 + i];
            if (col + 1 < w)
            {
                plane[row * w + col + 1] = y[8 + i];
                if (second) plane[(row + 1) * w + col + 1] = y[24 + i];
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
    /// (256 or 128 bits) and the transforms as in <see cref="Tiles"/>.
    /// </summary>
    public static void WeightTiles(ReadOnlySpan<float> x, int c, int h, int w, ReadOnlySpan<float> dy, int k, int p0, int count,
        int cols, Span<float> scratch, Span<float> partial, bool vector)
    {
        int tilesW = (w + 1) / 2;
        int sv = PositionStride(c, cols), sz = PositionStride(k, cols);
        bool transforms256 = vector && ConvGemm.UseVector;
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
                    if (transforms256) InputRunVector(px + ch * h * w, h, w, ti, tj, len, prows, RowLength(cols), pv + ch * cols, sv, p - p0);
                    else InputRun(x.Slice(ch * h * w, h * w), h, w, ti, tj, len, rows, v[(ch * cols)..], sv, p - p0);
                }
                for (int oc = 0; oc < k; oc++)
                    GradientRun(dy.Slice(oc * h * w, h * w), pdy + oc * h * w, h, w, ti, tj, len, rows, prows, RowLength(cols),
                        z[(oc * cols)..], pz + oc * cols, sz, p - p0, transforms256);
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
            for (; done + 8 <= len; done += 8)
            {
                float* e0p = prows + done, o0p = e0p + rl, e1p = o0p + rl, o1p = e1p + rl;
                var e0 = Vector256.Load(e0p); var o0 = Vector256.Load(o0p); var e1 = Vector256.Load(e1p); var o1 = Vector256.Load(o1p);
                // Columns: c0 = (e0, e0 + e1, e0 − e1, −e1), c1 = (o0, o0 + o1, o0 − o1, −o1); row a = (c0[a], c1[a]).
                float* dst = pz + q0 + done;
                SpreadVector(e0, o0, dst, stride);
                SpreadVector(e0 + e1, o0 + o1, dst + 4 * stride, stride);
                SpreadVector(e0 - e1, o0 - o1, dst + 8 * stride, stride);
                SpreadVector(-e1, -o1, dst + 12 * stride, stride);
            }
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

    /// <summary>One row (p, q) of A·dY along the row (· Aᵀ): (p, p + q, p − q, −q) at 4 consecutive positions.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void SpreadVector(Vector256<float> p, Vector256<float> q, float* dst, int stride)
    {
        p.Store(dst); (p + q).Store(dst + stride); (p - q).Store(dst + 2 * stride); (-q).Store(dst + 3 * stride);
    }

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
