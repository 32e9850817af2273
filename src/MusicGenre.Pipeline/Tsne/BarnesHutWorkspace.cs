namespace MusicGenre.Pipeline.Tsne;

/// <summary>
/// Buffers reused by every Barnes-Hut gradient of one run: the quadtree cells and the per-point Z shares and repulsive
/// forces. Not thread-safe: one workspace per optimisation.
/// </summary>
internal sealed class BarnesHutWorkspace(int points)
{
    public QuadTree Tree { get; } = new(new double[2 * points]);

    /// <summary>Per-point share of Z, summed in index order afterwards.</summary>
    public double[] ZParts { get; } = new double[points];

    /// <summary>Per-point repulsive force, row-major <c>[n, 2]</c>.</summary>
    public double[] Repulsion { get; } = new double[2 * points];
}
