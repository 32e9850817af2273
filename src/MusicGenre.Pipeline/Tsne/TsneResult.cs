namespace MusicGenre.Pipeline.Tsne;

/// <summary>A 2-D t-SNE embedding.</summary>
/// <param name="Coordinates">Row-major <c>[points, 2]</c>: x of point i at 2i, y at 2i + 1.</param>
/// <param name="KlDivergence">Final KL(P‖Q).</param>
/// <param name="Iterations">Iterations run.</param>
internal sealed record TsneResult(double[] Coordinates, double KlDivergence, int Iterations)
{
    /// <summary>Number of embedded points.</summary>
    public int Count => Coordinates.Length / 2;

    /// <summary>x coordinate of point <paramref name="i"/>.</summary>
    public double X(int i) => Coordinates[2 * i];

    /// <summary>y coordinate of point <paramref name="i"/>.</summary>
    public double Y(int i) => Coordinates[2 * i + 1];
}
