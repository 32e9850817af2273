namespace MusicGenre.Api;

/// <summary>
/// The genre of one song: every genre's probability (the mean over the song's segments), the top genres, and the
/// probabilities of each segment for long songs.
/// </summary>
public sealed class GenrePrediction
{
    private readonly float[] _segments;
    private readonly bool[]? _silent; // per segment: (almost) no signal; null when none is

    private GenrePrediction(string source, IReadOnlyList<string> genres, float[] segments, int segmentCount, double segmentSeconds, double seconds, string? warning, float[]? embedding, bool[]? silent)
    {
        Source = source;
        Embedding = embedding;
        Seconds = seconds;
        Genres = genres;
        _segments = segments;
        SegmentCount = segmentCount;
        SegmentSeconds = segmentSeconds;
        Warning = warning;
        // The song's probabilities: the mean over its segments that have signal (over all when none has), in segment order.
        _silent = silent is not null && silent.Contains(true) ? silent : null;
        bool allSilent = _silent is not null && !_silent.Contains(false);
        var mean = new double[genres.Count];
        int counted = 0;
        for (int s = 0; s < segmentCount; s++)
        {
            if (_silent is not null && _silent[s] && !allSilent) continue;
            for (int g = 0; g < genres.Count; g++) mean[g] += segments[s * genres.Count + g];
            counted++;
        }
        Scores = genres.Select((name, g) => new GenreScore(name, (float)(mean[g] / counted))).ToArray();
        Top = Ranked(Scores).First();
    }

    /// <summary>What was classified (a file path, or the name given with a stream or samples).</summary>
    public string Source { get; }

    /// <summary>Genre names in the model's output order.</summary>
    public IReadOnlyList<string> Genres { get; }

    /// <summary>
    /// Every genre's song-level probability, in <see cref="Genres"/> order; they sum to 1. It is the mean over the song's
    /// segments, leaving out those with (almost) no signal (<see cref="SegmentIsSilent"/>) unless every segment is silent:
    /// a silent intro or gap says nothing about the genre.
    /// </summary>
    public IReadOnlyList<GenreScore> Scores { get; }

    /// <summary>The most probable genre.</summary>
    public GenreScore Top { get; }

    /// <summary>Number of segments the song was cut into.</summary>
    public int SegmentCount { get; }

    /// <summary>Length of one segment in seconds.</summary>
    public double SegmentSeconds { get; }

    /// <summary>Length of the clip that was classified, in seconds.</summary>
    public double Seconds { get; }

    /// <summary>
    /// Where segment <paramref name="segment"/> starts in the clip, in seconds: segments lie back to back from 0, except
    /// that the last one of a clip longer than one segment ends at the clip's end (overlapping its neighbour).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="segment"/> is not below <see cref="SegmentCount"/>.</exception>
    public double SegmentStart(int segment)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(segment);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(segment, SegmentCount);
        return segment < SegmentCount - 1 ? segment * SegmentSeconds : Math.Max(0, Seconds - SegmentSeconds);
    }

    /// <summary>
    /// What the network made of the song, when <see cref="ClassifierOptions.Embeddings"/> asked for it (else null): the
    /// mean over its windows (those with signal, as <see cref="Scores"/>) of the output layer's input — a fixed-length
    /// vector (1,024 values for the bundled model) to compare songs by (nearest neighbours, clustering, a classifier of your own).
    /// </summary>
    public IReadOnlyList<float>? Embedding { get; }

    /// <summary>A non-fatal remark (e.g. a clip shorter than one segment was padded), or null.</summary>
    public string? Warning { get; }

    /// <summary>The <paramref name="k"/> most probable genres, most probable first.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="k"/> is below 1.</exception>
    public IReadOnlyList<GenreScore> TopK(int k)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        return Ranked(Scores).Take(k).ToArray();
    }

    /// <summary>The one ranking of genres: most probable first, ties by name.</summary>
    internal static IEnumerable<GenreScore> Ranked(IEnumerable<GenreScore> scores) =>
        scores.OrderByDescending(s => s.Probability).ThenBy(s => s.Genre, StringComparer.Ordinal);

    /// <summary>
    /// Whether segment <paramref name="segment"/> has (almost) no signal — below −80 dBFS RMS after removing any DC
    /// offset, e.g. digital silence — and is therefore left out of <see cref="Scores"/> and <see cref="Embedding"/>
    /// (unless every segment is).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="segment"/> is not below <see cref="SegmentCount"/>.</exception>
    public bool SegmentIsSilent(int segment)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(segment);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(segment, SegmentCount);
        return _silent is not null && _silent[segment];
    }

    /// <summary>Probabilities of segment <paramref name="segment"/> (0-based, in time order), in <see cref="Genres"/> order.</summary>
    public ReadOnlySpan<float> SegmentProbabilities(int segment)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(segment);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(segment, SegmentCount);
        return _segments.AsSpan(segment * Genres.Count, Genres.Count);
    }

    internal static GenrePrediction Create(string source, IReadOnlyList<string> genres, float[] segments, int count, double segmentSeconds, double seconds, string? warning,
        float[]? embedding = null, bool[]? silent = null) =>
        new(source, genres, segments, count, segmentSeconds, seconds, warning, embedding, silent);

    /// <summary>The top genre, its probability and the source, e.g. <c>blues 84.2 % (song.wav)</c>.</summary>
    public override string ToString() =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{Top.Genre} {Top.Probability * 100:F1} % ({Source})");
}
