namespace MusicGenre.Pipeline.Tsne;

/// <summary>
/// t-distributed stochastic neighbour embedding into 2-D (van der Maaten &amp; Hinton 2008; Barnes-Hut version
/// van der Maaten 2014), written from the papers: perplexity-calibrated Gaussian affinities, Student-t similarities,
/// gradient descent with early exaggeration, momentum and per-coordinate gains. Seeded and deterministic.
/// </summary>
internal static class TsneEmbedder
{
    private const double MinGain = 0.01;
    private const double InitialScale = 1e-4;

    /// <summary>
    /// The largest input magnitude: the k-NN sums squared differences in float, one chunk of 1,024 dimensions at a time,
    /// and 1,024 · (2 · 1e16)² = 4e35 stays below float's 3.4e38.
    /// </summary>
    private const float MaxMagnitude = 1e16f;

    /// <summary>
    /// Barnes-Hut t-SNE of <paramref name="data"/> (one row per point, all rows the same length): affinities over the
    /// ⌊3·perplexity⌋ nearest neighbours, repulsion from a quadtree with <see cref="TsneOptions.Theta"/>.
    /// </summary>
    /// <example><code>TsneResult r = TsneEmbedder.Embed(features, new TsneOptions { Seed = 1 }); double x0 = r.X(0);</code></example>
    /// <exception cref="ArgumentException">Ragged, empty or non-finite data, or invalid options (all problems listed).</exception>
    public static TsneResult Embed(float[][] data, TsneOptions? options = null,
        IProgress<TsneProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        options ??= new TsneOptions();
        var p = TsneAffinities.ComputeNearestNeighbours(Prepare(data, options), options.Perplexity);
        return Optimise(p, options, exact: false, progress, cancellationToken);
    }

    /// <summary>
    /// Exact O(n²) t-SNE: dense affinities over all points and exact gradients. The scalar twin of
    /// <see cref="Embed"/>, for small n (memory grows as n²) and as the reference in tests.
    /// </summary>
    public static TsneResult EmbedExact(float[][] data, TsneOptions? options = null,
        IProgress<TsneProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        options ??= new TsneOptions();
        float[][] x = Prepare(data, options);
        if (x.Length > 5000)
            throw new ArgumentException($"EmbedExact is O(n²) in memory; {x.Length} points is too many (use Embed)", nameof(data));
        var p = TsneAffinities.ComputeExact(x, options.Perplexity);
        return Optimise(p, options, exact: true, progress, cancellationToken);
    }

    /// <summary>The optimisation loop shared by both versions; only the gradient differs.</summary>
    internal static TsneResult Optimise(SparseAffinities p, TsneOptions options, bool exact,
        IProgress<TsneProgress>? progress, CancellationToken cancellationToken)
    {
        int n = p.Count;
        var y = InitialLayout(n, options.Seed);
        var gradient = new double[2 * n];
        var update = new double[2 * n];
        var gains = new double[2 * n];
        Array.Fill(gains, 1.0);
        double learningRate = options.ResolveLearningRate(n);
        var workspace = exact ? null : new BarnesHutWorkspace(n);

        for (int iter = 0; iter < options.Iterations; iter++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            bool early = iter < options.ExaggerationIterations;
            double exaggeration = early ? options.EarlyExaggeration : 1;
            double momentum = early ? options.InitialMomentum : options.FinalMomentum;

            // 1. Gradient of KL(P‖Q) (P exaggerated early on).
            if (exact)
                TsneGradient.Exact(p, y, exaggeration, gradient);
            else
                TsneGradient.BarnesHut(p, y, options.Theta, exaggeration, gradient, workspace);

            // 2. Per-coordinate gains grow while the descent direction (−gradient) agrees with the previous update and
            //    shrink when it flips (delta-bar-delta, Jacobs 1988, as in the t-SNE reference code); then a momentum step.
            for (int k = 0; k < 2 * n; k++)
            {
                bool flipped = Math.Sign(gradient[k]) != Math.Sign(update[k]);
                gains[k] = Math.Max(flipped ? gains[k] + 0.2 : gains[k] * 0.8, MinGain);
                update[k] = momentum * update[k] - learningRate * gains[k] * gradient[k];
                y[k] += update[k];
            }

            // 3. Keep the layout centred (the cost is translation invariant).
            Center(y);

            if (progress is not null && ((iter + 1) % options.ReportEvery == 0 || iter + 1 == options.Iterations))
                progress.Report(new TsneProgress(iter + 1, options.Iterations, Kl(p, y, options, exact)));
        }

        return new TsneResult(y, Kl(p, y, options, exact), options.Iterations);
    }

    private static double Kl(SparseAffinities p, double[] y, TsneOptions options, bool exact)
    {
        if (exact)
            return TsneGradient.ExactKl(p, y);
        var scratch = new double[y.Length];
        double z = TsneGradient.BarnesHut(p, y, options.Theta, 1, scratch);
        return TsneGradient.KlGivenZ(p, y, z);
    }

    /// <summary>Gaussian initial layout, standard deviation 1e-4, from a seeded generator (Box–Muller).</summary>
    internal static double[] InitialLayout(int n, int seed)
    {
        var random = new Random(seed);
        var y = new double[2 * n];
        for (int k = 0; k < y.Length; k += 2)
        {
            double u1 = 1 - random.NextDouble(), u2 = random.NextDouble();
            double r = Math.Sqrt(-2 * Math.Log(u1));
            y[k] = InitialScale * r * Math.Cos(2 * Math.PI * u2);
            y[k + 1] = InitialScale * r * Math.Sin(2 * Math.PI * u2);
        }
        return y;
    }

    private static void Center(double[] y)
    {
        int n = y.Length / 2;
        double mx = 0, my = 0;
        for (int i = 0; i < n; i++) { mx += y[2 * i]; my += y[2 * i + 1]; }
        mx /= n; my /= n;
        for (int i = 0; i < n; i++) { y[2 * i] -= mx; y[2 * i + 1] -= my; }
    }

    /// <summary>Validates the input (the rows are used as they are: no copy, which for 10,000 segments of 16,640 values
    /// would be 0.7 GB in float and twice that in double).</summary>
    private static float[][] Prepare(float[][] data, TsneOptions options)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.Length == 0)
            throw new ArgumentException("t-SNE input has no points", nameof(data));
        int dims = data[0]?.Length ?? 0;
        if (dims == 0)
            throw new ArgumentException("t-SNE input row 0 is empty or null", nameof(data));
        for (int i = 0; i < data.Length; i++)
        {
            var row = data[i];
            if (row is null || row.Length != dims)
                throw new ArgumentException($"t-SNE input row {i} has {row?.Length ?? 0} values, expected {dims} like row 0", nameof(data));
            if (MusicGenre.Simd.SampleScan.IndexOfOutside(row, MaxMagnitude) is var d and >= 0)
                throw new ArgumentException(float.IsFinite(row[d])
                    ? $"t-SNE input row {i} column {d} is {row[d]}; values must lie within ±1e16 (squared differences are summed in float); scale the input"
                    : $"t-SNE input row {i} column {d} is {row[d]}; values must be finite", nameof(data));
        }
        options.Validate(data.Length);
        return data;
    }
}
