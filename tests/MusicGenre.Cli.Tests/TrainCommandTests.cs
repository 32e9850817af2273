using MusicGenre.Cli.Commands;
using MusicGenre.Nn.Training;

namespace MusicGenre.Cli.Tests;

public sealed class TrainCommandTests
{
    [Fact]
    public void EpochLine_ShowsADash_WhenThereIsNoValidation()
    {
        string none = TrainCommand.Describe(new EpochMetrics(3, 20, 0.5, 0.8, double.NaN, double.NaN, 1e-3f, true, TimeSpan.FromSeconds(8)));
        Assert.Contains("val loss – val acc –", none);
        Assert.DoesNotContain("NaN", none);
        string some = TrainCommand.Describe(new EpochMetrics(3, 20, 0.5, 0.8, 0.75, 0.6, 1e-3f, false, TimeSpan.FromSeconds(8)));
        Assert.Contains("val loss 0.7500 val acc 60.0 %", some);
    }

    [Theory]
    [InlineData("robust")]
    [InlineData("robust+standard")]
    public void RobustPresets_CropAndColour(string name)
    {
        var a = TrainCommand.TrainingArgs.AugmentationPreset(name);
        Assert.Equal(86, a.MinCropFrames);
        Assert.True(a.LowPassProbability > 0 && a.TiltDbPerOctave > 0);
        Assert.Equal(name.Contains("standard", StringComparison.Ordinal), a.FrequencyMasks > 0);
    }

    [Fact]
    public void AugmentSets_Combine_AndBadNamesAreUsageErrors()
    {
        var a = TrainCommand.TrainingArgs.AugmentationPreset("robust+timbre+standard");
        Assert.True(a.MinCropFrames == 86 && a.EqDb == 6 && a.PitchShiftBands == 2 && a.FrequencyMasks == 2);
        Assert.Equal(0, TrainCommand.TrainingArgs.AugmentationPreset("robust").EqDb);
        Assert.Equal(0.2f, TrainCommand.TrainingArgs.AugmentationPreset("robust+tempo").TimeStretch);
        Assert.Equal(0f, TrainCommand.TrainingArgs.AugmentationPreset("robust+standard").TimeStretch);
        Assert.False(TrainCommand.TrainingArgs.AugmentationPreset("none").Any);
        Assert.Throws<UsageException>(() => TrainCommand.TrainingArgs.AugmentationPreset("robust+robust"));
        Assert.Throws<UsageException>(() => TrainCommand.TrainingArgs.AugmentationPreset("robust+loud"));
        Assert.Throws<UsageException>(() => TrainCommand.TrainingArgs.AugmentationPreset("none+robust"));
    }

    [Fact]
    public void ABadHyperParameterValue_IsAUsageError()
    {
        string store = Path.Combine(SharedData.NewTempDir(), "missing-is-fine-for-this.h5");
        File.WriteAllText(store, "not read: the options are refused first");
        var (code, _, err) = CliRunner.Run("train", store, "--out", Path.ChangeExtension(store, ".model.h5"), "--hp", "width=0");
        Assert.Equal(2, code);
        Assert.Contains("width", err);
    }

    [Theory]
    [InlineData(new[] { "--hp", "mels=64" }, "'mels' is not set by hand: it comes from the data")]
    [InlineData(new[] { "--hp", "classes=5" }, "'classes' is not set by hand")]
    [InlineData(new[] { "--hp", "frames=100" }, "'frames' is not set by hand")]
    [InlineData(new[] { "--arch", "lachmish2016" }, "--augment robust+standard crops each batch to a random 2–3 s, which --arch lachmish2016 (fixed-length windows), cannot take; use --augment standard")]
    [InlineData(new[] { "--hp", "width=0" }, "'width' = 0 must be an integer in [1, 512].")]
    [InlineData(new[] { "--optimizer", "rmsprop" }, "--optimizer 'rmsprop' is not one of adamw, adam, sgd")]
    [InlineData(new[] { "--schedule", "step", "--warmup", "2" }, "--warmup applies to the cosine schedule only (--schedule step)")]
    [InlineData(new[] { "--weight-decay", "2" }, "--weight-decay must be in [0, 1) (got 2)")]
    [InlineData(new[] { "--clip", "-1" }, "--clip must be finite and ≥ 0 (got -1)")]
    public void OptionsThatWouldBeIgnoredOrFailLater_AreUsageErrors(string[] options, string expected)
    {
        string store = Path.Combine(SharedData.NewTempDir(), "missing-is-fine-for-this.h5");
        File.WriteAllText(store, "not read: the options are refused first");
        var (code, _, err) = CliRunner.Run(["train", store, "--out", Path.ChangeExtension(store, ".model.h5"), .. options]);
        Assert.Equal(2, code);
        Assert.Contains(expected, err);
        Assert.DoesNotContain("(Parameter", err);
    }

    /// <summary>
    /// <c>--init</c> fine-tunes the bundled model on a store of two of its genres: every weight but the output layer is
    /// loaded (a learning rate of 1e-9 keeps them where they start), the output layer is new for blues and metal, and
    /// options that would change the network are refused.
    /// </summary>
    [SharedFact]
    public void Init_FineTunesTheBundledModel_OnOtherGenres()
    {
        string dir = SharedData.NewTempDir("musicgenre-init"), store = BluesAndMetalStore(dir, songsPerGenre: 2), model = Path.Combine(dir, "tuned.h5");
        string bundled = Path.Combine(SharedData.RepoRoot, "models", "default.h5");
        var run = CliRunner.Run("train", store, "--out", model, "--init", bundled, "--epochs", "1", "--lr", "1e-9", "--val-split", "0", "--threads", "1");
        Assert.True(run.Code == 0, run.Err);
        Assert.Contains($"fine-tuned from {bundled}: every weight loaded", run.Out); // blues and metal are among its genres
        var start = Nn.ModelFile.ModelFileReader.Read(bundled);
        var tuned = Nn.ModelFile.ModelFileReader.Read(model);
        Assert.Equal(["blues", "metal"], tuned.Labels);
        Assert.Equal(start.HyperParameters["width"], tuned.HyperParameters["width"]);
        Assert.Equal(start.Normalization.Mean, tuned.Normalization.Mean);
        foreach (var (s, t) in start.Parameters.Zip(tuned.Parameters).Where(p => !p.First.Name.StartsWith("fc.", StringComparison.Ordinal)))
            Close.Assert(s.Data, t.Data, 1e-5, 0, s.Name);
        // The output layer keeps the bundled model's rows of blues (0) and metal (6), by genre name.
        var fc = start.Parameters.Single(p => p.Name == "fc.weight").Data;
        var tunedFc = tuned.Parameters.Single(p => p.Name == "fc.weight").Data;
        int features = fc.Length / 10;
        Close.Assert(fc.AsSpan(0, features), tunedFc.AsSpan(0, features), 1e-5, 0, "blues row");
        Close.Assert(fc.AsSpan(6 * features, features), tunedFc.AsSpan(features, features), 1e-5, 0, "metal row");
        Assert.Contains("init=default.h5", tuned.Training.Options);

        // --init is an input: writing the model over it is refused.
        string copy = Path.Combine(dir, "copy.h5");
        File.Copy(bundled, copy);
        var overwrite = CliRunner.Run("train", store, "--out", copy, "--init", copy, "--epochs", "1");
        Assert.Equal(2, overwrite.Code);
        Assert.Equal(File.ReadAllBytes(bundled), File.ReadAllBytes(copy));

        var refused = CliRunner.Run("train", store, "--out", model, "--init", bundled, "--hp", "width=8", "--force");
        Assert.Equal(2, refused.Code);
        Assert.Contains("--hp is taken from the --init model", refused.Err);
        SharedData.DeleteTempDir(dir);
    }

    [Fact]
    public void OptimizerAndScheduleOptions_ReachTheTrainer()
    {
        var args = new TrainCommand.TrainingArgs();
        var command = new System.CommandLine.Command("t");
        foreach (var o in args.All) command.Add(o);
        var options = args.Build(command.Parse(["--optimizer", "sgd", "--weight-decay", "0.001", "--schedule", "step", "--clip", "2.5"]), null);
        Assert.Equal((OptimizerKind.Sgd, 0.001f, ScheduleKind.Step, 2.5f), (options.Optimizer, options.WeightDecay, options.Schedule, options.GradientClipNorm));
        var defaults = args.Build(command.Parse([]), null);
        Assert.Equal((OptimizerKind.AdamW, 0.01f, ScheduleKind.Cosine, 0, 0f), (defaults.Optimizer, defaults.WeightDecay, defaults.Schedule, defaults.WarmupEpochs, defaults.GradientClipNorm));
        Assert.Equal(3, args.Build(command.Parse(["--warmup", "3", "--epochs", "10"]), null).WarmupEpochs);
    }

    [Fact]
    public void MfccCountsTheNetworkCannotTake_AreUsageErrors_NamingTheOption()
    {
        string store = Path.Combine(SharedData.NewTempDir(), "missing-is-fine-for-this.h5");
        File.WriteAllText(store, "not read: the options are refused first");
        var (code, _, err) = CliRunner.Run("train", store, "--out", Path.ChangeExtension(store, ".model.h5"), "--mfcc", "13");
        Assert.Equal(2, code);
        Assert.Contains("--mfcc 13: Architecture 'default': mels = 13 is too small for 4 pooling blocks", err);
        (code, _, err) = CliRunner.Run("train", store, "--out", Path.ChangeExtension(store, ".model.h5"), "--mfcc", "-2");
        Assert.Equal(2, code);
        Assert.Contains("--mfcc must be in [0, 1024]", err);
    }

    /// <summary>
    /// <c>train --mfcc 20</c> on a real store writes an MFCC model that predict and evaluate (audio and store) use with no
    /// further option: the model says what it takes.
    /// </summary>
    [SharedFact]
    public void AnMfccModel_IsTrainedFromALogMelStore_AndPredictsAndEvaluatesWithoutOptions()
    {
        string dir = SharedData.NewTempDir("musicgenre-mfcc"), store = BluesAndMetalStore(dir, songsPerGenre: 2), model = Path.Combine(dir, "mfcc.h5");
        var train = CliRunner.Run("train", store, "--out", model, "--mfcc", "20", "--epochs", "1", "--hp", "width=4", "--val-split", "0", "--threads", "1");
        Assert.True(train.Code == 0, train.Err);
        var read = Nn.ModelFile.ModelFileReader.Read(model);
        Assert.Equal((20, 128), (read.Mfcc, read.MelBands));
        Assert.Contains("mfcc=20", read.Training.Options);
        Assert.StartsWith("0.", read.Training.Build); // the build that trained it (informational version)
        Assert.StartsWith("cpu (1 thread, ", read.Training.Device); // and the device
        Assert.Matches(@"(?m)^device +cpu \(1 thread, ", CliRunner.Run("info", model).Out);
        var predict = CliRunner.Run("predict", "--model", model, "--json", SharedData.Data("gtzan-mini/metal/metal.00000.wav"));
        Assert.True(predict.Code == 0, predict.Err);
        Assert.Contains("\"genre\"", predict.Out);
        var evaluate = CliRunner.Run("evaluate", model, store, "--report", Path.Combine(dir, "report"));
        Assert.True(evaluate.Code == 0, evaluate.Err);
        Assert.Contains("song accuracy", evaluate.Out);
        SharedData.DeleteTempDir(dir);
    }

    /// <summary>
    /// A store made from two genre folders without --genres names the 10 GTZAN genres: train says that 8 have no songs
    /// (the model gets outputs it never learns, and predicts them now and then); a store made with --genres does not.
    /// </summary>
    [SharedFact]
    public void GenresWithoutSongs_AreNoted()
    {
        string dir = SharedData.NewTempDir("musicgenre-empty-genres"), named = BluesAndMetalStore(dir, songsPerGenre: 1);
        string all = Path.Combine(dir, "all.h5");
        Assert.Equal(0, CliRunner.Run("preprocess", Path.Combine(dir, "gtzan"), "--out", all).Code);
        string[] options = ["--epochs", "1", "--hp", "width=4", "--val-split", "0", "--threads", "1"];
        var train = CliRunner.Run(["train", all, "--out", Path.Combine(dir, "all-model.h5"), .. options]);
        Assert.True(train.Code == 0, train.Err);
        Assert.Contains("note: 8 of the store's 10 genres have no songs (classical, country, disco, hiphop, jazz, pop, reggae, rock)", train.Err);
        var trainNamed = CliRunner.Run(["train", named, "--out", Path.Combine(dir, "named-model.h5"), .. options]);
        Assert.True(trainNamed.Code == 0, trainNamed.Err);
        Assert.DoesNotContain("have no songs", trainNamed.Err);
        SharedData.DeleteTempDir(dir);
    }

    /// <summary>
    /// <c>--history</c> rewrites a CSV of every epoch so far after each epoch: after a run of 3 it has 3 rows matching the
    /// printed epoch lines (a resumed run: <c>SignalTests</c>).
    /// </summary>
    [SharedFact]
    public void History_IsACsvOfEveryEpoch()
    {
        string dir = SharedData.NewTempDir("musicgenre-history"), store = BluesAndMetalStore(dir, songsPerGenre: 2);
        string model = Path.Combine(dir, "m.h5"), csv = Path.Combine(dir, "history.csv");
        string[] train = ["train", store, "--out", model, "--hp", "width=4", "--val-split", "0", "--threads", "1", "--history", csv];
        var first = CliRunner.Run([.. train, "--epochs", "3"]);
        Assert.True(first.Code == 0, first.Err);
        var rows = File.ReadAllLines(csv);
        Assert.Equal(TrainCommand.HistoryHeader, rows[0]);
        Assert.Equal(["1", "2", "3"], rows.Skip(1).Select(r => r.Split(',')[0]));
        Assert.All(rows.Skip(1), r => Assert.Equal("", r.Split(',')[3])); // no validation: an empty val_loss
        // The history may not share a name with the model or its checkpoint (they would overwrite each other mid-run),
        // also before they exist and through a link to the folder.
        string link = Path.Combine(dir, "same-folder");
        Directory.CreateSymbolicLink(link, dir);
        foreach (string clash in new[] { Path.Combine(dir, "new.h5"), Path.Combine(dir, "new.h5.checkpoint"), Path.Combine(link, "new.h5") })
        {
            var r = CliRunner.Run("train", store, "--out", Path.Combine(dir, "new.h5"), "--history", clash, "--epochs", "1");
            Assert.Equal(2, r.Code);
            Assert.Contains("give the history CSV its own name", r.Err);
        }
        Assert.False(File.Exists(Path.Combine(dir, "new.h5")));
        var printed = System.Text.RegularExpressions.Regex.Matches(first.Out, @"epoch +\d+/3: loss ([0-9.]+)").Select(m => m.Groups[1].Value).ToArray();
        Assert.Equal(printed, rows.Skip(1).Select(r => double.Parse(r.Split(',')[1], System.Globalization.CultureInfo.InvariantCulture).ToString("0.0000", System.Globalization.CultureInfo.InvariantCulture)));

        // The model file keeps the same columns (one table, EpochColumns), so `info --json` lists the CSV's rows: the
        // same names in the same order, seconds and best included, and the same values.
        var info = CliRunner.Run("info", model, "--json");
        Assert.True(info.Code == 0, info.Err);
        using var doc = System.Text.Json.JsonDocument.Parse(info.Out);
        var history = doc.RootElement.GetProperty("history").EnumerateArray().ToList();
        Assert.Equal(3, history.Count);
        Assert.Equal(TrainCommand.HistoryHeader.Split(','), history[0].EnumerateObject().Select(p => p.Name));
        for (int e = 0; e < 3; e++)
        {
            var fields = rows[e + 1].Split(',');
            var values = history[e].EnumerateObject().Select(p => p.Value).ToList();
            for (int c = 0; c < fields.Length; c++)
                if (fields[c] == "") Assert.Equal(System.Text.Json.JsonValueKind.Null, values[c].ValueKind);
                else Assert.Equal(double.Parse(fields[c], System.Globalization.CultureInfo.InvariantCulture), values[c].GetDouble(), 3);
        }

        SharedData.DeleteTempDir(dir);
    }

    /// <summary><c>--stream</c> reads the real store's segments batch by batch and writes the same model as loading it.</summary>
    [SharedFact]
    public void Stream_TrainsExactlyTheModelOfALoadedStore()
    {
        string dir = SharedData.NewTempDir("musicgenre-stream"), store = BluesAndMetalStore(dir, songsPerGenre: 3);
        string[] train = ["train", store, "--epochs", "2", "--hp", "width=4", "--threads", "1", "--augment", "robust+standard", "--mixup", "0.2"];
        var loaded = CliRunner.Run([.. train, "--out", Path.Combine(dir, "loaded.h5")]);
        var streamed = CliRunner.Run([.. train, "--out", Path.Combine(dir, "streamed.h5"), "--stream"]);
        Assert.True(loaded.Code == 0 && streamed.Code == 0, loaded.Err + streamed.Err);
        Assert.Contains("read from the store batch by batch", streamed.Out);
        Assert.DoesNotContain("read from the store", loaded.Out);
        var a = Nn.ModelFile.ModelFileReader.Read(Path.Combine(dir, "loaded.h5"));
        var b = Nn.ModelFile.ModelFileReader.Read(Path.Combine(dir, "streamed.h5"));
        foreach (var (pa, pb) in a.Parameters.Zip(b.Parameters))
            Assert.True(pa.Data.AsSpan().SequenceEqual(pb.Data), $"{pa.Name} differs with --stream");
    }

    [SharedFact]
    public void ACheckpointThatCannotBeResumed_NamesTheWayOut_AndRestartDiscardsIt()
    {
        // A store of 2 songs × 2 genres, and a damaged checkpoint where train would resume from.
        string dir = SharedData.NewTempDir("musicgenre-restart"), store = BluesAndMetalStore(dir, songsPerGenre: 2), model = Path.Combine(dir, "m.h5");
        File.WriteAllText(model + ".checkpoint", "not a checkpoint");
        string[] train = ["train", store, "--out", model, "--epochs", "1", "--hp", "width=4", "--val-split", "0", "--threads", "1"];

        var refused = CliRunner.Run(train);
        Assert.Equal(1, refused.Code);
        Assert.Contains("m.h5.checkpoint", refused.Err);
        Assert.Contains("--restart", refused.Err);
        Assert.Contains("resuming from the checkpoint", refused.Err); // said before it is read
        Assert.False(File.Exists(model));

        var restarted = CliRunner.Run([.. train, "--restart"]);
        Assert.True(restarted.Code == 0, restarted.Err);
        Assert.Contains("removed the checkpoint", restarted.Err);
        Assert.True(File.Exists(model));
        Assert.False(File.Exists(model + ".checkpoint"));
    }

    /// <summary>A store in <paramref name="dir"/> of the first <paramref name="songsPerGenre"/> blues and metal songs of gtzan-mini, made by the CLI.</summary>
    internal static string BluesAndMetalStore(string dir, int songsPerGenre)
    {
        string gtzan = Path.Combine(dir, "gtzan"), store = Path.Combine(dir, "s.h5");
        foreach (var g in new[] { "blues", "metal" })
        {
            Directory.CreateDirectory(Path.Combine(gtzan, g));
            for (int i = 0; i < songsPerGenre; i++) File.Copy(SharedData.Data($"gtzan-mini/{g}/{g}.0000{i}.wav"), Path.Combine(gtzan, g, $"{g}.0000{i}.wav"));
        }
        Assert.Equal(0, CliRunner.Run("preprocess", gtzan, "--out", store, "--genres", "blues,metal").Code);
        return store;
    }
}
