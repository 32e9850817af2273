namespace MusicGenre.Pipeline.Tsne;

/// <summary>
/// The symmetric joint probabilities P of t-SNE in compressed sparse rows: row i's neighbours are
/// <c>Columns[RowStart[i]..RowStart[i+1]]</c> with weights <c>Values[…]</c>; P is symmetric and sums to 1.
/// </summary>
internal sealed class SparseAffinities(int[] rowStart, int[] columns, double[] values)
{
    public int Count => RowStart.Length - 1;

    public int[] RowStart { get; } = rowStart;

    public int[] Columns { get; } = columns;

    public double[] Values { get; } = values;
}
