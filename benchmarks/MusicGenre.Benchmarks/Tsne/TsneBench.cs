using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using MusicGenre.Pipeline.Tsne;

namespace MusicGenre.Benchmarks.Tsne;

/// <summary>
/// t-SNE of 1,000 points × 128 dims (10 Gaussian clusters, like per-song feature vectors of a 10-genre set): one
/// gradient evaluation exact (the O(n²) scalar twin, baseline) vs Barnes-Hut θ = 0.5 on a converged layout, the
/// k-NN affinities, and the whole 1,000-iteration Barnes-Hut run.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(InProcessShortConfig))]
public class TsneBench
{
    /// <summary>
    /// A short job run in-process: on the shared, heavily loaded build machine BenchmarkDotNet's per-job project build
    /// exceeds its 2-minute limit, so the benchmarks run inside the already built host instead.
    /// </summary>
    public sealed class InProcessShortConfig : ManualConfig
    {
        public InProcessShortConfig() => AddJob(BenchJobs.Apply(Job.ShortRun.WithToolchain(InProcessEmitToolchain.Instance)));
    }

    private const int Dims = 128, Clusters = 10;
    private float[][] _data = [];
    private SparseAffinities _p = null!;
    private double[] _layout = [];
    private double[] _gradient = [];
    private BarnesHutWorkspace _workspace = null!;

    [Params(300, 1000)]
    public int Points { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        var centres = Enumerable.Range(0, Clusters).Select(_ => Enumerable.Range(0, Dims).Select(_ => random.NextDouble() * 6 - 3).ToArray()).ToArray();
        _data = Enumerable.Range(0, Points).Select(i => centres[i % Clusters].Select(c => (float)(c + Gaussian(random))).ToArray()).ToArray();
        _p = TsneAffinities.ComputeNearestNeighbours(_data, 30);
        _layout = TsneEmbedder.Embed(_data, new TsneOptions { Iterations = 400 }).Coordinates;
        _gradient = new double[_layout.Length];
        _workspace = new BarnesHutWorkspace(Points);
    }

    /// <summary>One exact gradient (all n² pairs).</summary>
    [Benchmark(Baseline = true)]
    public void GradientExact() => TsneGradient.Exact(_p, _layout, 1, _gradient);

    /// <summary>One Barnes-Hut gradient (quadtree build + traversal, θ = 0.5), buffers reused as in the optimiser.</summary>
    [Benchmark]
    public void GradientBarnesHut() => TsneGradient.BarnesHut(_p, _layout, 0.5, 1, _gradient, _workspace);

    /// <summary>Perplexity-30 affinities over the 90 nearest neighbours (brute-force k-NN + binary searches).</summary>
    [Benchmark]
    public int AffinitiesNearestNeighbours() =>
        TsneAffinities.ComputeNearestNeighbours(_data, 30).Values.Length;

    /// <summary>The whole default run: affinities and 1,000 Barnes-Hut iterations.</summary>
    [Benchmark]
    public double EmbedBarnesHut1000Iterations() => TsneEmbedder.Embed(_data, new TsneOptions()).KlDivergence;

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}

/// <summary>
/// The k-NN affinities of <c>tsne --points segment</c>: 1,000 points of 128 × 130 = 16,640 values (a 3 s log-mel segment
/// each; 10 noisy clusters), where the pairwise distances are nearly all the cost: the double-precision scalar twin
/// (baseline) vs the blocked SIMD distances at the widest width this machine runs.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(TsneBench.InProcessShortConfig))]
public class TsneNeighboursBench
{
    private const int Dims = 128 * 130, Clusters = 10;
    private float[][] _data = [];

    [Params(1000)]
    public int Points { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        var centres = Enumerable.Range(0, Clusters).Select(_ => Enumerable.Range(0, Dims).Select(_ => (float)(random.NextDouble() * -60)).ToArray()).ToArray();
        _data = Enumerable.Range(0, Points).Select(i => centres[i % Clusters].Select(c => c + (float)(random.NextDouble() * 20 - 10)).ToArray()).ToArray();
    }

    /// <summary>Distances pair by pair in double (the twin), then selection and calibration as below.</summary>
    [Benchmark(Baseline = true)]
    public int ScalarTwin() => TsneAffinities.ComputeNearestNeighbours(_data, 30, MusicGenre.Simd.SimdWidth.Scalar).Values.Length;

    /// <summary>Blocked SIMD distances (what <c>tsne</c> runs).</summary>
    [Benchmark]
    public int Vectorised() => TsneAffinities.ComputeNearestNeighbours(_data, 30).Values.Length;
}
