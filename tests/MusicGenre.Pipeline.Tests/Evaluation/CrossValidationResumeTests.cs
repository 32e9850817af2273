using MusicGenre.Data.FeatureStore;
using MusicGenre.Nn.Training;
using MusicGenre.Pipeline.Evaluation;
using MusicGenre.Pipeline.Training;

namespace MusicGenre.Pipeline.Tests.Evaluation;

/// <summary>
/// Cross-validation resumes (the CLI's <c>evaluate --folds</c> passes <c>&lt;report&gt;/cv.checkpoint</c>): stopped in
/// its second fold, a re-run takes the finished fold's model from its checkpoint without training it again, continues the
/// stopped fold, and scores every song exactly as an uninterrupted run does; the fold checkpoints are removed at the end,
/// and one left by a run of other settings is discarded, not resumed.
/// </summary>
public sealed class CrossValidationResumeTests
{
    internal static string Store(string dir)
    {
        var header = new FeatureStoreHeader(["blues", "jazz"], 16, 20, 22050, 3.0, "librosa_default", new Dictionary<string, object> { ["n_fft"] = 2048 });
        var rng = new Random(5);
        int[] labels = [0, 0, 0, 0, 1, 1, 1, 1];
        var songs = labels.Select((l, i) => new StoreSong($"s{i}", $"/nowhere/s{i}.wav", "", l, 2 * i, 2)).ToArray();
        // Two segments per song, the jazz ones 10 dB louder on average (something to learn).
        var features = labels.Select(l => Enumerable.Range(0, 2 * header.SegmentLength).Select(_ => (float)(rng.NextDouble() * 60 - 80 + 10 * l)).ToArray()).ToArray();
        string path = Path.Combine(dir, "s.h5");
        FeatureStoreWriter.Write(path, header, songs, i => features[i]);
        return path;
    }

    internal static TrainerOptions Options(string report, ulong seed = 7) => new()
    {
        Epochs = 3, BatchSize = 4, Seed = seed, ThreadCount = 1, ValidationFraction = 0, Augmentation = AugmentationOptions.None,
        HyperParameters = new Dictionary<string, double> { ["width"] = 4, ["min_frames"] = 16 },
        CheckpointPath = Path.Combine(report, CrossValidation.CheckpointName),
    };

    private static float[][] Probabilities(CrossValidationResult cv) => cv.Pooled.Outcomes.OrderBy(o => o.SongId, StringComparer.Ordinal).Select(o => o.Probabilities).ToArray();

    [Fact]
    public void AStoppedRun_ResumesFromItsFoldCheckpoints_ToTheUninterruptedScores()
    {
        string dir = SharedData.NewTempDir("musicgenre-cv-resume"), store = Store(dir);
        string whole = Path.Combine(dir, "whole"), resumed = Path.Combine(dir, "resumed");
        var expected = CrossValidation.Run(store, 2, Options(whole), SplitBy.Song, whole);
        Assert.Empty(Directory.GetFiles(whole, CrossValidation.CheckpointName + "*"));

        // 1. Stopped after the first epoch of fold 2: fold 1's checkpoint (finished) and fold 2's stay.
        var log = new List<string>();
        int fold = 0;
        using (var cts = new CancellationTokenSource())
            Assert.ThrowsAny<OperationCanceledException>(() => CrossValidation.Run(store, 2, Options(resumed), SplitBy.Song, resumed,
                new SyncProgress<string>(line => { log.Add(line); if (line.Contains(": training on")) fold++; }),
                new SyncProgress<EpochMetrics>(e => { if (fold == 2 && e.Epoch == 1) cts.Cancel(); }), cts.Token));
        Assert.Equal(2, Directory.GetFiles(resumed, CrossValidation.CheckpointName + ".fold*").Length);

        // 2. A re-run that cannot write its pooled report (a folder where summary.md goes) keeps the checkpoints.
        Directory.CreateDirectory(Path.Combine(resumed, "summary.md"));
        Assert.ThrowsAny<Exception>(() => CrossValidation.Run(store, 2, Options(resumed), SplitBy.Song, resumed));
        Assert.Equal(2, Directory.GetFiles(resumed, CrossValidation.CheckpointName + ".fold*").Length);
        Directory.Delete(Path.Combine(resumed, "summary.md"));

        // 3. Re-run (the earlier attempt finished fold 2 first): no fold is trained again, the scores are the
        //    uninterrupted run's, and every fold checkpoint goes, one of an earlier run with more folds too.
        File.Copy(Path.Combine(resumed, CrossValidation.CheckpointName + ".fold2"), Path.Combine(resumed, CrossValidation.CheckpointName + ".fold9"));
        var epochs = new List<int>();
        log.Clear();
        var again = CrossValidation.Run(store, 2, Options(resumed), SplitBy.Song, resumed, new SyncProgress<string>(log.Add),
            new SyncProgress<EpochMetrics>(e => epochs.Add(e.Epoch)));
        Assert.Empty(epochs);
        Assert.Contains(log, l => l.StartsWith("fold 1/2: found its checkpoint", StringComparison.Ordinal));
        Assert.Equal(Probabilities(expected), Probabilities(again));
        Assert.Equal(expected.MeanSongAccuracy, again.MeanSongAccuracy);
        Assert.Empty(Directory.GetFiles(resumed, CrossValidation.CheckpointName + "*"));

        // 3. A checkpoint of a run with another seed (other folds and weights) is discarded, and the run is that seed's.
        using (var cts = new CancellationTokenSource())
            Assert.ThrowsAny<OperationCanceledException>(() => CrossValidation.Run(store, 2, Options(resumed), SplitBy.Song, resumed,
                epochs: new SyncProgress<EpochMetrics>(_ => cts.Cancel()), cancellationToken: cts.Token));
        log.Clear();
        var otherSeed = CrossValidation.Run(store, 2, Options(resumed, seed: 8), SplitBy.Song, resumed, new SyncProgress<string>(log.Add));
        Assert.True(log.Any(l => l.StartsWith("fold 1/2: its checkpoint cannot be resumed (checkpoint was written with other training options", StringComparison.Ordinal)),
            string.Join("\n", log));
        var fresh = CrossValidation.Run(store, 2, Options(Path.Combine(dir, "fresh"), seed: 8), SplitBy.Song, Path.Combine(dir, "fresh"));
        Assert.Equal(Probabilities(fresh), Probabilities(otherSeed));
    }
}
