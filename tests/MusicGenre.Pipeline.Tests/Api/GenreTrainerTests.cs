using MusicGenre.Api;
using MusicGenre.Features;
using MusicGenre.Nn.ModelFile;
using MusicGenre.Nn.Training;
using MusicGenre.Pipeline.Preprocess;
using MusicGenre.Pipeline.Tests.Preprocess;

namespace MusicGenre.Pipeline.Tests.Api;

/// <summary>
/// Training through the public API only (Preprocessor → GenreTrainer), as a library user would: per-epoch metrics,
/// cancellation, checkpoint and resume, and up-front validation. A small real store: 4 genres × 3 synthetic songs of
/// 4 s at 8 kHz, 1 s segments of 32 mels.
/// </summary>
public class GenreTrainerTests
{
    /// <summary>
    /// The library spelling of the CLI's defaults (README, GenreTrainer's example) is the bundled model's recipe: its
    /// recorded options name that band limit and exactly that augmentation. Bad set names are FormatExceptions.
    /// </summary>
    [Fact]
    public void TheDocumentedLibraryRecipe_IsTheBundledModels()
    {
        var model = ModelFileReader.Read(Path.Combine(SharedData.RepoRoot, "models", "default.h5"));
        var recipe = new TrainerOptions { Augmentation = AugmentationOptions.Parse("robust+standard"), BandLimitHz = 7600 };
        Assert.Contains($"band_limit={recipe.BandLimitHz}Hz aug=[", model.Training.Options);
        // The model names the settings of its build (later builds added stretch, eq and pitch, all off here).
        var recorded = model.Training.Options[(model.Training.Options.IndexOf("aug=[", StringComparison.Ordinal) + 5)..].TrimEnd(']').Split(' ');
        var parsed = recipe.Augmentation.ToString().Split(' ');
        Assert.Equal(recorded, parsed.Where(kv => !kv.StartsWith("stretch=", StringComparison.Ordinal) && !kv.StartsWith("eq=", StringComparison.Ordinal) && !kv.StartsWith("pitch=", StringComparison.Ordinal)));
        Assert.Contains("stretch=±0", parsed);
        Assert.Contains("pitch=±0", parsed);
        Assert.Equal(0, recipe.Augmentation.EqDb);
        Assert.Equal(AugmentationOptions.None, AugmentationOptions.Parse("NONE"));
        Assert.Equal("'robust+loud': 'loud' is not one of robust, standard, timbre, tempo (joined by +), or none",
            Assert.Throws<FormatException>(() => AugmentationOptions.Parse("robust+loud")).Message);
    }

    private static readonly Lazy<string> Store = new(() => MakeStore().GetAwaiter().GetResult());

    private static async Task<string> MakeStore()
    {
        string root = SharedData.NewTempDir("musicgenre-trainer");
        int seed = 1;
        foreach (var genre in new[] { "blues", "classical", "jazz", "metal" })
            for (int i = 0; i < 3; i++)
                TestAudio.WriteWav(Path.Combine(root, "songs", genre, $"{genre}.{i:00000}.wav"), 4.0, 8000, seed++);
        var options = PreprocessOptionsFor(Path.Combine(root, "features.h5"));
        var summary = await Preprocessor.RunAsync(options);
        Assert.Equal(48, summary.Segments);
        return options.Output;
    }

    private static TrainerOptions Options(string? checkpoint = null) => new()
    {
        Epochs = 3, BatchSize = 8, Seed = 3, ThreadCount = 2, ValidationFraction = 0.34,
        HyperParameters = new Dictionary<string, double> { ["width"] = 4, ["min_frames"] = 16 },
        CheckpointPath = checkpoint,
    };

    [Fact]
    public async Task DataOfOneGenre_IsRefused_BeforeTraining()
    {
        string root = SharedData.NewTempDir("musicgenre-one-genre");
        for (int i = 0; i < 3; i++) TestAudio.WriteWav(Path.Combine(root, "songs", "metal", $"m{i}.wav"), 2.0, 8000, i + 1);
        var options = new PreprocessOptions
        {
            Input = Path.Combine(root, "songs"), Output = Path.Combine(root, "one.h5"), SegmentSeconds = 1.0, ThreadCount = 2,
            Features = FeaturePresets.LibrosaDefault with { Name = "test8k", SampleRate = 8000, NFft = 512, HopLength = 128, NMels = 32 },
        };
        await Preprocessor.RunAsync(options);
        string model = Path.Combine(root, "m.h5");
        var e = Assert.Throws<InvalidDataException>(() => GenreTrainer.Train(options.Output, model, Options()));
        Assert.Equal("one.h5: every training song is of one genre ('metal'); a genre classifier needs songs of at least two genres", e.Message);
        Assert.False(File.Exists(model));
    }

    [Fact]
    public void CancelledRunResumesFromItsCheckpointToTheUninterruptedModel()
    {
        string dir = SharedData.NewTempDir("musicgenre-trainer-run");
        // 1. Uninterrupted: one metrics report per epoch, in order.
        var epochs = new List<EpochMetrics>();
        string whole = Path.Combine(dir, "whole.h5");
        var full = GenreTrainer.Train(Store.Value, whole, Options(), progress: new SyncProgress<EpochMetrics>(epochs.Add));
        Assert.Equal([1, 2, 3], epochs.Select(e => e.Epoch));
        Assert.Equal(3, full.History.Count);
        Assert.InRange(full.BestEpoch, 1, 3);
        Assert.Equal(32, full.TrainSegments);      // 2 of 3 songs per genre stay for training: 8 songs × 4 segments
        Assert.Equal(16, full.ValidationSegments);

        // 2. Cancelled after the first epoch: no model file, a checkpoint instead.
        string resumed = Path.Combine(dir, "resumed.h5"), checkpoint = resumed + ".checkpoint";
        using var cts = new CancellationTokenSource();
        Assert.ThrowsAny<OperationCanceledException>(() => GenreTrainer.Train(Store.Value, resumed, Options(checkpoint),
            progress: new SyncProgress<EpochMetrics>(e => { if (e.Epoch == 1) cts.Cancel(); }), cancellationToken: cts.Token));
        Assert.False(File.Exists(resumed));
        Assert.True(File.Exists(checkpoint));

        // 3. Resumed: the remaining epochs only, and exactly the weights of the uninterrupted run.
        var later = new List<int>();
        var rest = GenreTrainer.Train(Store.Value, resumed, Options(checkpoint), progress: new SyncProgress<EpochMetrics>(e => later.Add(e.Epoch)));
        Assert.Equal([2, 3], later);
        Assert.Equal(full.BestEpoch, rest.BestEpoch);
        var a = ModelFileReader.Read(whole);
        var b = ModelFileReader.Read(resumed);
        Assert.False(File.Exists(checkpoint)); // a finished run removes its checkpoint
        Assert.Equal(a.Parameters.Select(p => p.Name), b.Parameters.Select(p => p.Name));
        foreach (var (pa, pb) in a.Parameters.Zip(b.Parameters))
            Assert.True(pa.Data.AsSpan().SequenceEqual(pb.Data), $"{pa.Name} differs after resuming");
    }

    /// <summary>
    /// A checkpoint of an earlier build, whose history columns were named <c>lr</c> and <c>is_best</c> (now
    /// <c>learning_rate</c> and <c>best</c>, the names every other history output uses), still resumes: its first
    /// epoch's learning rate and best flag come back in the finished model's history, equal to an uninterrupted run's.
    /// </summary>
    [H5pyFact]
    public void ACheckpointWithTheEarlierHistoryNames_StillResumes()
    {
        string dir = SharedData.NewTempDir("musicgenre-trainer-oldckpt");
        string whole = Path.Combine(dir, "whole.h5"), resumed = Path.Combine(dir, "resumed.h5"), checkpoint = resumed + ".checkpoint";
        GenreTrainer.Train(Store.Value, whole, Options());
        using var cts = new CancellationTokenSource();
        Assert.ThrowsAny<OperationCanceledException>(() => GenreTrainer.Train(Store.Value, resumed, Options(checkpoint),
            progress: new SyncProgress<EpochMetrics>(e => { if (e.Epoch == 1) cts.Cancel(); }), cancellationToken: cts.Token));
        int rc = Python.Run("""
            import sys, h5py
            with h5py.File(sys.argv[1], "r+") as f:
                h = f["progress/history"]
                h.move("learning_rate", "lr"); h.move("best", "is_best")
                print(sorted(h.keys()))
            """, out string output, checkpoint);
        Assert.True(rc == 0, output);
        Assert.Contains("'is_best'", output);

        var later = new List<int>();
        GenreTrainer.Train(Store.Value, resumed, Options(checkpoint), progress: new SyncProgress<EpochMetrics>(e => later.Add(e.Epoch)));
        Assert.Equal([2, 3], later);
        var a = ModelFileReader.Read(whole).Training.History;
        var b = ModelFileReader.Read(resumed).Training.History;
        Assert.Equal(a["learning_rate"], b["learning_rate"]);
        Assert.Equal(a["best"], b["best"]);
        Assert.Equal(a["train_loss"], b["train_loss"]);
    }

    /// <summary>
    /// A checkpoint whose optimizer state, progress or best-epoch weights were damaged is refused before resuming (it
    /// resumed quietly into a wrong model): a changed value fails <c>/progress@state_checksum</c>, and without the checksum
    /// (a checkpoint of an earlier build) impossible progress values and a non-finite optimizer state still fail; each
    /// message names the file and the way out (the CLI adds its --restart). The undamaged checkpoint still resumes.
    /// </summary>
    [H5pyFact]
    public void ADamagedCheckpoint_IsRefused_NotResumedIntoAWrongModel()
    {
        string dir = SharedData.NewTempDir("musicgenre-trainer-badckpt");
        string model = Path.Combine(dir, "m.h5"), checkpoint = model + ".checkpoint", good = Path.Combine(dir, "good.checkpoint");
        using (var cts = new CancellationTokenSource())
            Assert.ThrowsAny<OperationCanceledException>(() => GenreTrainer.Train(Store.Value, model, Options(checkpoint),
                progress: new SyncProgress<EpochMetrics>(e => { if (e.Epoch == 1) cts.Cancel(); }), cancellationToken: cts.Token));
        File.Copy(checkpoint, good);

        foreach (var (damage, expected) in new[]
        {
            ("k = sorted(f['optimizer/state'].keys())[0]; d = f['optimizer/state'][k]; v = d[...]; v.flat[0] += 1.0; d[...] = v", "do not match /progress@state_checksum"),
            ("d = f['best/params']; k = sorted(d.keys())[0]; v = d[k][...]; v.flat[0] = -v.flat[0] + 1.0; d[k][...] = v", "do not match /progress@state_checksum"),
            ("del f['progress'].attrs['state_checksum']; f['progress'].attrs['epoch'] = 5000", "does not follow its history"),
            ("del f['progress'].attrs['state_checksum']; f['progress'].attrs['best_epoch'] = 99", "is not one of the 1 epochs run"),
            ("del f['progress'].attrs['state_checksum']; f['progress'].attrs['seen'] = -7", "correct of -7 seen"),
            ("del f['progress'].attrs['state_checksum']; k = sorted(f['optimizer/state'].keys())[0]; d = f['optimizer/state'][k]; v = d[...]; v.flat[0] = float('nan'); d[...] = v", "holds a value that is not finite"),
        })
        {
            File.Copy(good, checkpoint, overwrite: true);
            int rc = Python.Run("import sys, h5py\nwith h5py.File(sys.argv[1], 'r+') as f:\n    " + damage, out string output, checkpoint);
            Assert.True(rc == 0, output);
            var e = Assert.ThrowsAny<Exception>(() => GenreTrainer.Train(Store.Value, model, Options(checkpoint)));
            Assert.Contains(expected, e.Message);
            Assert.Contains(checkpoint, e.Message);
            Assert.Contains("the file is damaged: delete it to start over", e.Message);
            Assert.False(File.Exists(model));
        }

        File.Copy(good, checkpoint, overwrite: true);
        var later = new List<int>();
        GenreTrainer.Train(Store.Value, model, Options(checkpoint), progress: new SyncProgress<EpochMetrics>(e => later.Add(e.Epoch)));
        Assert.Equal([2, 3], later);
    }

    /// <summary>
    /// Streaming (segments read from the store as batches need them) computes exactly what loading the store does —
    /// with random crops, gain, masks and mixup drawing from the same generator — over one store and over two shards
    /// read as one; and a checkpoint written by a streamed run resumes in memory to the same weights (the data
    /// fingerprint is the same in both modes).
    /// </summary>
    [Fact]
    public async Task StreamedTrainingEqualsInMemoryTraining_AndACheckpointResumesAcrossModes()
    {
        string dir = SharedData.NewTempDir("musicgenre-trainer-stream");
        var augmented = Options() with
        {
            Augmentation = new AugmentationOptions { TimeShiftFrames = 4, GainDb = 6, FrequencyMasks = 1, FrequencyMaskWidth = 4, MixupAlpha = 0.4f, MinCropFrames = 20 },
        };
        // 1. One store, loaded and streamed.
        string loaded = Path.Combine(dir, "loaded.h5"), streamed = Path.Combine(dir, "streamed.h5");
        var a = GenreTrainer.Train(Store.Value, loaded, augmented);
        var b = GenreTrainer.Train(Store.Value, streamed, augmented with { StreamSegments = true });
        Assert.Equal(a.History.Select(h => (h.TrainLoss, h.ValidationLoss)), b.History.Select(h => (h.TrainLoss, h.ValidationLoss)));
        AssertSameWeights(loaded, streamed);

        // 2. Two shards of the same songs read as one: streamed equals loaded (segments come from both files).
        string[] shards = await Task.WhenAll(Enumerable.Range(0, 2).Select(async k =>
        {
            var options = PreprocessOptionsFor(Store.Value) with { Output = Path.Combine(dir, $"part-{k}.h5"), Shard = new ShardSpec(k, 2) };
            await Preprocessor.RunAsync(options);
            return options.Output;
        }));
        string loadedShards = Path.Combine(dir, "loaded-shards.h5"), streamedShards = Path.Combine(dir, "streamed-shards.h5");
        GenreTrainer.Train(shards, loadedShards, augmented);
        GenreTrainer.Train(shards, streamedShards, augmented with { StreamSegments = true });
        AssertSameWeights(loadedShards, streamedShards);

        // 3. A streamed run cancelled after epoch 1 resumes in memory to the uninterrupted weights.
        string resumed = Path.Combine(dir, "resumed.h5"), checkpoint = resumed + ".checkpoint";
        using var cts = new CancellationTokenSource();
        Assert.ThrowsAny<OperationCanceledException>(() => GenreTrainer.Train(Store.Value, resumed, augmented with { StreamSegments = true, CheckpointPath = checkpoint },
            progress: new SyncProgress<EpochMetrics>(e => { if (e.Epoch == 1) cts.Cancel(); }), cancellationToken: cts.Token));
        Assert.True(File.Exists(checkpoint));
        GenreTrainer.Train(Store.Value, resumed, augmented with { CheckpointPath = checkpoint });
        AssertSameWeights(loaded, resumed);
    }

    /// <summary>The preprocessing options that made <see cref="Store"/> (its songs folder is beside it).</summary>
    private static PreprocessOptions PreprocessOptionsFor(string store) => new()
    {
        Input = Path.Combine(Path.GetDirectoryName(store)!, "songs"),
        Output = store,
        Features = FeaturePresets.LibrosaDefault with { Name = "test8k", SampleRate = 8000, NFft = 512, HopLength = 128, NMels = 32 },
        SegmentSeconds = 1.0,
        ThreadCount = 2,
    };

    private static void AssertSameWeights(string expectedModel, string actualModel)
    {
        var a = ModelFileReader.Read(expectedModel);
        var b = ModelFileReader.Read(actualModel);
        Assert.Equal(a.Parameters.Select(p => p.Name), b.Parameters.Select(p => p.Name));
        foreach (var (pa, pb) in a.Parameters.Zip(b.Parameters).Concat(a.Buffers.Zip(b.Buffers)))
            Assert.True(pa.Data.AsSpan().SequenceEqual(pb.Data), $"{pa.Name} of {Path.GetFileName(actualModel)} differs from {Path.GetFileName(expectedModel)}");
    }

    [Fact]
    public void InvalidOptionsAreAllReportedBeforeAnythingIsWritten()
    {
        string model = Path.Combine(SharedData.NewTempDir("musicgenre-trainer-bad"), "model.h5");
        var bad = Options() with { Epochs = 0, BatchSize = 0, LearningRate = -1f };
        var ex = Assert.Throws<TrainerOptionsException>(() => GenreTrainer.Train(Store.Value, model, bad));
        Assert.True(ex.Problems.Count >= 3, string.Join("; ", ex.Problems));
        Assert.Contains(ex.Problems, p => p.Contains("Epochs", StringComparison.Ordinal));
        Assert.Contains(ex.Problems, p => p.Contains("BatchSize", StringComparison.Ordinal));
        Assert.Contains(ex.Problems, p => p.Contains("LearningRate", StringComparison.Ordinal));
        Assert.False(File.Exists(model));
    }
}
