namespace MusicGenre.Pipeline.Evaluation;

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
