namespace MusicGenre.Pipeline.Tests.Tsne;

/// <summary>Seeded synthetic inputs for the t-SNE tests.</summary>
internal static class TsneData
{
    /// <summary>
    /// <paramref name="clusters"/> isotropic Gaussian blobs (σ = 1) in <paramref name="dims"/> dimensions whose centres
    /// are random points with coordinates in ±<paramref name="spread"/>; returns rows and their cluster labels.
    /// </summary>
    public static (float[][] Data, int[] Labels) Blobs(int clusters, int perCluster, int dims, double spread, int seed)
    {
        var random = new Random(seed);
        var centres = new double[clusters][];
        for (int c = 0; c < clusters; c++)
            centres[c] = Enumerable.Range(0, dims).Select(_ => (random.NextDouble() * 2 - 1) * spread).ToArray();
        var data = new float[clusters * perCluster][];
        var labels = new int[data.Length];
        for (int i = 0; i < data.Length; i++)
        {
            int c = i % clusters; // interleaved so that labels are not sorted by index
            labels[i] = c;
            data[i] = centres[c].Select(v => (float)(v + Gaussian(random))).ToArray();
        }
        return (data, labels);
    }

    /// <summary>A random 2-D layout row-major <c>[n, 2]</c>.</summary>
    public static double[] Layout(int n, double scale, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, 2 * n).Select(_ => Gaussian(random) * scale).ToArray();
    }

    private static double Gaussian(Random random)
    {
        double u1 = 1 - random.NextDouble(), u2 = random.NextDouble();
        return Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }
}
