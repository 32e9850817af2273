namespace MusicGenre.Pipeline.Prediction;

/// <summary>
/// The mean of a song's window embeddings, summed batch by batch in double and in window order, so every path that
/// embeds a song (in memory, streamed, from a feature store for t-SNE) gives the same mean of the same windows; size 0
/// when embeddings were not asked for (then nothing is allocated or summed). Windows marked silent are left out of the
/// mean unless every window is (as the song's probabilities, <see cref="Api.GenrePrediction.SegmentIsSilent"/>); a feature
/// store keeps no audio to judge silence by, so t-SNE from a store averages all stored segments.
/// </summary>
internal sealed class EmbeddingSum(int size)
{
    private readonly double[] _sum = new double[size], _voiced = new double[size];
    private float[] _batch = [];
    private int _windows, _voicedWindows;

    /// <summary>A buffer for <paramref name="count"/> windows' embeddings, or null when not asked for.</summary>
    public float[]? Buffer(int count)
    {
        if (size == 0) return null;
        if (_batch.Length != count * size) _batch = new float[count * size];
        return _batch;
    }

    /// <summary>Adds the <paramref name="count"/> embeddings last written to <see cref="Buffer"/>; <paramref name="silent"/> (when given) marks each.</summary>
    public void Add(int count, ReadOnlySpan<bool> silent = default)
    {
        if (size == 0) return;
        Add(_batch.AsSpan(0, count * size), silent);
    }

    /// <summary>Adds the embeddings in <paramref name="rows"/> (<c>[windows, size]</c>, row-major); <paramref name="silent"/> (when given) marks each.</summary>
    public void Add(ReadOnlySpan<float> rows, ReadOnlySpan<bool> silent = default)
    {
        if (size == 0) return;
        int count = rows.Length / size;
        for (int w = 0; w < count; w++)
        {
            var row = rows.Slice(w * size, size);
            for (int j = 0; j < size; j++) _sum[j] += row[j];
            if (!silent.IsEmpty && silent[w]) continue;
            for (int j = 0; j < size; j++) _voiced[j] += row[j];
            _voicedWindows++;
        }
        _windows += count;
    }

    /// <summary>The mean embedding (over the windows not marked silent, or over all when every one is), or null when not asked for.</summary>
    public float[]? Mean() => size == 0 ? null
        : _voicedWindows > 0 ? _voiced.Select(v => (float)(v / _voicedWindows)).ToArray() : _sum.Select(v => (float)(v / _windows)).ToArray();
}
