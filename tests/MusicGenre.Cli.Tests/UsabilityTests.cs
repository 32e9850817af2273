namespace MusicGenre.Cli.Tests;

/// <summary>
/// What a new user ran into (an audit of every command, 2026-12-06): files next to an output overwritten, options that
/// silently did nothing, usage mistakes reported as failures (exit 1 instead of 2), and messages that named code instead
/// of the option typed. Each case here is one of those, checked on the real CLI.
/// </summary>
public sealed class UsabilityTests
{
    private static string BundledModel => Path.Combine(SharedData.RepoRoot, "models", "default.h5");

    [SharedFact]
    public void Tsne_KeepsAForeignCsvBesideItsPlot_ReplacesItsOwn_AndLeavesCopiesOut()
    {
        // A store of 3 blues and 3 metal songs, each with its clipped copy (12 songs in the store).
        string dir = SharedData.NewTempDir("musicgenre-tsne-guard"), gtzan = Path.Combine(dir, "gtzan"), store = Path.Combine(dir, "s.h5");
        foreach (var g in new[] { "blues", "metal" })
        {
            Directory.CreateDirectory(Path.Combine(gtzan, g));
            for (int i = 0; i < 3; i++) File.Copy(SharedData.Data($"gtzan-mini/{g}/{g}.0000{i}.wav"), Path.Combine(gtzan, g, $"{g}.0000{i}.wav"));
        }
        var pre = CliRunner.Run("preprocess", gtzan, "--out", store, "--genres", "blues,metal", "--copies", "clip");
        Assert.True(pre.Code == 0, pre.Err);

        // 1. songs.csv is the user's manifest; the plot songs.png would put its coordinates there: refused, kept.
        string manifest = Path.Combine(dir, "songs.csv"), png = Path.Combine(dir, "songs.png");
        File.WriteAllText(manifest, "path,genre\na.wav,blues\n");
        var refused = CliRunner.Run("tsne", store, "--out", png, "--perplexity", "1");
        Assert.True(refused.Code == 2, $"exit {refused.Code}: {refused.Err}");
        Assert.Contains("the coordinates file beside --out", refused.Err);
        Assert.Contains("--force", refused.Err);
        Assert.Equal("path,genre\na.wav,blues\n", File.ReadAllText(manifest));
        Assert.False(File.Exists(png));

        // 2. Another name: written; one point per song, the 6 copies left out and said so.
        string plot = Path.Combine(dir, "tsne.png"), csv = Path.Combine(dir, "tsne.csv");
        var run = CliRunner.Run("tsne", store, "--out", plot, "--perplexity", "1");
        Assert.True(run.Code == 0, run.Err);
        Assert.Contains("left out 6 altered copies", run.Out);
        var rows = File.ReadAllLines(csv).Skip(1).ToArray();
        Assert.Equal(6, rows.Length);
        Assert.DoesNotContain(rows, r => r.Contains('#'));

        // 3. Its own CSV is replaced on a re-run; --force replaces the foreign one.
        Assert.Equal(0, CliRunner.Run("tsne", store, "--out", plot, "--perplexity", "1", "--seed", "7").Code);
        var forced = CliRunner.Run("tsne", store, "--out", png, "--perplexity", "1", "--force");
        Assert.True(forced.Code == 0, forced.Err);
        Assert.StartsWith("index,id,label,genre,x,y", File.ReadAllText(manifest));

        // 4. --level means what it means in train (max|none); the former --level song|segment still works, with a note.
        var legacy = CliRunner.Run("tsne", store, "--out", plot, "--perplexity", "1", "--level", "segment");
        Assert.True(legacy.Code == 0, legacy.Err);
        Assert.Contains("--level segment is now --points segment", legacy.Err);
        Assert.Equal(6 * 10, File.ReadAllLines(csv).Length - 1); // 6 songs × 10 segments of 3 s
        var current = CliRunner.Run("tsne", store, "--out", plot, "--perplexity", "1", "--points", "segment", "--level", "max");
        Assert.True(current.Code == 0 && !current.Err.Contains("note:", StringComparison.Ordinal), current.Err);
        var clash = CliRunner.Run("tsne", store, "--out", plot, "--points", "song", "--level", "segment");
        Assert.True(clash.Code == 2 && clash.Err.Contains("give max or none", StringComparison.Ordinal), clash.Err);

        // 5. A plot name that is not .png, and a perplexity the songs cannot carry: usage errors.
        var svg = CliRunner.Run("tsne", store, "--out", Path.Combine(dir, "t.svg"));
        Assert.True(svg.Code == 2 && svg.Err.Contains("must end in .png", StringComparison.Ordinal), svg.Err);
        var perplexity = CliRunner.Run("tsne", store, "--out", plot, "--perplexity", "30");
        Assert.True(perplexity.Code == 2 && perplexity.Err.Contains("--perplexity 30 is too large for 6 points", StringComparison.Ordinal), perplexity.Err);
    }

    [SharedFact]
    public void Evaluate_KeepsTheUsersFilesInTheReportFolder_AndRefusesOptionsThatChangeNothing()
    {
        string dir = SharedData.NewTempDir("musicgenre-eval-guard"), data = Path.Combine(dir, "data"), report = Path.Combine(dir, "report");
        Directory.CreateDirectory(Path.Combine(data, "blues"));
        File.Copy(SharedData.Data("gtzan-mini/blues/blues.00000.wav"), Path.Combine(data, "blues", "blues.00000.wav"));
        Directory.CreateDirectory(report);
        string notes = Path.Combine(report, "summary.md");
        File.WriteAllText(notes, "# My notes\n\nnothing to do with evaluate\n");

        var refused = CliRunner.Run("evaluate", BundledModel, data, "--report", report);
        Assert.True(refused.Code == 2, $"exit {refused.Code}: {refused.Err}");
        Assert.Contains("summary.md", refused.Err);
        Assert.Contains("--force", refused.Err);
        Assert.Equal("# My notes\n\nnothing to do with evaluate\n", File.ReadAllText(notes));
        Assert.Single(Directory.GetFiles(report)); // nothing else written either

        // Options that would change nothing: refused, naming why.
        foreach (var (args, why) in new[]
        {
            (new[] { "--gain", "-20" }, "--gain applies only with --excerpts"),
            (new[] { "--per-song", "3" }, "--per-song applies only with --excerpts"),
            (new[] { "--epochs", "3" }, "--epochs is a training option: it applies only with --folds"),
            (new[] { "--hp", "width=99" }, "--hp is a training option"),
            (new[] { "--seed", "5" }, "--seed applies only with --folds or --excerpts"),
        })
        {
            var r = CliRunner.Run(["evaluate", BundledModel, data, "--report", Path.Combine(dir, "other"), .. args]);
            Assert.True(r.Code == 2 && r.Err.Contains(why, StringComparison.Ordinal), $"{string.Join(' ', args)}: exit {r.Code}: {r.Err}");
        }
        Assert.False(Directory.Exists(Path.Combine(dir, "other")));

        // --force replaces the notes with the report; a second run replaces the report's own files without it.
        var forced = CliRunner.Run("evaluate", BundledModel, data, "--report", report, "--force");
        Assert.True(forced.Code == 0, forced.Err);
        Assert.Contains("| level | items | accuracy |", File.ReadAllText(notes));
        // Only cross-validation writes features.h5 there: without --folds a file of that name is none of its business.
        File.WriteAllText(Path.Combine(report, "features.h5"), "mine");
        var again = CliRunner.Run("evaluate", BundledModel, data, "--report", report);
        Assert.True(again.Code == 0, again.Err);
        Assert.Equal("mine", File.ReadAllText(Path.Combine(report, "features.h5")));
    }

    [SharedFact]
    public void Evaluate_AnUnreadableSong_FailsTheCommand_AfterScoringTheOthers_AndTheReportNamesIt()
    {
        string dir = SharedData.NewTempDir("musicgenre-eval-bad"), data = Path.Combine(dir, "data"), report = Path.Combine(dir, "report");
        Directory.CreateDirectory(Path.Combine(data, "blues"));
        File.Copy(SharedData.Data("gtzan-mini/blues/blues.00000.wav"), Path.Combine(data, "blues", "blues.00000.wav"));
        string bad = Path.Combine(data, "blues", "bad.wav");
        File.WriteAllText(bad, "RIFF not really");

        var run = CliRunner.Run("evaluate", BundledModel, data, "--report", report);
        Assert.True(run.Code == 1, $"exit {run.Code}: {run.Err}");
        Assert.Contains("(1 songs)", run.Out); // the readable song was scored
        Assert.Contains("1 audio file could not be read", run.Err);
        string summary = File.ReadAllText(Path.Combine(report, "summary.md"));
        Assert.Contains("Not scored: 1 audio file could not be read", summary);
        Assert.Contains(bad, summary);
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(run.Err, System.Text.RegularExpressions.Regex.Escape(bad))); // the skip line names it once
    }

    [SharedFact]
    public void UsageMistakes_AreExitCode2_NamingTheOptionTyped()
    {
        string dir = SharedData.NewTempDir("musicgenre-usage"), store = TrainCommandTests.BluesAndMetalStore(dir, songsPerGenre: 2);
        string gtzan = Path.Combine(dir, "gtzan"), model = Path.Combine(dir, "m.h5");
        foreach (var (args, message) in new[]
        {
            (new[] { "preprocess", gtzan, "--out", Path.Combine(dir, "x.h5"), "--segment", "0.5s" }, "--segment 0.5 s must be between 1 and 60 s"),
            (new[] { "preprocess", gtzan, "--out", Path.Combine(dir, "x.h5"), "--preset", "seed_exact" }, "cuts its own windows"),
            (new[] { "train", store, "--out", model, "--val-split", "1" }, "--val-split must be in [0, 1) (got 1)"),
            (new[] { "train", store, "--out", model, "--batch", "0" }, "--batch must be in [1, 65536]"),
            (new[] { "train", store, "--out", model, "--split-by", "foo" }, "--split-by 'foo' is not one of song, artist"),
            (new[] { "train", store, "--out", model, "--augment", "none+robust" }, "'none' cannot be joined with other sets"),
            (new[] { "tsne", store, "--out", Path.Combine(dir, "t.png"), "--perplexity", "0" }, "--perplexity is 0; it must be positive"),
            // A value that would be recorded and never used, and a crop shorter than the network allows (exit 1 before, naming Augmentation.MinCropFrames).
            (new[] { "train", store, "--out", model, "--arch", "lachmish2016", "--augment", "standard", "--hp", "frames=599" }, "--hp frames: the input frames come from the store's segments"),
            (new[] { "train", store, "--out", model, "--hp", "min_frames=100" }, "crops batches down to 86 frames (2 s), below the 100 frames --hp min_frames asks for"),
        })
        {
            var r = CliRunner.Run(args);
            Assert.True(r.Code == 2 && r.Err.Contains(message, StringComparison.Ordinal), $"{string.Join(' ', args)}: exit {r.Code}: {r.Err}");
        }
        Assert.False(File.Exists(model) || File.Exists(Path.Combine(dir, "x.h5")));

        // An unknown command is said once, not also as "Required command was not provided".
        var unknown = CliRunner.Run("foo");
        Assert.Equal(2, unknown.Code);
        Assert.Contains("Unrecognized command or argument 'foo'", unknown.Err);
        Assert.DoesNotContain("Required command was not provided", unknown.Err);
    }

    [SharedFact]
    public void SplitByArtist_OnAStoreWithoutArtists_IsRefused_NotSilentlyASongSplit()
    {
        string dir = SharedData.NewTempDir("musicgenre-artist"), store = TrainCommandTests.BluesAndMetalStore(dir, songsPerGenre: 2);
        var r = CliRunner.Run("train", store, "--out", Path.Combine(dir, "m.h5"), "--split-by", "artist", "--epochs", "1", "--hp", "width=4", "--threads", "1");
        Assert.True(r.Code == 1, $"exit {r.Code}: {r.Err}");
        Assert.Contains("--split-by artist, but no song has an artist", r.Err);
        Assert.False(File.Exists(Path.Combine(dir, "m.h5")));
        var cv = CliRunner.Run("evaluate", "--folds", "2", store, "--split-by", "artist", "--report", Path.Combine(dir, "cv"), "--epochs", "1", "--hp", "width=4");
        Assert.True(cv.Code == 1 && cv.Err.Contains("no song has an artist", StringComparison.Ordinal), cv.Err);
    }

    [SharedFact]
    public void SplitByArtist_KeepsAnArtistOfTwoGenresTogether()
    {
        // tagtraum labels tracks, not artists: an artist may have songs of two genres (B here: two blues, one metal). Its
        // songs stay on one side of the validation split and in one fold, counted under its main genre.
        string dir = SharedData.NewTempDir("musicgenre-artist2"), manifest = Path.Combine(dir, "songs.csv"), store = Path.Combine(dir, "s.h5");
        var rows = new[] { ("blues", 0, "A"), ("blues", 1, "A"), ("blues", 2, "B"), ("blues", 3, "B"), ("metal", 0, "B"), ("metal", 1, "C"), ("metal", 2, "C"), ("metal", 3, "D"), ("blues", 4, "E") };
        File.WriteAllLines(manifest, ["path,genre,song_id,artist", .. rows.Select(r => $"{SharedData.Data($"gtzan-mini/{r.Item1}/{r.Item1}.0000{r.Item2}.wav")},{r.Item1},{r.Item1}{r.Item2},{r.Item3}")]);
        var pre = CliRunner.Run("preprocess", manifest, "--out", store, "--genres", "blues,metal");
        Assert.True(pre.Code == 0, pre.Err + pre.Out);
        string[] small = ["--epochs", "1", "--hp", "width=4", "--threads", "1", "--split-by", "artist"];
        var train = CliRunner.Run(["train", store, "--out", Path.Combine(dir, "m.h5"), "--val-split", "0.5", .. small]);
        Assert.True(train.Code == 0, train.Err + train.Out);
        var cv = CliRunner.Run(["evaluate", "--folds", "2", store, "--report", Path.Combine(dir, "cv"), .. small]);
        Assert.True(cv.Code == 0, cv.Err + cv.Out);
        var fold = File.ReadAllLines(Path.Combine(dir, "cv", "folds.csv")).Skip(1).Select(l => l.Split(',')).ToDictionary(f => f[0], f => f[2]);
        Assert.Single(new[] { "blues2", "blues3", "metal0" }.Select(id => fold[id]).Distinct());
        Assert.Single(new[] { "metal1", "metal2" }.Select(id => fold[id]).Distinct());
    }

    [SharedFact]
    public void PreprocessWithTagtraumLabels_KeepsTheLabelFilesGenres_NotOnlyTheGtzanOnes()
    {
        // Two MSD-named previews (real MP3s), labelled Pop_Rock and Rap: neither is a GTZAN genre.
        string dir = SharedData.NewTempDir("musicgenre-cls"), previews = Path.Combine(dir, "previews");
        Directory.CreateDirectory(previews);
        File.Copy(SharedData.Data("mp3/TRWJAZW128F42760DD_test.mp3"), Path.Combine(previews, "TRWJAZW128F42760DD.mp3"));
        File.Copy(SharedData.Data("mp3/joram-moments_of_clarity-08-solipsism-59-88.mp3"), Path.Combine(previews, "TRAAAAW128F429D538.mp3"));
        string cls = Path.Combine(dir, "labels.cls");
        File.WriteAllText(cls, "TRWJAZW128F42760DD\tPop_Rock\nTRAAAAW128F429D538\tRap\nTRAAABD128F429CF47\tBlues\n");

        string store = Path.Combine(dir, "msd.h5");
        var run = CliRunner.Run("preprocess", previews, "--cls", cls, "--out", store);
        Assert.True(run.Code == 0, run.Err + run.Out);
        using (var reader = Data.FeatureStore.FeatureStoreReader.Open(store))
        {
            Assert.Equal(new[] { "Blues", "Pop_Rock", "Rap" }, reader.Header.GenreNames);
            Assert.Equal(2, reader.Songs.Count);
        }

        // --genres still chooses: the GTZAN list keeps neither song.
        var gtzan = CliRunner.Run("preprocess", previews, "--cls", cls, "--genres", "gtzan", "--out", Path.Combine(dir, "gtzan.h5"));
        Assert.True(gtzan.Code == 1 && gtzan.Err.Contains("no audio file could be labelled", StringComparison.Ordinal), gtzan.Err);
    }

    [Fact]
    public async Task AMisspeltMp3DecoderSwitch_IsAUsageError_NotTheDefaultDecoderInSilence()
    {
        // In a child process: the variable is read process-wide, so setting it here would reach other tests.
        string cli = Path.Combine(AppContext.BaseDirectory, "musicgenre.dll");
        var psi = new System.Diagnostics.ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { cli, "predict", Path.Combine(SharedData.RepoRoot, "examples", "audio", "metal-riff.wav") }) psi.ArgumentList.Add(a);
        psi.Environment["MUSICGENRE_MP3_DECODER"] = "nlayr";
        using var p = System.Diagnostics.Process.Start(psi)!;
        var errTask = p.StandardError.ReadToEndAsync();
        string output = await p.StandardOutput.ReadToEndAsync();
        string err = await errTask;
        Assert.True(p.WaitForExit(TimeSpan.FromMinutes(2)));
        Assert.True(p.ExitCode == 2, $"exit {p.ExitCode}: {output}{err}");
        Assert.Contains("MUSICGENRE_MP3_DECODER is 'nlayr'", err);
        Assert.Equal("", output);
    }

    [Fact]
    public void Predict_ReadsAudioFromStandardInput_AsFromTheFile()
    {
        string wav = Path.Combine(SharedData.RepoRoot, "examples", "audio", "metal-riff.wav");
        var fromFile = CliRunner.Run("predict", wav, "--json");
        var fromStdin = CliRunner.RunWithStdin(File.ReadAllBytes(wav), "predict", "-", "--json");
        Assert.True(fromFile.Code == 0 && fromStdin.Code == 0, fromFile.Err + fromStdin.Err);
        // The same probabilities; only the path differs ("stdin").
        Assert.Equal(fromFile.Out.Replace(System.Text.Json.JsonEncodedText.Encode(wav).ToString(), "stdin", StringComparison.Ordinal), fromStdin.Out);

        var mixed = CliRunner.RunWithStdin(File.ReadAllBytes(wav), "predict", "-", wav);
        Assert.True(mixed.Code == 2 && mixed.Err.Contains("must be the only input", StringComparison.Ordinal), mixed.Err);
        var garbage = CliRunner.RunWithStdin("not audio at all, just text"u8.ToArray(), "predict", "-");
        Assert.True(garbage.Code == 1 && garbage.Err.Contains("stdin", StringComparison.Ordinal), garbage.Err);
    }

    /// <summary>
    /// Scoring a store cut into segments of another length than the model's windows is allowed (the default network
    /// takes any length) but says so, on stderr and in summary.md; a store of the model's length gets no such note.
    /// </summary>
    [SharedFact]
    public void EvaluatingAStoreOfAnotherSegmentLength_SaysSo()
    {
        string dir = SharedData.NewTempDir("musicgenre-seglen"), songs = Path.Combine(dir, "songs");
        foreach (var g in new[] { "blues", "metal" })
        {
            Directory.CreateDirectory(Path.Combine(songs, g));
            File.Copy(SharedData.Data($"gtzan-mini/{g}/{g}.00000.wav"), Path.Combine(songs, g, $"{g}.00000.wav"));
        }
        string model = Path.Combine(SharedData.RepoRoot, "models", "default.h5");
        foreach (var (seconds, noted) in new[] { ("5s", true), ("3s", false) })
        {
            string store = Path.Combine(dir, $"s{seconds}.h5"), report = Path.Combine(dir, $"r{seconds}");
            Assert.Equal(0, CliRunner.Run("preprocess", songs, "--out", store, "--segment", seconds).Code);
            var r = CliRunner.Run("evaluate", model, store, "--report", report);
            Assert.True(r.Code == 0, r.Err);
            const string Note = "The store's segments are 5 s long, the model's windows 3 s: each segment was scored whole";
            Assert.Equal(noted, r.Err.Contains("note: " + Note, StringComparison.Ordinal));
            Assert.Equal(noted, File.ReadAllText(Path.Combine(report, "summary.md")).Contains(Note, StringComparison.Ordinal));
        }
    }

    /// <summary>
    /// Evaluate, as predict, says which files hold (almost) no signal: a warning each on the error stream and a list in
    /// summary.md. They are still scored (a silent track is part of a test set's songs), but a listener reads the figures
    /// knowing it; before, evaluate scored them without a word.
    /// </summary>
    [Fact]
    public void Evaluate_SaysWhichFilesHoldNoSignal()
    {
        string dir = SharedData.NewTempDir("musicgenre-eval-silence"), data = Path.Combine(dir, "data"), report = Path.Combine(dir, "report");
        Directory.CreateDirectory(Path.Combine(data, "metal"));
        File.Copy(Path.Combine(SharedData.RepoRoot, "examples", "audio", "metal-riff.wav"), Path.Combine(data, "metal", "riff.wav"));
        CultureTests.WriteConstantWav(Path.Combine(data, "metal", "silence.wav"), 0, 3 * 22050, 22050);

        var r = CliRunner.Run("evaluate", BundledModel, data, "--report", report);

        Assert.True(r.Code == 0, r.Err);
        var warning = Assert.Single(r.Err.Split('\n'), l => l.StartsWith("warning: ", StringComparison.Ordinal));
        Assert.Equal($"warning: {Path.Combine(data, "metal", "silence.wav")}: (almost) no signal (digital silence); the genre means nothing", warning);
        Assert.Contains("(2 songs)", r.Out); // still scored
        string summary = File.ReadAllText(Path.Combine(report, "summary.md"));
        Assert.Contains("**Scored, but (almost) without signal: 1 audio file**", summary);
        Assert.Contains("silence.wav: (almost) no signal (digital silence)", summary);
    }
}
