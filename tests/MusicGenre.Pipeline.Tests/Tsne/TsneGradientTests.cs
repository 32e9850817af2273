using MusicGenre.Pipeline.Tsne;

namespace MusicGenre.Pipeline.Tests.Tsne;

public sealed class TsneGradientTests
{
    [Theory]
    [InlineData(12, 1)]
    [InlineData(40, 2)]
    public void ExactGradientMatchesFiniteDifferencesOfKl(int n, int seed)
    {
        var (data, _) = TsneData.Blobs(3, n / 3, 6, 3, seed);
        var p = TsneAffinities.ComputeExact(data, 3);
        double[] y = TsneData.Layout(p.Count, 2, seed + 100);
        var gradient = new double[y.Length];
        TsneGradient.Exact(p, y, 1, gradient);

        // Central differences of the cost (double precision, h = 1e-6).
        var numeric = new double[y.Length];
        const double h = 1e-6;
        for (int k = 0; k < y.Length; k++)
        {
            double saved = y[k];
            y[k] = saved + h; double plus = TsneGradient.ExactKl(p, y);
            y[k] = saved - h; double minus = TsneGradient.ExactKl(p, y);
            y[k] = saved;
            numeric[k] = (plus - minus) / (2 * h);
        }
        Close.Assert(numeric, gradient, 1e-7, 1e-5, "dKL/dy");
    }

    [Theory]
    [InlineData(30, 5.0, 11)]
    [InlineData(120, 10.0, 12)]
    [InlineData(257, 30.0, 13)]
    public void BarnesHutWithThetaZeroEqualsExact(int n, double perplexity, int seed)
    {
        var (data, _) = TsneData.Blobs(4, (n + 3) / 4, 8, 4, seed);
        var p = TsneAffinities.ComputeNearestNeighbours(data[..n], perplexity);
        double[] y = TsneData.Layout(n, 5, seed);
        var exact = new double[2 * n];
        var bh = new double[2 * n];

        double zExact = TsneGradient.Exact(p, y, 4, exact);
        double zTree = TsneGradient.BarnesHut(p, y, 0, 4, bh);

        Assert.Equal(zExact, zTree, zExact * 1e-12);
        Close.Assert(exact, bh, 1e-13, 1e-9, "gradient θ=0");
    }

    [Theory]
    [InlineData(200, 21)]
    [InlineData(500, 22)]
    public void BarnesHutWithThetaHalfApproximatesExactGradientAndKl(int n, int seed)
    {
        var (data, _) = TsneData.Blobs(5, n / 5, 10, 5, seed);
        var p = TsneAffinities.ComputeNearestNeighbours(data, 15);
        // A spread-out layout like the ones seen mid-optimisation, where the approximation actually summarises cells.
        double[] y = TsneData.Layout(n, 20, seed);
        var exact = new double[2 * n];
        var bh = new double[2 * n];

        double zExact = TsneGradient.Exact(p, y, 1, exact);
        double zTree = TsneGradient.BarnesHut(p, y, 0.5, 1, bh);

        // Relative L2 error of the whole gradient, and relative error of Z and of the KL divergence.
        double err = Math.Sqrt(exact.Zip(bh, (e, a) => (e - a) * (e - a)).Sum() / exact.Sum(e => e * e));
        Assert.True(err < 0.05, $"relative gradient error {err:G3} ≥ 0.05");
        Assert.True(err > 0, "θ = 0.5 summarised no cell, so this test does not exercise the approximation");
        Assert.Equal(zExact, zTree, zExact * 0.02);
        double klExact = TsneGradient.ExactKl(p, y), klTree = TsneGradient.KlGivenZ(p, y, zTree);
        Assert.Equal(klExact, klTree, Math.Abs(klExact) * 0.02);
    }

    [Fact]
    public void QuadTreeHandlesDuplicatesAndNearDuplicates()
    {
        // Ten copies of one point, two points 1e-300 apart, and a spread of others.
        var y = new List<double>();
        for (int i = 0; i < 10; i++) y.AddRange([1.5, -2.0]);
        y.AddRange([0.0, 0.0, 1e-300, 0.0]);
        y.AddRange(TsneData.Layout(30, 3, 5));
        double[] layout = [.. y];
        int n = layout.Length / 2;
        var tree = new QuadTree(layout);
        Assert.Equal(n, tree.RootCount);

        for (int i = 0; i < n; i++)
        {
            tree.Repulsion(layout[2 * i], layout[2 * i + 1], 0, out double sumQ, out double fx, out double fy);
            double bq = 0, bx = 0, by = 0;
            for (int j = 0; j < n; j++)
            {
                double dx = layout[2 * i] - layout[2 * j], dy = layout[2 * i + 1] - layout[2 * j + 1];
                double q = 1 / (1 + dx * dx + dy * dy);
                bq += q; bx += q * q * dx; by += q * q * dy;
            }
            Assert.Equal(bq, sumQ, 1e-9);
            Assert.Equal(bx, fx, 1e-9);
            Assert.Equal(by, fy, 1e-9);
        }
    }
}
