using MusicGenre.Data.FeatureStore;
using MusicGenre.Nn.Training;
using MusicGenre.Pipeline.Evaluation;
using MusicGenre.Pipeline.Training;

namespace MusicGenre.Pipeline.Tests.Evaluation;

/// <summary>Cross-validation refuses, before training any fold, what would fail or mean nothing only after one.</summary>
public sealed class CrossValidationChecksTests
{
    private static string Store(string dir, params int[] labels)
    {
        var header = new FeatureStoreHeader(["blues", "jazz"], 16, 20, 22050, 3.0, "librosa_default", new Dictionary<string, object> { ["n_fft"] = 2048 });
        var rng = new Random(2);
        var songs = labels.Select((l, i) => new StoreSong($"s{i}", $"/nowhere/s{i}.wav", "", l, i, 1)).ToArray();
        var features = labels.Select(_ => Enumerable.Range(0, header.SegmentLength).Select(_ => (float)(rng.NextDouble() * 60 - 80)).ToArray()).ToArray();
        string path = Path.Combine(dir, "s.h5");
        FeatureStoreWriter.Write(path, header, songs, i => features[i]);
        return path;
    }

    [Fact]
    public void OneGenre_IsRefusedBeforeAnyFoldTrains()
    {
        string dir = SharedData.NewTempDir("musicgenre-cv-checks");
        var e = Assert.Throws<InvalidDataException>(() => CrossValidation.Run(Store(dir, 0, 0, 0, 0), 2, new TrainerOptions { Epochs = 1 }, SplitBy.Song, Path.Combine(dir, "r")));
        Assert.Equal("s.h5: every training song is of one genre ('blues'); a genre classifier needs songs of at least two genres", e.Message);
        Assert.False(Directory.Exists(Path.Combine(dir, "r", "fold1")));
    }

    [Fact]
    public void ExcerptsShorterThanAFixedWindow_AreRefusedBeforeAnyFoldTrains()
    {
        string dir = SharedData.NewTempDir("musicgenre-cv-checks");
        var options = new TrainerOptions
        {
            Epochs = 1, Architecture = "lachmish2016", Augmentation = AugmentationOptions.None,
            HyperParameters = new Dictionary<string, double> { ["dense"] = 8 },
        };
        var e = Assert.Throws<ArgumentException>(() => CrossValidation.Run(Store(dir, 0, 1, 0, 1), 2, options, SplitBy.Song, Path.Combine(dir, "r"),
            protocol: new ExcerptProtocol { MinSeconds = 2, MaxSeconds = 3 }));
        // The message of evaluate --excerpts on such a model (ClipSegmentation.ExcerptsTooShort: one statement of the rule).
        Assert.StartsWith("excerpts of 2-3 s are too short for this model (model architecture 'lachmish2016' takes fixed 3 s windows); use excerpts of at least 3 s (", e.Message);
        Assert.False(Directory.Exists(Path.Combine(dir, "r", "fold1")));
    }
}
