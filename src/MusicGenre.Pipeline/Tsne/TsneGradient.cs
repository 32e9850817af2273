using System.Diagnostics;

namespace MusicGenre.Pipeline.Tsne;

/// <summary>
/// Gradient and cost of t-SNE in 2-D: C = KL(P‖Q), q_ij = w_ij / Z with w_ij = 1/(1 + |y_i − y_j|²), Z = Σ_{k≠l} w_kl,
/// ∂C/∂y_i = 4 Σ_j (p_ij − q_ij) w_ij (y_i − y_j) = 4 (F_attr,i − F_rep,i / Z) with F_attr,i = Σ_j p_ij w_ij (y_i − y_j)
/// and F_rep,i = Σ_j w_ij² (y_i − y_j). Two versions: <see cref="Exact"/> (O(n²), the scalar twin) and
/// <see cref="BarnesHut"/> (attraction over the sparse P, repulsion from a quadtree). Layouts are row-major <c>[n, 2]</c>.
/// </summary>
internal static class TsneGradient
{
    /// <summary>
    /// Points from which the Barnes-Hut gradient is computed in parallel. Measured on 2 cores (Zen 4, idle,
    /// Tsne/RESULTS.md): parallel already pays at 300 points (177–220 → 113–115 µs per gradient) and at 1,000 (0.98–1.01
    /// → 0.45–0.55 ms); the earlier threshold of 1,024 left the 1,000 segments of gtzan-mini on one core.
    /// </summary>
    internal const int ParallelThreshold = 256;

    /// <summary>Exact gradient into <paramref name="gradient"/> with P scaled by <paramref name="exaggeration"/>; returns Z.</summary>
    public static double Exact(SparseAffinities p, ReadOnlySpan<double> y, double exaggeration, Span<double> gradient)
    {
        int n = p.Count;
        Debug.Assert(y.Length == 2 * n && gradient.Length == 2 * n);

        // 1. Z over all ordered pairs.
        double z = 0;
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
                if (i != j) z += Kernel(y, i, j);

        // 2. Dense P (exaggerated) so every pair can be visited uniformly.
        var dense = new double[n * n];
        for (int i = 0; i < n; i++)
            for (int e = p.RowStart[i]; e < p.RowStart[i + 1]; e++)
                dense[i * n + p.Columns[e]] = exaggeration * p.Values[e];

        // 3. ∂C/∂y_i = 4 Σ_j (p_ij − w_ij/Z) w_ij (y_i − y_j).
        for (int i = 0; i < n; i++)
        {
            double gx = 0, gy = 0;
            for (int j = 0; j < n; j++)
            {
                if (i == j) continue;
                double w = Kernel(y, i, j);
                double m = (dense[i * n + j] - w / z) * w;
                gx += m * (y[2 * i] - y[2 * j]);
                gy += m * (y[2 * i + 1] - y[2 * j + 1]);
            }
            gradient[2 * i] = 4 * gx;
            gradient[2 * i + 1] = 4 * gy;
        }
        return z;
    }

    /// <summary>Exact KL(P‖Q) = Σ p_ij ln(p_ij / q_ij) over the non-zero entries of P.</summary>
    public static double ExactKl(SparseAffinities p, ReadOnlySpan<double> y)
    {
        int n = p.Count;
        double z = 0;
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
                if (i != j) z += Kernel(y, i, j);
        return KlGivenZ(p, y, z);
    }

    /// <summary>
    /// Barnes-Hut gradient into <paramref name="gradient"/> with P scaled by <paramref name="exaggeration"/>; returns the
    /// estimate of Z. Parallel over points; every point writes only its own outputs and Z is summed in index order, so
    /// the result does not depend on the thread count.
    /// </summary>
    public static double BarnesHut(SparseAffinities p, double[] y, double theta, double exaggeration, double[] gradient,
        BarnesHutWorkspace? workspace = null)
    {
        int n = p.Count;
        Debug.Assert(y.Length == 2 * n && gradient.Length == 2 * n);
        workspace ??= new BarnesHutWorkspace(n);
        Debug.Assert(workspace.ZParts.Length == n);
        var tree = workspace.Tree;
        tree.Build(y);
        var zParts = workspace.ZParts;
        var repulsion = workspace.Repulsion;

        // Small layouts run sequentially: thread hand-off would cost more than the work (and both orders give
        // identical results, since each point only writes its own slots).
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = n >= ParallelThreshold ? -1 : 1 };
        Parallel.For(0, n, parallel, i => Point(i, p, y, theta, exaggeration, tree, gradient, zParts, repulsion));

        // 3. Z in index order, then ∂C/∂y_i = 4 (F_attr − F_rep / Z).
        double z = 0;
        for (int i = 0; i < n; i++) z += zParts[i];
        for (int k = 0; k < 2 * n; k++)
            gradient[k] = 4 * (gradient[k] - repulsion[k] / z);
        return z;
    }

    /// <summary>
    /// One point's share of <see cref="BarnesHut"/>: its attraction (into <paramref name="gradient"/>), its repulsion and its
    /// part of Z. Compiled fully optimised at once: a `tsne` run lasts seconds, and at tier 0 (where the tiered JIT starts
    /// a method) this loop ran for a good part of them (5 % of a 997-point run's samples, `perf`).
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private static void Point(int i, SparseAffinities p, double[] y, double theta, double exaggeration, QuadTree tree,
        double[] gradient, double[] zParts, double[] repulsion)
    {
        double yx = y[2 * i], yy = y[2 * i + 1];

        // 1. Attraction over the sparse neighbours: Σ_j p_ij w_ij (y_i − y_j), kept in the gradient slot for now.
        double ax = 0, ay = 0;
        int[] rowStart = p.RowStart, columns = p.Columns;
        double[] values = p.Values;
        for (int e = rowStart[i]; e < rowStart[i + 1]; e++)
        {
            int j = columns[e];
            double dx = yx - y[2 * j], dy = yy - y[2 * j + 1];
            double m = exaggeration * values[e] / (1 + dx * dx + dy * dy);
            ax += m * dx;
            ay += m * dy;
        }
        gradient[2 * i] = ax;
        gradient[2 * i + 1] = ay;

        // 2. Repulsion from the tree; the point's own unit kernel is removed from its share of Z.
        tree.Repulsion(yx, yy, theta, out double sumQ, out double rx, out double ry);
        zParts[i] = sumQ - 1;
        repulsion[2 * i] = rx;
        repulsion[2 * i + 1] = ry;
    }

    /// <summary>KL(P‖Q) with a given normaliser Z (exact or Barnes-Hut estimate).</summary>
    public static double KlGivenZ(SparseAffinities p, ReadOnlySpan<double> y, double z)
    {
        double kl = 0;
        for (int i = 0; i < p.Count; i++)
        {
            for (int e = p.RowStart[i]; e < p.RowStart[i + 1]; e++)
            {
                double pij = p.Values[e];
                if (pij <= 0) continue;
                double q = Kernel(y, i, p.Columns[e]) / z;
                kl += pij * Math.Log(pij / q);
            }
        }
        return kl;
    }

    private static double Kernel(ReadOnlySpan<double> y, int i, int j)
    {
        double dx = y[2 * i] - y[2 * j], dy = y[2 * i + 1] - y[2 * j + 1];
        return 1 / (1 + dx * dx + dy * dy);
    }
}
