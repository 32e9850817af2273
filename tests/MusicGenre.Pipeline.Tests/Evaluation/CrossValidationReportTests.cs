using MusicGenre.Pipeline.Evaluation;
using MusicGenre.Pipeline.Training;

namespace MusicGenre.Pipeline.Tests.Evaluation;

/// <summary>
/// A cross-validation report replaces an earlier run's in its folder whole: with fewer folds than before, the earlier
/// run's extra fold reports (fold4/ saying "Fold 4 of 4") go, a fold folder with a file of the user's keeps that file only.
/// </summary>
public sealed class CrossValidationReportTests
{
    [Fact]
    public void FewerFoldsThanAnEarlierRun_RemoveItsExtraFoldReports_AndKeepTheUsersFiles()
    {
        string dir = SharedData.NewTempDir("musicgenre-cv-report"), store = CrossValidationResumeTests.Store(dir), report = Path.Combine(dir, "r");
        CrossValidation.Run(store, 4, CrossValidationResumeTests.Options(report), SplitBy.Song, report);
        Assert.StartsWith("# Fold 4 of 4", File.ReadAllText(Path.Combine(report, "fold4", "summary.md")));
        File.WriteAllText(Path.Combine(report, "fold4", "notes.txt"), "mine");

        CrossValidation.Run(store, 2, CrossValidationResumeTests.Options(report), SplitBy.Song, report);
        Assert.StartsWith("# 2-fold cross-validation", File.ReadAllText(Path.Combine(report, "summary.md")));
        Assert.Equal(["fold1", "fold2", "fold4"], Directory.GetDirectories(report).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Equal(["notes.txt"], Directory.GetFiles(Path.Combine(report, "fold4")).Select(Path.GetFileName));
        Assert.StartsWith("# Fold 2 of 2", File.ReadAllText(Path.Combine(report, "fold2", "summary.md")));
    }
}
