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
        PairwiseDistances.Band(x, 0, n, twin, SimdWidth.Scalar);
        foreach (var (first, rows) in new[] { (0, 69), (0, 33), (33, 36), (68, 1), (5, 6) })
        {
            var band = new double[rows * n];
            PairwiseDistances.Band(x, first, rows, band, width);
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
        PairwiseDistances.Band(x, 0, n, whole, width);
        var one = new double[n];
        for (int i = 0; i < n; i++)
        {
            PairwiseDistances.Band(x, i, 1, one, width);
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
            TsneAffinities.Nearest(d, self, neighbours, nearest);
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
}
