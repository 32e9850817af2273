using MusicGenre.Pipeline.Tsne;

namespace MusicGenre.Pipeline.Tests.Tsne;

public sealed class TsneTests
{
    [Fact]
    public void WellSeparatedClustersStaySeparated()
    {
        // 6 blobs × 50 points in 40-D; σ = 1 inside a blob, centres ~±10 apart per coordinate.
        var (data, labels) = TsneData.Blobs(6, 50, 40, 10, seed: 1);
        var result = TsneEmbedder.Embed(data, new TsneOptions { Seed = 3, Iterations = 600 });

        double trust = TsneQuality.Trustworthiness(data, result, 10);
        double agreement = TsneQuality.NeighbourLabelAgreement(result, labels, 10);
        Assert.True(trust > 0.9, $"trustworthiness {trust:F3} ≤ 0.9");
        Assert.True(agreement > 0.98, $"10-NN label agreement {agreement:F3} ≤ 0.98");
        Assert.True(result.KlDivergence is > 0 and < 3, $"KL {result.KlDivergence}");

        // Every cluster's centroid is farther from the other centroids than the cluster's own radius (pairwise gap).
        var centroids = Enumerable.Range(0, 6).Select(c => Centroid(result, labels, c)).ToArray();
        for (int a = 0; a < 6; a++)
        {
            double radius = Enumerable.Range(0, labels.Length).Where(i => labels[i] == a)
                .Max(i => Distance(result.X(i), result.Y(i), centroids[a].X, centroids[a].Y));
            for (int b = 0; b < 6; b++)
                if (a != b) Assert.True(Distance(centroids[a].X, centroids[a].Y, centroids[b].X, centroids[b].Y) > radius,
                    $"cluster {b}'s centre lies inside cluster {a}");
        }
    }

    [Fact]
    public void MetricsRejectAMeaninglessLayout()
    {
        // The same checks on a random layout must fail, so the thresholds above mean something.
        var (data, labels) = TsneData.Blobs(6, 50, 40, 10, seed: 1);
        var random = new TsneResult(TsneData.Layout(data.Length, 1, seed: 9), 0, 0);
        Assert.True(TsneQuality.Trustworthiness(data, random, 10) < 0.7);
        Assert.True(TsneQuality.NeighbourLabelAgreement(random, labels, 10) < 0.4);
    }

    [Fact]
    public void ExactTwinAlsoSeparatesClustersAndAgreesWithBarnesHut()
    {
        var (data, labels) = TsneData.Blobs(4, 25, 20, 8, seed: 5);
        var options = new TsneOptions { Perplexity = 10, Seed = 2, Iterations = 500 };

        var exact = TsneEmbedder.EmbedExact(data, options);
        var bh = TsneEmbedder.Embed(data, options);

        foreach (var (name, r) in new[] { ("exact", exact), ("barnes-hut", bh) })
        {
            double trust = TsneQuality.Trustworthiness(data, r, 7), agreement = TsneQuality.NeighbourLabelAgreement(r, labels, 7);
            Assert.True(trust > 0.9 && agreement > 0.97, $"{name}: trustworthiness {trust:F3}, 7-NN label agreement {agreement:F3}, KL {r.KlDivergence:F3}");
        }
        // Both reach a similar cost (the k-NN P drops far pairs and θ = 0.5 approximates, so close but not equal).
        Assert.Equal(exact.KlDivergence, bh.KlDivergence, 0.05);
    }

    [Fact]
    public void SameSeedIsBitIdenticalAndOtherSeedsDiffer()
    {
        var (data, _) = TsneData.Blobs(3, 30, 10, 5, seed: 4);
        var options = new TsneOptions { Perplexity = 15, Iterations = 300, Seed = 11 };
        var a = TsneEmbedder.Embed(data, options);
        var b = TsneEmbedder.Embed(data, options);
        var c = TsneEmbedder.Embed(data, new TsneOptions { Perplexity = 15, Iterations = 300, Seed = 12 });
        Assert.Equal(a.Coordinates, b.Coordinates);
        Assert.NotEqual(a.Coordinates, c.Coordinates);
    }

    [Fact]
    public void ProgressReportsFallingKlAndCancellationStops()
    {
        var (data, _) = TsneData.Blobs(3, 30, 10, 5, seed: 4);
        var reports = new List<TsneProgress>();
        TsneEmbedder.Embed(data, new TsneOptions { Perplexity = 15, Iterations = 400, ReportEvery = 100 }, new SyncProgress<TsneProgress>(reports.Add));
        Assert.Equal([100, 200, 300, 400], reports.Select(r => r.Iteration).ToArray());
        Assert.True(reports[^1].KlDivergence < reports[1].KlDivergence);

        using var cts = new CancellationTokenSource();
        cts.Cancel();
        Assert.Throws<OperationCanceledException>(() => TsneEmbedder.Embed(data, new TsneOptions { Perplexity = 15 }, null, cts.Token));
    }

    [Fact]
    public void BadInputGivesClearErrors()
    {
        float[][] ragged = [[1, 2], [3], [4, 5], [6, 7], [8, 9]];
        Assert.Contains("row 1 has 1 values", Assert.Throws<ArgumentException>(() => TsneEmbedder.Embed(ragged)).Message);

        float[][] nan = [[1, 2], [3, float.NaN], [4, 5], [6, 7], [8, 9]];
        Assert.Contains("row 1 column 1 is NaN", Assert.Throws<ArgumentException>(() => TsneEmbedder.Embed(nan)).Message);

        float[][] huge = [[1, 2], [3, 4], [4, 5], [6, -3e16f], [8, 9]];
        Assert.Contains("row 3 column 1 is -3E+16; values must lie within ±1e16", Assert.Throws<ArgumentException>(() => TsneEmbedder.Embed(huge)).Message);

        var (data, _) = TsneData.Blobs(2, 10, 3, 3, seed: 1);
        // A perplexity under 1/3 leaves no neighbours (⌊3 × 0.2⌋ = 0): refused, not an index error deep inside.
        Assert.Contains("Perplexity 0.2 is too small", Assert.Throws<ArgumentException>(() => TsneEmbedder.Embed(data, new TsneOptions { Perplexity = 0.2 })).Message);
        var e = Assert.Throws<ArgumentException>(() => TsneEmbedder.Embed(data, new TsneOptions { Theta = 2, Iterations = 0 }));
        Assert.Contains("Perplexity 30 is too large for 20 points", e.Message);
        Assert.Contains("Theta", e.Message);
        Assert.Contains("Iterations", e.Message);
    }

    [Fact]
    public void TrustworthinessOfTheInputItselfIsOne()
    {
        // Embedding 2-D data as itself keeps every neighbourhood.
        var (data, _) = TsneData.Blobs(3, 20, 2, 5, seed: 8);
        var identity = new TsneResult(data.SelectMany(r => new double[] { r[0], r[1] }).ToArray(), 0, 0);
        Assert.Equal(1.0, TsneQuality.Trustworthiness(data, identity, 5), 12);
    }

    private static (double X, double Y) Centroid(TsneResult r, int[] labels, int c)
    {
        var members = Enumerable.Range(0, labels.Length).Where(i => labels[i] == c).ToArray();
        return (members.Average(r.X), members.Average(r.Y));
    }

    private static double Distance(double ax, double ay, double bx, double by) => Math.Sqrt((ax - bx) * (ax - bx) + (ay - by) * (ay - by));

}
