using System.Diagnostics;
using System.Runtime.CompilerServices;
using MusicGenre.Simd;

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
    public static SparseAffinities ComputeExact(float[][] x, double perplexity)
    {
        int n = x.Length;
        var conditional = new double[n * n]; // [i, j] = p_j|i, dense
        Parallel.For(0, n, i =>
        {
            var d = new double[n - 1];
            var p = new double[n - 1];
            for (int j = 0, k = 0; j < n; j++)
                if (j != i) d[k++] = PairwiseDistances.Scalar(x[i], x[j]);
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

    /// <summary>Rows of distances computed at once per task: 32 × n doubles of scratch (2.5 MB at 10,000 points).</summary>
    internal const int BandRows = 32;

    /// <summary>
    /// Barnes-Hut affinities: only the k = ⌊3·perplexity⌋ nearest neighbours of each point carry probability (exact
    /// brute-force k-NN, parallel over bands of points and deterministic), then P = (P + Pᵀ) normalised to sum 1.
    /// </summary>
    public static SparseAffinities ComputeNearestNeighbours(float[][] x, double perplexity) =>
        ComputeNearestNeighbours(x, perplexity, SimdWidths.Best);

    /// <summary>As the public overload, with the distances' vector width (<see cref="SimdWidth.Scalar"/>: the double-precision twin).</summary>
    internal static SparseAffinities ComputeNearestNeighbours(float[][] x, double perplexity, SimdWidth width)
    {
        int n = x.Length;
        int k = Math.Min(n - 1, (int)(3 * perplexity));
        var neighbours = new int[n * k];
        var conditional = new double[n * k];

        // 1. Each pair's distance once: band b (rows i0 .. i0 + 31) against the columns j ≥ i0. Its rows take their
        //    candidates j ≥ i0 from it, and each later column j takes the band's rows as candidates (d(i, j) = d(j, i) bit
        //    for bit); the candidates j < i0 of a row come from the earlier bands. A row's k nearest by (distance, index)
        //    are a set whatever order its candidates arrive in, so threads only need a lock per row's heap.
        var heaps = new NeighbourHeap[n];
        for (int i = 0; i < n; i++) heaps[i] = new NeighbourHeap(k);
        int bands = (n + BandRows - 1) / BandRows;
        Parallel.For(0, bands, () => new double[BandRows * n], (band, _, distances) =>
        {
            int first = band * BandRows, rows = Math.Min(BandRows, n - first), columns = n - first;
            PairwiseDistances.Band(x, first, rows, first, distances, width);
            for (int r = 0; r < rows; r++)
            {
                int i = first + r;
                var row = distances.AsSpan(r * columns, columns);
                lock (heaps[i])
                    for (int c = 0; c < columns; c++)
                        if (first + c != i) heaps[i].Push(row[c], first + c);
            }
            for (int c = rows; c < columns; c++)
            {
                int j = first + c;
                lock (heaps[j])
                    for (int r = 0; r < rows; r++) heaps[j].Push(distances[r * columns + c], first + r);
            }
            return distances;
        }, _ => { });

        // 2. Each row's neighbours in order and its calibration; each task writes only its own row.
        Parallel.For(0, n, () => new double[k], (i, _, nearest) =>
        {
            heaps[i].CopySorted(neighbours.AsSpan(i * k, k), nearest);
            Calibrate(nearest, perplexity, conditional.AsSpan(i * k, k));
            return nearest;
        }, _ => { });

        // 3. Symmetrise: every p_j|i as entry (i, j) and as (j, i), sorted by (row, column); the (at most two) entries of a
        //    position are added (a + b = b + a, so the order they meet in does not matter).
        long count = 2L * n * k;
        var keys = new long[count];
        var entries = new double[count];
        for (int e = 0; e < n * k; e++)
        {
            int i = e / k, j = neighbours[e];
            keys[2L * e] = (long)i * n + j;
            keys[2L * e + 1] = (long)j * n + i;
            entries[2L * e] = entries[2L * e + 1] = conditional[e];
        }
        Array.Sort(keys, entries);

        // 4. Merge equal positions into CSR and normalise to sum 1 (the sum is 2n before normalisation).
        var rowStart = new int[n + 1];
        var columnList = new List<int>((int)Math.Min(count, int.MaxValue));
        var valueList = new List<double>(columnList.Capacity);
        int row = 0;
        for (long e = 0; e < count; e++)
        {
            int i = (int)(keys[e] / n), j = (int)(keys[e] % n);
            while (row <= i) rowStart[row++] = columnList.Count;
            if (e > 0 && keys[e] == keys[e - 1]) valueList[^1] += entries[e];
            else { columnList.Add(j); valueList.Add(entries[e]); }
        }
        while (row <= n) rowStart[row++] = columnList.Count;
        double total = 0;
        foreach (double v in valueList) total += v;
        var values = valueList.ToArray();
        for (int e = 0; e < values.Length; e++) values[e] /= total;
        return new SparseAffinities(rowStart, columnList.ToArray(), values);
    }

    /// <summary>
    /// The k best (smallest (distance, index)) candidates pushed so far: a max-heap whose root is the worst kept one, so
    /// a candidate costs one comparison when it is not among them and O(log k) when it is. Not thread-safe.
    /// </summary>
    internal sealed class NeighbourHeap(int k)
    {
        private readonly double[] _distance = new double[k];
        private readonly int[] _index = new int[k];
        private int _size;

        private static bool Worse(double da, int ia, double db, int ib) => da > db || (da == db && ia > ib);

        /// <summary>Offers candidate <paramref name="j"/> at distance <paramref name="d"/>.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)] // optimised from the first call (see ISimdOps)
        public void Push(double d, int j)
        {
            int at;
            if (_size < _distance.Length)
            {
                // Sift up from the new last slot.
                at = _size++;
                while (at > 0 && Worse(d, j, _distance[(at - 1) / 2], _index[(at - 1) / 2]))
                {
                    _distance[at] = _distance[(at - 1) / 2]; _index[at] = _index[(at - 1) / 2];
                    at = (at - 1) / 2;
                }
            }
            else if (_size > 0 && Worse(_distance[0], _index[0], d, j))
            {
                // Replace the root and sift down.
                at = 0;
                while (true)
                {
                    int child = 2 * at + 1;
                    if (child >= _size) break;
                    if (child + 1 < _size && Worse(_distance[child + 1], _index[child + 1], _distance[child], _index[child])) child++;
                    if (!Worse(_distance[child], _index[child], d, j)) break;
                    _distance[at] = _distance[child]; _index[at] = _index[child];
                    at = child;
                }
            }
            else return;
            _distance[at] = d; _index[at] = j;
        }

        /// <summary>The kept candidates ascending by (distance, index) — pairs are distinct, so any sort gives this order.</summary>
        public void CopySorted(Span<int> neighbours, Span<double> nearest)
        {
            var order = new (double, int)[_size];
            for (int m = 0; m < _size; m++) order[m] = (_distance[m], _index[m]);
            Array.Sort(order);
            for (int m = 0; m < _size; m++) (nearest[m], neighbours[m]) = order[m];
        }
    }
}
