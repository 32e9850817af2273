namespace MusicGenre.Pipeline.Prediction;

/// <summary>
/// The mean of a song's window embeddings, summed batch by batch in double and in window order, so every path that
/// embeds a song (in memory, streamed, from a feature store for t-SNE) gives the same mean; size 0 when embeddings
/// were not asked for (then nothing is allocated or summed).
/// </summary>
internal sealed class EmbeddingSum(int size)
{
    private readonly double[] _sum = new double[size];
    private float[] _batch = [];
    private int _windows;

    /// <summary>A buffer for <paramref name="count"/> windows' embeddings, or null when not asked for.</summary>
    public float[]? Buffer(int count)
    {
        if (size == 0) return null;
        if (_batch.Length != count * size) _batch = new float[count * size];
        return _batch;
    }

    /// <summary>Adds the <paramref name="count"/> embeddings last written to <see cref="Buffer"/>.</summary>
    public void Add(int count)
    {
        if (size == 0) return;
        Add(_batch.AsSpan(0, count * size));
    }

    /// <summary>Adds the embeddings in <paramref name="rows"/> (<c>[windows, size]</c>, row-major).</summary>
    public void Add(ReadOnlySpan<float> rows)
    {
        if (size == 0) return;
        int count = rows.Length / size;
        for (int w = 0; w < count; w++)
            for (int j = 0; j < size; j++) _sum[j] += rows[w * size + j];
        _windows += count;
    }

    /// <summary>The mean embedding, or null when not asked for.</summary>
    public float[]? Mean() => size == 0 ? null : _sum.Select(v => (float)(v / _windows)).ToArray();
}
