namespace MusicGenre.Pipeline.Evaluation;

/// <summary>Per-genre precision, recall and F1 (song level), with the number of songs of that genre.</summary>
public sealed record GenreScores(string Genre, int Support, double Precision, double Recall, double F1);

/// <summary>One song's outcome: its true genre and the mean of its segments' probabilities.</summary>
public sealed record SongOutcome(string SongId, string Path, int Label, int Predicted, float[] Probabilities);

/// <summary>One excerpt scored by the robustness protocol: which song, where in it, how long, and what the model said.</summary>
/// <param name="SongId">The song.</param>
/// <param name="Excerpt">0-based number of the excerpt within the song (the protocol's draw order).</param>
/// <param name="StartSeconds">Where it starts in the song.</param>
/// <param name="Seconds">Its length.</param>
/// <param name="Label">True genre index.</param>
/// <param name="Predicted">Predicted genre index.</param>
/// <param name="Probabilities">Every genre's probability for this excerpt.</param>
public sealed record ExcerptOutcome(string SongId, int Excerpt, double StartSeconds, double Seconds, int Label, int Predicted, float[] Probabilities);

/// <summary>
/// What <c>musicgenre evaluate</c> measures: segment-level accuracy, song-level accuracy (a song's prediction is the
/// argmax of the mean of its segments' probabilities), per-genre scores and the song-level confusion matrix
/// (rows: true genre, columns: predicted).
/// </summary>
public sealed record EvaluationReport(
    IReadOnlyList<string> Genres,
    int Segments,
    double SegmentAccuracy,
    int Songs,
    double SongAccuracy,
    int[,] Confusion,
    IReadOnlyList<GenreScores> PerGenre,
    IReadOnlyList<SongOutcome> Outcomes)
{
    /// <summary>Every excerpt scored, song by song, when the report is of the robustness protocol; empty otherwise.</summary>
    public IReadOnlyList<ExcerptOutcome> Excerpts { get; init; } = [];

    /// <summary>
    /// Macro-averaged F1 over genres that have songs or predictions (scikit-learn's default label set, the union of true
    /// and predicted genres): a genre predicted for songs of others but absent from the data counts with F1 = 0.
    /// </summary>
    public double MacroF1 => Enumerable.Range(0, PerGenre.Count)
        .Where(g => PerGenre[g].Support > 0 || Enumerable.Range(0, Confusion.GetLength(0)).Any(t => Confusion[t, g] > 0))
        .Select(g => PerGenre[g].F1).DefaultIfEmpty(0).Average();
}
