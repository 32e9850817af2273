using MusicGenre.Api;
using MusicGenre.Pipeline.Evaluation;

namespace MusicGenre.Pipeline.Tests.Evaluation;

public sealed class EvaluatorScoreTests
{
    private static SongOutcome Song(int label, int predicted) => new($"s{label}{predicted}", "", label, predicted, []);

    /// <summary>
    /// Per-genre scores and macro F1 as scikit-learn computes them (labels = true ∪ predicted genres; an undefined ratio
    /// counts 0): here a, b, c have songs, d has none but is predicted once, e is neither.
    /// </summary>
    [Fact]
    public void MacroF1_AveragesOverGenresWithSongsOrPredictions_AsScikitLearn()
    {
        // a: 2 songs, both right. b: 2 songs, one right, one called d. c: 1 song, called a.
        var outcomes = new[] { Song(0, 0), Song(0, 0), Song(1, 1), Song(1, 3), Song(2, 0) };
        var report = Evaluator.Score(["a", "b", "c", "d", "e"], outcomes, 0, 0);
        // a: P 2/3, R 1, F1 0.8; b: P 1, R 1/2, F1 2/3; c: 0; d: P 0 (1 predicted), support 0, F1 0; e: left out.
        Assert.Equal(0.8, report.PerGenre[0].F1, 12);
        Assert.Equal(2.0 / 3, report.PerGenre[1].F1, 12);
        Assert.Equal((0.8 + 2.0 / 3 + 0 + 0) / 4, report.MacroF1, 12);
        Assert.Equal(3.0 / 5, report.SongAccuracy, 12);
    }
}
