using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using MusicGenre.Simd;

namespace MusicGenre.Pipeline.Tsne;

/// <summary>
/// Squared Euclidean distances between the rows of a point set, the k-NN search's whole cost for wide points (a segment's
/// flattened log-mel has 128 × 130 = 16,640 values). <see cref="Scalar"/> is the twin: one pair at a time, in double.
/// <see cref="Band"/> computes a band of rows against every row from a
/// given one on (the k-NN computes each pair once), blocked so the data it reuses stays in the cache:
/// <list type="number">
/// <item>dimensions in chunks of <see cref="ChunkFloats"/> (4 KB of a row), columns in blocks of <see cref="ColumnBlock"/>:
///   a 4-row group's chunk is reused against the block's 64 rows, and the block's chunks (256 KB) against all the
///   band's row groups, instead of streaming two whole rows (133 KB) per pair;</item>
/// <item>a 4 × 2 micro-tile of pairs: 8 accumulator registers, lanes = consecutive dimensions; per step 6 loads feed 8
///   subtractions and 8 fused multiply-adds (4 + 2 rows loaded once, each used 2 or 4 times);</item>
/// <item>per pair and chunk, the lanes are added in lane order (a dimension tail shorter than a register is added
///   after them, one value at a time, in float) and the chunk's sum joins the pair's double total.</item>
/// </list>
/// Every pair is summed the same way wherever it lies in a tile (a tile at the edge repeats its last row or column,
/// whose results it drops), so the matrix does not depend on the band split or the thread count, and d(i, j) = d(j, i)
/// bit for bit ((a − b)² = (b − a)² exactly).
/// </summary>
internal static class PairwiseDistances
{
    /// <summary>Dimensions summed per pass (a multiple of every register width).</summary>
    internal const int ChunkFloats = 1024;

    /// <summary>Columns (other points) per block.</summary>
    internal const int ColumnBlock = 64;

    private const int TileRows = 4, TileColumns = 2;

    /// <summary>The scalar twin: |a − b|² summed in double, dimension by dimension.</summary>
    public static double Scalar(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        double s = 0;
        for (int d = 0; d < a.Length; d++)
        {
            double diff = (double)a[d] - b[d];
            s += diff * diff;
        }
        return s;
    }

    /// <summary>
    /// <paramref name="distances"/>[r · (n − c0) + j − c0] = |x[<paramref name="firstRow"/> + r] − x[j]|² for
    /// r &lt; <paramref name="rowCount"/> and every j from c0 = <paramref name="firstColumn"/> to n = <c>x.Length</c> (the
    /// diagonal, where included, is 0). All rows must have the same length. A pair's value is the same bits whatever band
    /// and columns it is computed in (so a caller may compute each pair once and use it for both points).
    /// <see cref="SimdWidth.Scalar"/> runs <see cref="Scalar"/> for every pair; callers pass <see cref="SimdWidths.Best"/> otherwise.
    /// </summary>
    public static void Band(float[][] x, int firstRow, int rowCount, int firstColumn, Span<double> distances, SimdWidth width)
    {
        int n = x.Length, columns = n - firstColumn;
        if (firstRow < 0 || rowCount < 0 || firstRow + rowCount > n) throw new ArgumentOutOfRangeException(nameof(firstRow));
        if (firstColumn < 0 || firstColumn > n) throw new ArgumentOutOfRangeException(nameof(firstColumn));
        if (distances.Length < (long)rowCount * columns) throw new ArgumentException("distance band too short", nameof(distances));
        // The vector tiles read rows through unchecked references: every row must have row 0's length.
        foreach (var row in x)
            if (row.Length != x[0].Length) throw new ArgumentException($"rows of {row.Length} and {x[0].Length} values", nameof(x));
        if (width == SimdWidth.Scalar)
        {
            for (int r = 0; r < rowCount; r++)
                for (int j = firstColumn; j < n; j++) distances[r * columns + j - firstColumn] = Scalar(x[firstRow + r], x[j]);
            return;
        }
        distances[..(rowCount * columns)].Clear();
        switch (width) // as given: Vector512 code also runs (slowly) without AVX-512, so tests cover every width anywhere
        {
            case SimdWidth.V512: Blocked<Vector512<float>, Vec512Ops>(x, firstRow, rowCount, firstColumn, distances); break;
            case SimdWidth.V256: Blocked<Vector256<float>, Vec256Ops>(x, firstRow, rowCount, firstColumn, distances); break;
            case SimdWidth.V128: Blocked<Vector128<float>, Vec128Ops>(x, firstRow, rowCount, firstColumn, distances); break;
            default: throw new ArgumentOutOfRangeException(nameof(width), width, "not a SIMD width");
        }
    }

    private static void Blocked<TV, TOps>(float[][] x, int firstRow, int rowCount, int firstColumn, Span<double> distances)
        where TV : struct where TOps : ISimdOps<TV>
    {
        int n = x.Length, dims = x[0].Length;
        for (int c0 = firstColumn; c0 < n; c0 += ColumnBlock)
        {
            int c1 = Math.Min(n, c0 + ColumnBlock);
            for (int k0 = 0; k0 < dims; k0 += ChunkFloats)
            {
                int length = Math.Min(ChunkFloats, dims - k0);
                for (int r = 0; r < rowCount; r += TileRows)
                    for (int c = c0; c < c1; c += TileColumns)
                        Tile<TV, TOps>(x, firstRow, r, Math.Min(TileRows, rowCount - r), c, Math.Min(TileColumns, c1 - c), k0, length,
                            distances, n - firstColumn, firstColumn);
            }
        }
    }

    /// <summary>
    /// Adds the chunk [k0, k0 + length) of the squared distances between band rows r .. r + rows − 1 and columns
    /// c .. c + columns − 1 to <paramref name="distances"/>. A missing row or column repeats the last one (computed, not stored).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Tile<TV, TOps>(float[][] x, int firstRow, int r, int rows, int c, int columns, int k0, int length,
        Span<double> distances, int stride, int firstColumn)
        where TV : struct where TOps : ISimdOps<TV>
    {
        ref float a0 = ref Row(x, firstRow + r, k0);
        ref float a1 = ref Row(x, firstRow + r + Math.Min(1, rows - 1), k0);
        ref float a2 = ref Row(x, firstRow + r + Math.Min(2, rows - 1), k0);
        ref float a3 = ref Row(x, firstRow + r + Math.Min(3, rows - 1), k0);
        ref float b0 = ref Row(x, c, k0);
        ref float b1 = ref Row(x, c + Math.Min(1, columns - 1), k0);

        // 1. Whole registers: lane l of accumulator (i, j) sums the dimensions ≡ l (mod Count) of the chunk.
        TV zero = TOps.Broadcast(0);
        TV s00 = zero, s01 = zero, s10 = zero, s11 = zero, s20 = zero, s21 = zero, s30 = zero, s31 = zero;
        int w = TOps.Count, whole = length - length % w;
        for (nuint k = 0; k < (nuint)whole; k += (nuint)w)
        {
            TV v0 = TOps.Load(ref b0, k), v1 = TOps.Load(ref b1, k);
            TV u = TOps.Load(ref a0, k);
            TV d0 = TOps.Sub(u, v0), d1 = TOps.Sub(u, v1);
            s00 = TOps.MulAdd(d0, d0, s00); s01 = TOps.MulAdd(d1, d1, s01);
            u = TOps.Load(ref a1, k);
            d0 = TOps.Sub(u, v0); d1 = TOps.Sub(u, v1);
            s10 = TOps.MulAdd(d0, d0, s10); s11 = TOps.MulAdd(d1, d1, s11);
            u = TOps.Load(ref a2, k);
            d0 = TOps.Sub(u, v0); d1 = TOps.Sub(u, v1);
            s20 = TOps.MulAdd(d0, d0, s20); s21 = TOps.MulAdd(d1, d1, s21);
            u = TOps.Load(ref a3, k);
            d0 = TOps.Sub(u, v0); d1 = TOps.Sub(u, v1);
            s30 = TOps.MulAdd(d0, d0, s30); s31 = TOps.MulAdd(d1, d1, s31);
        }

        // 2. Lanes in order, then the tail (only the last chunk of a row whose length is not a multiple of Count).
        Span<float> lanes = stackalloc float[TileRows * TileColumns * 16];
        ref float l0 = ref MemoryMarshal.GetReference(lanes);
        TOps.Store(s00, ref l0, 0 * 16); TOps.Store(s01, ref l0, 1 * 16);
        TOps.Store(s10, ref l0, 2 * 16); TOps.Store(s11, ref l0, 3 * 16);
        TOps.Store(s20, ref l0, 4 * 16); TOps.Store(s21, ref l0, 5 * 16);
        TOps.Store(s30, ref l0, 6 * 16); TOps.Store(s31, ref l0, 7 * 16);
        for (int i = 0; i < rows; i++)
        {
            ref float a = ref (i == 0 ? ref a0 : ref i == 1 ? ref a1 : ref i == 2 ? ref a2 : ref a3);
            for (int j = 0; j < columns; j++)
            {
                ref float b = ref (j == 0 ? ref b0 : ref b1);
                var lane = lanes.Slice((i * TileColumns + j) * 16, w);
                float sum = 0;
                foreach (float v in lane) sum += v;
                for (int k = whole; k < length; k++)
                {
                    float d = Unsafe.Add(ref a, k) - Unsafe.Add(ref b, k);
                    sum = MathF.FusedMultiplyAdd(d, d, sum);
                }
                distances[(r + i) * stride + c + j - firstColumn] += sum;
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ref float Row(float[][] x, int row, int k0) =>
        ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(x[row]), k0);
}
