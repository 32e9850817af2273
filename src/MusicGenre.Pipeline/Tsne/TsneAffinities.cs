using System.Diagnostics;

namespace MusicGenre.Pipeline.Tsne;

/// <summary>
/// Input-space affinities of t-SNE: a Gaussian per point whose precision β = 1/(2σ²) is found by binary search so the
/// conditional distribution has the requested perplexity, then symmetrised to joint probabilities
/// p_ij = (p_j|i + p_i|j) / 2n. Squared Euclidean distances throughout.
/// </summary>
internal static class TsneAffinities
{
    private const double EntropyTolerance = 1e-5;
    private const int MaxSearchSteps = 200;

    /// <summary>
    /// Fills <paramref name="probabilities"/> with p_j|i ∝ exp(−β·d_j) for the squared distances <paramref name="squaredDistances"/>
    /// (self excluded by the caller) such that exp(entropy) = <paramref name="perplexity"/>; returns β.
    /// </summary>
    public static double Calibrate(ReadOnlySpan<double> squaredDistances, double perplexity, Span<double> probabilities)
    {
        Debug.Assert(squaredDistances.Length == probabilities.Length && squaredDistances.Length > 0);

        // 1. Shift by the smallest distance: it cancels in the normalisation and keeps exp() from underflowing.
        double minD = double.PositiveInfinity;
        foreach (double d in squaredDistances) minD = Math.Min(minD, d);

        // 2. Bisection on β (doubling/halving while unbounded) until the entropy H = ln Σ + β·E[d] matches ln(perplexity).
        double target = Math.Log(perplexity);
        double beta = 1, lo = double.NegativeInfinity, hi = double.PositiveInfinity;
        for (int step = 0; step < MaxSearchSteps; step++)
        {
            double sum = 0, weighted = 0;
            for (int j = 0; j < squaredDistances.Length; j++)
            {
                double shifted = squaredDistances[j] - minD;
                double p = Math.Exp(-beta * shifted);
                probabilities[j] = p;
                sum += p;
                weighted += p * shifted;
            }
            double entropy = Math.Log(sum) + beta * weighted / sum;
            double diff = entropy - target;
            if (Math.Abs(diff) < EntropyTolerance)
                break;

            // Entropy too high → distribution too flat → sharpen (raise β); too low → widen.
            if (diff > 0)
            {
                lo = beta;
                beta = double.IsPositiveInfinity(hi) ? beta * 2 : (beta + hi) / 2;
            }
            else
            {
                hi = beta;
                beta = double.IsNegativeInfinity(lo) ? beta / 2 : (beta + lo) / 2;
            }
        }

        // 3. Normalise to a distribution.
        double total = 0;
        foreach (double p in probabilities) total += p;
        for (int j = 0; j < probabilities.Length; j++) probabilities[j] /= total;
        return beta;
    }

    /// <summary>Exact affinities: every other point is a neighbour (O(n²) memory; the scalar twin for small n).</summary>
    public static SparseAffinities ComputeExact(double[][] x, double perplexity)
    {
        int n = x.Length;
        var conditional = new double[n * n]; // [i, j] = p_j|i, dense
        Parallel.For(0, n, i =>
        {
            var d = new double[n - 1];
            var p = new double[n - 1];
            for (int j = 0, k = 0; j < n; j++)
                if (j != i) d[k++] = SquaredDistance(x[i], x[j]);
            Calibrate(d, perplexity, p);
            for (int j = 0, k = 0; j < n; j++)
                if (j != i) conditional[i * n + j] = p[k++];
        });

        // Symmetrise into a full CSR (every off-diagonal entry present).
        var rowStart = new int[n + 1];
        var columns = new int[n * (n - 1)];
        var values = new double[n * (n - 1)];
        int at = 0;
        for (int i = 0; i < n; i++)
        {
            rowStart[i] = at;
            for (int j = 0; j < n; j++)
            {
                if (j == i) continue;
                columns[at] = j;
                values[at++] = (conditional[i * n + j] + conditional[j * n + i]) / (2.0 * n);
            }
        }
        rowStart[n] = at;
        return new SparseAffinities(rowStart, columns, values);
    }

    /// <summary>
    /// Barnes-Hut affinities: only the k = ⌊3·perplexity⌋ nearest neighbours of each point carry probability (exact
    /// brute-force k-NN, parallel over points and deterministic), then P = (P + Pᵀ) normalised to sum 1.
    /// </summary>
    public static SparseAffinities ComputeNearestNeighbours(double[][] x, double perplexity)
    {
        int n = x.Length;
        int k = Math.Min(n - 1, (int)(3 * perplexity));
        var neighbours = new int[n * k];
        var conditional = new double[n * k];

        // 1. k-NN and calibration per point; each task writes only its own row.
        Parallel.For(0, n, () => (Dist: new double[n], Order: new int[n]), (i, _, scratch) =>
        {
            var (dist, order) = scratch;
            for (int j = 0; j < n; j++)
            {
                dist[j] = j == i ? double.PositiveInfinity : SquaredDistance(x[i], x[j]);
                order[j] = j;
            }
            // Sort by distance (primitive keys, much faster than a comparison delegate); the self entry is +∞ and
            // lands last. Introsort is deterministic, so equal distances always come out in the same order.
            Array.Sort(dist, order);
            var d = new double[k];
            for (int m = 0; m < k; m++)
            {
                neighbours[i * k + m] = order[m];
                d[m] = dist[m];
            }
            Calibrate(d, perplexity, conditional.AsSpan(i * k, k));
            return scratch;
        }, _ => { });

        // 2. Symmetrise: gather p_j|i and p_i|j into per-row maps, sorted by column for a deterministic layout.
        var rows = new SortedDictionary<int, double>[n];
        for (int i = 0; i < n; i++) rows[i] = new SortedDictionary<int, double>();
        for (int i = 0; i < n; i++)
        {
            for (int m = 0; m < k; m++)
            {
                int j = neighbours[i * k + m];
                double p = conditional[i * k + m];
                rows[i][j] = rows[i].GetValueOrDefault(j) + p;
                rows[j][i] = rows[j].GetValueOrDefault(i) + p;
            }
        }

        // 3. Flatten and normalise to sum 1 (the sum is 2n before normalisation).
        var rowStart = new int[n + 1];
        int nnz = rows.Sum(r => r.Count);
        var columns = new int[nnz];
        var values = new double[nnz];
        int at = 0;
        double total = 0;
        for (int i = 0; i < n; i++)
        {
            rowStart[i] = at;
            foreach (var (j, p) in rows[i])
            {
                columns[at] = j;
                values[at++] = p;
                total += p;
            }
        }
        rowStart[n] = at;
        for (int e = 0; e < nnz; e++) values[e] /= total;
        return new SparseAffinities(rowStart, columns, values);
    }

    internal static double SquaredDistance(double[] a, double[] b)
    {
        double s = 0;
        for (int d = 0; d < a.Length; d++)
        {
            double diff = a[d] - b[d];
            s += diff * diff;
        }
        return s;
    }
}
