using MusicGenre.Pipeline.Tsne;
using MusicGenre.Simd;

namespace MusicGenre.Pipeline.Tests.Tsne;

public sealed class PairwiseDistancesTests
{
    /// <summary>Float lanes of each vector width (16, 8, 4 = <see cref="SimdWidth"/>'s values; 512-bit code also runs without AVX-512).</summary>
    public static TheoryData<int> Widths => new() { 16, 8, 4 };

    /// <summary>
    /// Random rows of log-mel-like values with a length that spans two chunks and ends in a tail shorter than any
    /// register (2,061 = 2 × 1,024 + 13), 69 points (a column block and a part one of 5 columns, so a 1-column edge tile;
    /// bands not a multiple of the 4-row tile): every distance of every band within 1e-5 (relative) of the double twin's.
    /// </summary>
    [Theory]
    [MemberData(nameof(Widths))]
    public void EveryWidth_MatchesTheScalarTwin(int lanes)
    {
        var width = (SimdWidth)lanes;
        float[][] x = Rows(69, 2 * PairwiseDistances.ChunkFloats + 13, seed: 1);
        int n = x.Length;
        var twin = new double[n * n];
        PairwiseDistances.Band(x, 0, n, 0, twin, SimdWidth.Scalar);
        foreach (var (first, rows) in new[] { (0, 69), (0, 33), (33, 36), (68, 1), (5, 6) })
        {
            var band = new double[rows * n];
            PairwiseDistances.Band(x, first, rows, 0, band, width);
            for (int r = 0; r < rows; r++)
                for (int j = 0; j < n; j++)
                {
                    double expected = twin[(first + r) * n + j];
                    Assert.True(Math.Abs(band[r * n + j] - expected) <= 1e-5 * expected,
                        $"{width}: d({first + r}, {j}) = {band[r * n + j]}, twin {expected}");
                }
        }
    }

    /// <summary>
    /// A pair's distance does not depend on which band or tile position computed it (bit for bit, so the k-NN lists do
    /// not depend on the thread count), the matrix is symmetric bit for bit, and the diagonal is exactly 0.
    /// </summary>
    [Theory]
    [MemberData(nameof(Widths))]
    public void APairsDistance_IsTheSameInEveryBand_AndSymmetric(int lanes)
    {
        var width = (SimdWidth)lanes;
        float[][] x = Rows(67, 1100, seed: 2);
        int n = x.Length;
        var whole = new double[n * n];
        PairwiseDistances.Band(x, 0, n, 0, whole, width);
        var one = new double[n];
        for (int i = 0; i < n; i++)
        {
            PairwiseDistances.Band(x, i, 1, 0, one, width);
            for (int j = 0; j < n; j++)
            {
                Assert.Equal(BitConverter.DoubleToInt64Bits(whole[i * n + j]), BitConverter.DoubleToInt64Bits(one[j]));
                Assert.Equal(BitConverter.DoubleToInt64Bits(whole[i * n + j]), BitConverter.DoubleToInt64Bits(whole[j * n + i]));
            }
            Assert.Equal(0.0, whole[i * n + i]);
        }
    }

    /// <summary>
    /// The k nearest are those of a full sort by (distance, index), excluding the point itself: here with many equal
    /// distances (small integers), where the lower index must win, for k from 1 to n − 1.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(30)]
    [InlineData(49)]
    public void Nearest_IsTheFullSortsPrefix_TiesToTheLowerIndex(int k)
    {
        var random = new Random(k);
        for (int trial = 0; trial < 20; trial++)
        {
            double[] d = Enumerable.Range(0, 50).Select(_ => (double)random.Next(6)).ToArray();
            int self = random.Next(50);
            var neighbours = new int[k];
            var nearest = new double[k];
            var heap = new TsneAffinities.NeighbourHeap(k);
            for (int j = 0; j < d.Length; j++)
                if (j != self) heap.Push(d[j], j);
            heap.CopySorted(neighbours, nearest);
            var expected = Enumerable.Range(0, 50).Where(j => j != self).OrderBy(j => d[j]).ThenBy(j => j).Take(k).ToArray();
            Assert.Equal(expected, neighbours);
            Assert.Equal(expected.Select(j => d[j]), nearest);
        }
    }

    /// <summary>
    /// The k-NN affinities at every width equal the scalar twin's (the same neighbour lists; probabilities within
    /// 1e-4 relative or 1e-12 absolute, see below) on clustered wide points.
    /// </summary>
    [Theory]
    [MemberData(nameof(Widths))]
    public void NearestNeighbourAffinities_MatchTheTwin(int lanes)
    {
        var width = (SimdWidth)lanes;
        var (data, _) = TsneData.Blobs(5, 30, 1500, 3, seed: 4);
        var twin = TsneAffinities.ComputeNearestNeighbours(data, 10, SimdWidth.Scalar);
        var fast = TsneAffinities.ComputeNearestNeighbours(data, 10, width);
        Assert.Equal(twin.RowStart, fast.RowStart);
        Assert.Equal(twin.Columns, fast.Columns);
        // The distances agree to ~1e-7 (float lanes vs double); each row's bisection stops within 1e-5 of the target
        // entropy, so a nearby distance can stop it one step apart: probabilities agree to ~1e-5, not to the last bit
        // (far neighbours' ~1e-43, exp(−β·d) with β·d ≈ 100, agree in absolute terms only).
        Close.Assert(twin.Values, fast.Values, 1e-12, 1e-4, $"P at {width}");
    }

    private static float[][] Rows(int n, int dims, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, n).Select(_ => Enumerable.Range(0, dims).Select(_ => (float)(random.NextDouble() * -80)).ToArray()).ToArray();
    }

    /// <summary>
    /// The k-NN computes each pair once (a band against the columns from its first row on) and hands it to both points:
    /// the non-zero pattern of P is exactly "j among the k nearest of i, or i among the k nearest of j", with the k nearest
    /// found here by sorting every row of the twin's distances — over 150 points (five bands, so most candidates of a row
    /// come from other bands), at the twin's width and the widest.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(16)]
    public void NearestNeighbourPattern_IsThatOfSortedRows_AcrossBands(int lanes)
    {
        var (data, _) = TsneData.Blobs(6, 25, 40, 2, seed: 9);
        int n = data.Length, k = 30;
        var p = TsneAffinities.ComputeNearestNeighbours(data, 10, (SimdWidth)lanes);
        var nearest = Enumerable.Range(0, n).Select(i => Enumerable.Range(0, n).Where(j => j != i)
            .OrderBy(j => PairwiseDistances.Scalar(data[i], data[j])).ThenBy(j => j).Take(k).ToHashSet()).ToArray();
        for (int i = 0; i < n; i++)
        {
            var expected = Enumerable.Range(0, n).Where(j => nearest[i].Contains(j) || nearest[j].Contains(i)).ToArray();
            Assert.Equal(expected, p.Columns[p.RowStart[i]..p.RowStart[i + 1]]);
        }
    }

    /// <summary>A band that starts at a later column holds the same bits as the whole band's columns there.</summary>
    [Theory]
    [MemberData(nameof(Widths))]
    public void ABandFromALaterColumn_HoldsTheSameBits(int lanes)
    {
        var width = (SimdWidth)lanes;
        float[][] x = Rows(131, 1030, seed: 5);
        int n = x.Length;
        var whole = new double[32 * n];
        PairwiseDistances.Band(x, 40, 32, 0, whole, width);
        foreach (int firstColumn in new[] { 40, 41, 67, 130, 131 })
        {
            int columns = n - firstColumn;
            var part = new double[32 * columns];
            PairwiseDistances.Band(x, 40, 32, firstColumn, part, width);
            for (int r = 0; r < 32; r++)
                for (int c = 0; c < columns; c++)
                    Assert.Equal(BitConverter.DoubleToInt64Bits(whole[r * n + firstColumn + c]), BitConverter.DoubleToInt64Bits(part[r * columns + c]));
        }
    }

    /// <summary>The heap keeps the same k whatever order the candidates arrive in (rows get them from several threads).</summary>
    [Fact]
    public void NeighbourHeap_DoesNotDependOnTheOrderOfCandidates()
    {
        var random = new Random(3);
        double[] d = Enumerable.Range(0, 200).Select(_ => (double)random.Next(20)).ToArray();
        int[] expected = [], first = [];
        for (int trial = 0; trial < 10; trial++)
        {
            var heap = new TsneAffinities.NeighbourHeap(25);
            foreach (int j in Enumerable.Range(0, 200).OrderBy(_ => random.Next())) heap.Push(d[j], j);
            var neighbours = new int[25];
            heap.CopySorted(neighbours, new double[25]);
            if (trial == 0) { first = neighbours; expected = Enumerable.Range(0, 200).OrderBy(j => d[j]).ThenBy(j => j).Take(25).ToArray(); }
            Assert.Equal(expected, neighbours);
            Assert.Equal(first, neighbours);
        }
    }
}
