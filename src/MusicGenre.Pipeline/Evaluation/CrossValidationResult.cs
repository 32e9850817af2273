namespace MusicGenre.Pipeline.Evaluation;

/// <summary>The folds' reports and their song-level accuracy as mean ± sample standard deviation.</summary>
/// <param name="Folds">One report per fold (its held-out songs scored by the model trained on the other folds).</param>
/// <param name="Pooled">All held-out songs of all folds scored together.</param>
public sealed record CrossValidationResult(IReadOnlyList<EvaluationReport> Folds, EvaluationReport Pooled)
{
    /// <summary>With the excerpt protocol: each fold's song accuracy on the same held-out songs as whole clips (else empty).</summary>
    public IReadOnlyList<double> WholeClipSongAccuracy { get; init; } = [];

    /// <summary>Mean of the folds' song-level accuracies (0–1).</summary>
    public double MeanSongAccuracy => Folds.Average(f => f.SongAccuracy);

    /// <summary>Sample standard deviation (n − 1) of the folds' song-level accuracies.</summary>
    public double StdSongAccuracy => Std(Folds.Select(f => f.SongAccuracy));

    /// <summary>Mean of the folds' segment-level accuracies (0–1).</summary>
    public double MeanSegmentAccuracy => Folds.Average(f => f.SegmentAccuracy);

    /// <summary>Sample standard deviation (n − 1) of the folds' segment-level accuracies.</summary>
    public double StdSegmentAccuracy => Std(Folds.Select(f => f.SegmentAccuracy));

    internal static double Std(IEnumerable<double> values)
    {
        var v = values.ToArray();
        if (v.Length < 2) return 0;
        double mean = v.Average();
        return Math.Sqrt(v.Sum(x => (x - mean) * (x - mean)) / (v.Length - 1));
    }
}
