using MusicGenre.Pipeline.Tsne;

namespace MusicGenre.Pipeline.Tests.Tsne;

public sealed class TsneAffinitiesTests
{
    [Theory]
    [InlineData(5.0, 40, 1)]
    [InlineData(30.0, 90, 2)]
    [InlineData(30.0, 300, 3)]
    public void CalibratedRowsHaveTheRequestedPerplexity(double perplexity, int count, int seed)
    {
        var random = new Random(seed);
        // Distances spanning several orders of magnitude, as in real feature spaces.
        double[] d = Enumerable.Range(0, count).Select(_ => Math.Exp(random.NextDouble() * 8)).ToArray();
        var p = new double[count];

        double beta = TsneAffinities.Calibrate(d, perplexity, p);

        double entropy = -p.Where(v => v > 0).Sum(v => v * Math.Log(v));
        Assert.Equal(perplexity, Math.Exp(entropy), perplexity * 1e-4);
        Assert.Equal(1.0, p.Sum(), 1e-12);
        Assert.True(beta > 0);
        // Nearer points get more probability.
        int nearest = Array.IndexOf(d, d.Min()), farthest = Array.IndexOf(d, d.Max());
        Assert.True(p[nearest] > p[farthest]);
    }

    [Fact]
    public void ExactAndNearestNeighbourAffinitiesAreSymmetricDistributions()
    {
        var (data, _) = TsneData.Blobs(3, 20, 5, 4, seed: 7);
        var x = data;
        foreach (var p in new[] { TsneAffinities.ComputeExact(x, 10), TsneAffinities.ComputeNearestNeighbours(x, 10) })
        {
            var dense = Dense(p);
            int n = p.Count;
            Assert.Equal(1.0, dense.Cast<double>().Sum(), 1e-12);
            for (int i = 0; i < n; i++)
            {
                Assert.Equal(0.0, dense[i, i]);
                for (int j = 0; j < n; j++) Assert.Equal(dense[i, j], dense[j, i], 1e-15);
            }
        }
    }

    [Fact]
    public void NearestNeighbourAffinitiesApproachExactOnesWhenAllPointsAreNeighbours()
    {
        // With n − 1 = 3·perplexity every point is in every k-NN list, so both constructions must agree.
        var (data, _) = TsneData.Blobs(2, 16, 4, 3, seed: 3);
        var x = data;
        var exact = Dense(TsneAffinities.ComputeExact(x, 31 / 3.0));
        // Both from double-precision distances (the k-NN's scalar twin), so that only the constructions are compared;
        // the vector distances are compared with the twin's in PairwiseDistancesTests.
        var knn = Dense(TsneAffinities.ComputeNearestNeighbours(x, 31 / 3.0, MusicGenre.Simd.SimdWidth.Scalar));
        Close.Assert(exact.Cast<double>().ToArray(), knn.Cast<double>().ToArray(), 1e-12, 1e-9, "P exact vs k-NN");
    }

    internal static double[,] Dense(SparseAffinities p)
    {
        var dense = new double[p.Count, p.Count];
        for (int i = 0; i < p.Count; i++)
            for (int e = p.RowStart[i]; e < p.RowStart[i + 1]; e++)
                dense[i, p.Columns[e]] += p.Values[e];
        return dense;
    }
}
