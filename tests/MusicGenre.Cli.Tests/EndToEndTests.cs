using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using MusicGenre.Api;
using MusicGenre.Data.FeatureStore;

namespace MusicGenre.Cli.Tests;

/// <summary>
/// The whole pipeline through the CLI on real gtzan-mini clips, small enough for CI: preprocess 3 genres × 3 songs,
/// train a few epochs on the CPU, evaluate, predict the project's example songs.
/// </summary>
public class EndToEndTests
{
    private static readonly string[] Genres = ["blues", "classical", "metal"];

    [SharedFact]
    public void PreprocessTrainEvaluatePredict()
    {
        // 1. A GTZAN-style folder with 3 songs of 3 genres (copies in a temp folder; ../shared stays read-only).
        string dir = SharedData.NewTempDir("musicgenre-e2e");
        string gtzan = Path.Combine(dir, "gtzan");
        foreach (var g in Genres)
        {
            Directory.CreateDirectory(Path.Combine(gtzan, g));
            for (int i = 0; i < 3; i++)
                File.Copy(SharedData.Data($"gtzan-mini/{g}/{g}.0000{i}.wav"), Path.Combine(gtzan, g, $"{g}.0000{i}.wav"));
        }
        string store = Path.Combine(dir, "features.h5"), model = Path.Combine(dir, "model.h5"), report = Path.Combine(dir, "report");

        var pre = CliRunner.Run("preprocess", gtzan, "--out", store, "--genres", string.Join(',', Genres), "--threads", "2");
        Assert.True(pre.Code == 0, pre.Err + pre.Out);
        using (var reader = FeatureStoreReader.Open(store))
        {
            Assert.Equal(9, reader.Songs.Count);
            Assert.Equal(90, reader.SegmentCount); // 30 s songs, 3 s segments
            Assert.Equal(Genres, reader.Header.GenreNames);
        }

        // 1b. t-SNE of the 90 segments: a PNG and one CSV row per segment.
        string png = Path.Combine(dir, "tsne.png");
        var tsne = CliRunner.Run("tsne", store, "--out", png, "--points", "segment", "--perplexity", "10");
        Assert.True(tsne.Code == 0, tsne.Err + tsne.Out);
        Assert.True(new FileInfo(png).Length > 1000);
        Assert.Equal(1 + 90, File.ReadAllLines(Path.ChangeExtension(png, ".csv")).Length);

        // 2. Train: the training loss must fall.
        var train = CliRunner.Run("train", store, "--out", model, "--epochs", "4", "--batch", "16", "--lr", "0.003", "--seed", "7", "--threads", "2");
        Assert.True(train.Code == 0, train.Err + train.Out);
        var losses = Regex.Matches(train.Out, @"epoch +\d+/\d+: loss ([0-9.]+)").Select(m => double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)).ToArray();
        Assert.Equal(4, losses.Length);
        Assert.True(losses[^1] < losses[0], $"training loss did not fall: {string.Join(", ", losses)}");
        Assert.True(File.Exists(model));

        // 2b. t-SNE of what the model learnt: one point per song, and per segment; --level does not apply then.
        string learnt = Path.Combine(dir, "learnt.png");
        var byModel = CliRunner.Run("tsne", store, "--model", model, "--out", learnt, "--perplexity", "2");
        Assert.True(byModel.Code == 0, byModel.Err + byModel.Out);
        Assert.Equal(1 + 9, File.ReadAllLines(Path.ChangeExtension(learnt, ".csv")).Length);
        var bySegment = CliRunner.Run("tsne", store, "--model", model, "--out", learnt, "--points", "segment", "--perplexity", "10");
        Assert.True(bySegment.Code == 0, bySegment.Err + bySegment.Out);
        Assert.Equal(1 + 90, File.ReadAllLines(Path.ChangeExtension(learnt, ".csv")).Length);
        Assert.Equal(2, CliRunner.Run("tsne", store, "--model", model, "--out", learnt, "--level", "max").Code);

        // 3. Evaluate: the report folder has every file and the numbers are consistent.
        var eval = CliRunner.Run("evaluate", model, store, "--report", report);
        Assert.True(eval.Code == 0, eval.Err + eval.Out);
        foreach (var f in new[] { "summary.md", "confusion.csv", "confusion.png", "per_genre.csv", "songs.csv" })
            Assert.True(new FileInfo(Path.Combine(report, f)).Length > 0, f);
        var confusion = File.ReadAllLines(Path.Combine(report, "confusion.csv")).Skip(1)
            .Select(l => l.Split(',').Skip(1).Select(int.Parse).ToArray()).ToArray();
        Assert.Equal(9, confusion.Sum(r => r.Sum()));
        double songAccuracy = Enumerable.Range(0, 3).Sum(i => confusion[i][i]) / 9.0;
        Assert.Contains(string.Create(CultureInfo.InvariantCulture, $"song accuracy {songAccuracy:P2}"), eval.Out);

        // 3b. Cross-validation: 3 stratified folds of one song per genre; folds.csv names each song's fold and matches
        //     the songs each fold's report scored.
        string cv = Path.Combine(dir, "cv");
        var folds = CliRunner.Run("evaluate", "--folds", "3", store, "--epochs", "1", "--batch", "16", "--seed", "5", "--threads", "2", "--report", cv, "--keep-models");
        Assert.True(folds.Code == 0, folds.Err + folds.Out);
        var assignment = File.ReadAllLines(Path.Combine(cv, "folds.csv")).Skip(1).Select(l => l.Split(',')).ToArray();
        Assert.Equal(9, assignment.Length);
        for (int k = 1; k <= 3; k++)
        {
            var inFold = assignment.Where(a => a[2] == k.ToString(CultureInfo.InvariantCulture)).ToArray();
            Assert.Equal(Genres, inFold.Select(a => a[1]).Order(StringComparer.Ordinal).ToArray());
            var scored = File.ReadAllLines(Path.Combine(cv, $"fold{k}", "songs.csv")).Skip(1).Select(l => l.Split(',')[0]);
            Assert.Equal(inFold.Select(a => a[0]).Order(StringComparer.Ordinal), scored.Order(StringComparer.Ordinal));
        }
        Assert.Contains("over 3 folds", File.ReadAllText(Path.Combine(cv, "summary.md")));
        // The fold checkpoints that let a stopped run resume (CrossValidationResumeTests) are gone once all folds are done.
        Assert.Empty(Directory.GetFiles(cv, "cv.checkpoint*"));

        // 3c. --keep-models: fold 2's kept model, scored on its own, gives its held-out songs exactly the answers and
        //     probabilities of that fold's report; without --folds the option is refused.
        string foldModel = Path.Combine(cv, "fold2", "model.h5"), again = Path.Combine(dir, "fold2-again");
        var rescore = CliRunner.Run("evaluate", foldModel, store, "--report", again);
        Assert.True(rescore.Code == 0, rescore.Err + rescore.Out);
        var rescored = File.ReadAllLines(Path.Combine(again, "songs.csv")).Skip(1).ToDictionary(l => l.Split(',')[0]);
        var held = File.ReadAllLines(Path.Combine(cv, "fold2", "songs.csv")).Skip(1).ToArray();
        Assert.Equal(3, held.Length);
        foreach (var row in held) Assert.Equal(row, rescored[row.Split(',')[0]]);
        var refused = CliRunner.Run("evaluate", model, store, "--report", Path.Combine(dir, "no"), "--keep-models");
        Assert.Equal(2, refused.Code);
        Assert.Contains("--keep-models needs --folds", refused.Err);

        // 4. Predict the project's own example songs as JSON lines: probabilities over the model's genres sum to 1.
        string examples = Path.Combine(SharedData.RepoRoot, "examples", "audio");
        var predict = CliRunner.Run("predict", "--model", model, examples, "--json", "--top", "2");
        Assert.True(predict.Code == 0, predict.Err);
        var lines = predict.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(Directory.GetFiles(examples, "*.wav").Length, lines.Length);
        foreach (var line in lines)
        {
            using var json = JsonDocument.Parse(line);
            var probs = json.RootElement.GetProperty("probabilities").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetDouble());
            Assert.Equal(Genres, probs.Keys.ToArray());
            Assert.Equal(1.0, probs.Values.Sum(), 4);
            Assert.Equal(2, json.RootElement.GetProperty("top").GetArrayLength());
            Assert.True(json.RootElement.GetProperty("segments").GetInt32() >= 1);
        }

        // 5. The model file reopens through the public API and agrees with the CLI.
        using var classifier = GenreClassifier.Load(model);
        var first = classifier.Predict(Path.Combine(examples, "blues-shuffle.wav"));
        Assert.Equal(Genres, classifier.Genres);
        Assert.Equal(1.0, first.Scores.Sum(s => s.Probability), 4);
        Assert.Contains(lines, l => l.Contains("blues-shuffle.wav") && l.Contains($"\"genre\":\"{first.Top.Genre}\""));
    }

    [SharedFact]
    public void EvaluateScoresAnAudioFolder_WholeAndUnderTheRobustnessProtocol()
    {
        // The bundled model on gtzan-val itself (read-only: the report goes to a temp folder).
        string model = Path.Combine(SharedData.RepoRoot, "models", "default.h5");
        string val = Path.Combine(SharedData.DataDir, "gtzan-val");
        int songs = Directory.GetFiles(val, "*.wav", SearchOption.AllDirectories).Length;
        string dir = SharedData.NewTempDir("musicgenre-eval");

        // The protocol first, then whole clips into the same folder: the excerpts' file does not stay behind.
        string report = Path.Combine(dir, "report");
        var excerpts = CliRunner.Run("evaluate", model, val, "--excerpts", "2-3s", "--per-song", "2", "--gain", "-20", "--report", report);
        Assert.True(excerpts.Code == 0, excerpts.Err + excerpts.Out);
        Assert.Contains($"({2 * songs} excerpts)", excerpts.Out);
        string summary = File.ReadAllText(Path.Combine(report, "summary.md"));
        Assert.Contains("2 excerpts of 2–3 s per song, peak-normalised to 0 dBFS, then -20 dB (clipped to ±1), seed 1234", summary);
        Assert.Equal(1 + songs, File.ReadAllLines(Path.Combine(report, "songs.csv")).Length);
        // Every excerpt scored, with where it lies in its song; their accuracy is the printed excerpt accuracy.
        var rows = File.ReadAllLines(Path.Combine(report, "excerpts.csv"));
        Assert.StartsWith("song_id,excerpt,start_s,seconds,true,predicted,p_blues,", rows[0]);
        Assert.Equal(1 + 2 * songs, rows.Length);
        var cells = rows.Skip(1).Select(r => r.Split(',')).ToArray();
        Assert.All(cells, c => Assert.InRange(double.Parse(c[3], System.Globalization.CultureInfo.InvariantCulture), 2.0, 3.0));
        double accuracy = 100.0 * cells.Count(c => c[4] == c[5]) / cells.Length;
        Assert.Contains(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"excerpt accuracy {accuracy:0.00} %"), excerpts.Out);

        var whole = CliRunner.Run("evaluate", model, val, "--report", report);
        Assert.True(whole.Code == 0, whole.Err + whole.Out);
        Assert.Matches($@"window accuracy [0-9.]+ % \(\d+ windows\); song accuracy [0-9.]+ % \({songs} songs\)", whole.Out);
        Assert.False(File.Exists(Path.Combine(report, "excerpts.csv")), "whole clips have no excerpts: the earlier run's must not look part of this report");
        Assert.DoesNotContain("excerpts", File.ReadAllText(Path.Combine(report, "summary.md")));

        var bad = CliRunner.Run("evaluate", model, val, "--excerpts", "1-3s", "--report", Path.Combine(dir, "bad"));
        Assert.Equal(2, bad.Code);
        Assert.Contains("2 ≤ min ≤ max", bad.Err);
        Assert.False(Directory.Exists(Path.Combine(dir, "bad")), "a refused run leaves no report folder");

        string file = Path.Combine(dir, "notes.txt");
        File.WriteAllText(file, "keep me");
        var onFile = CliRunner.Run("evaluate", model, val, "--report", file);
        Assert.Equal(2, onFile.Code);
        Assert.Contains("is a file", onFile.Err);
        Assert.Equal("keep me", File.ReadAllText(file));
    }

    [SharedFact]
    public void ShardedPreprocessMergesIntoTheSameStore()
    {
        // 2 genres × 3 songs, preprocessed whole and as shards 0/2 and 1/2 (as two machines would), then merged.
        string dir = SharedData.NewTempDir("musicgenre-merge");
        string gtzan = Path.Combine(dir, "gtzan");
        foreach (var g in new[] { "jazz", "pop" })
        {
            Directory.CreateDirectory(Path.Combine(gtzan, g));
            for (int i = 0; i < 3; i++)
                File.Copy(SharedData.Data($"gtzan-mini/{g}/{g}.0000{i}.wav"), Path.Combine(gtzan, g, $"{g}.0000{i}.wav"));
        }
        string whole = Path.Combine(dir, "whole.h5"), parts = Path.Combine(dir, "parts"), merged = Path.Combine(dir, "merged.h5");
        Assert.Equal(0, CliRunner.Run("preprocess", gtzan, "--out", whole, "--genres", "jazz,pop").Code);
        for (int k = 0; k < 2; k++)
        {
            var part = CliRunner.Run("preprocess", gtzan, "--out", Path.Combine(parts, $"part-{k}.h5"), "--genres", "jazz,pop", "--shard", $"{k}/2");
            Assert.True(part.Code == 0, part.Err + part.Out);
        }
        var merge = CliRunner.Run("merge", parts, "--out", merged);
        Assert.True(merge.Code == 0, merge.Err + merge.Out);
        Assert.Contains("6 songs, 60 segments", merge.Out);

        StoreAssert.SameSongs(whole, merged);

        // Training straight from the shards (a folder of them, no merge) gives exactly the model trained on their merge.
        string fromParts = Path.Combine(dir, "from-parts.h5"), fromMerged = Path.Combine(dir, "from-merged.h5");
        string[] trainArgs = ["--epochs", "1", "--hp", "width=4", "--batch", "8", "--seed", "3", "--threads", "1"];
        var t1 = CliRunner.Run(["train", parts, "--out", fromParts, .. trainArgs]);
        Assert.True(t1.Code == 0, t1.Err + t1.Out);
        var t2 = CliRunner.Run(["train", merged, "--out", fromMerged, .. trainArgs]);
        Assert.True(t2.Code == 0, t2.Err + t2.Out);
        var (a, b) = (MusicGenre.Nn.ModelFile.ModelFileReader.Read(fromParts), MusicGenre.Nn.ModelFile.ModelFileReader.Read(fromMerged));
        Assert.Equal(a.Parameters.Count, b.Parameters.Count);
        for (int i = 0; i < a.Parameters.Count; i++)
            Assert.True(a.Parameters[i].Data.AsSpan().SequenceEqual(b.Parameters[i].Data), $"{a.Parameters[i].Name} differs");
        Assert.Contains("2 stores (part-0.h5", a.Training.Data);
        // Shards that share a song are refused, naming both files.
        var dupTrain = CliRunner.Run("train", Path.Combine(parts, "part-0.h5"), whole, "--out", Path.Combine(dir, "dup-model.h5"));
        Assert.Equal(1, dupTrain.Code);
        Assert.Contains("is also in", dupTrain.Err);

        // Merging a shard twice is refused (each song once); the output may not be an input; a missing input is a usage error.
        var twice = CliRunner.Run("merge", Path.Combine(parts, "part-0.h5"), whole, "--out", Path.Combine(dir, "dup.h5"));
        Assert.Equal(1, twice.Code);
        Assert.Contains("is also in", twice.Err);
        Assert.False(File.Exists(Path.Combine(dir, "dup.h5")));
        Assert.Equal(2, CliRunner.Run("merge", whole, "--out", whole).Code);
        Assert.Equal(2, CliRunner.Run("merge", Path.Combine(dir, "missing.h5"), "--out", Path.Combine(dir, "x.h5")).Code);

        // A folder's store as --out would be replaced by the others' songs: refused, and the shard is left as it was
        // (a model or other non-store in the folder, e.g. train's own --out of an earlier run, is simply not an input).
        string part0 = Path.Combine(parts, "part-0.h5");
        byte[] before = File.ReadAllBytes(part0);
        string partsLink = Path.Combine(dir, "parts-link");
        Directory.CreateSymbolicLink(partsLink, parts);
        // Directly, through a link to the folder, or through a link to the output (compared by real path).
        foreach (var (input, output) in new[] { (parts, part0), (partsLink, part0), (parts, Path.Combine(partsLink, "part-0.h5")) })
        {
            var intoFolder = CliRunner.Run("merge", input, "--out", output);
            Assert.Equal(2, intoFolder.Code);
            Assert.Contains("is a feature store in the input folder", intoFolder.Err);
        }
        // Nor may train's --history replace a store inside a folder argument, even with --force.
        var historyOverStore = CliRunner.Run(["train", parts, "--out", Path.Combine(dir, "h-model.h5"), "--history", part0, "--force", .. trainArgs]);
        Assert.Equal(2, historyOverStore.Code);
        Assert.Contains("is also an input of this command", historyOverStore.Err);
        Assert.Equal(before, File.ReadAllBytes(part0));
        // A dot-file in a shard folder (macOS's ._part-0.h5) is not an input.
        File.WriteAllBytes(Path.Combine(parts, "._part-0.h5"), [0, 5, 22, 7]);
        var withDotFile = CliRunner.Run("merge", parts, "--out", Path.Combine(dir, "merged-again.h5"));
        Assert.True(withDotFile.Code == 0, withDotFile.Err);
        File.Delete(Path.Combine(parts, "._part-0.h5"));
        File.Copy(fromParts, Path.Combine(parts, "model.h5"));
        var modelInFolder = CliRunner.Run(["train", parts, "--out", Path.Combine(parts, "model.h5"), "--force", .. trainArgs]);
        Assert.True(modelInFolder.Code == 0, modelInFolder.Err + modelInFolder.Out);
        // That model (and a checkpoint of *.h5 name) stay in the folder: the next run on it leaves them out, with a note.
        File.Copy(Path.Combine(parts, "model.h5"), Path.Combine(parts, "model-b.h5"));
        var modelsLeftOut = CliRunner.Run(["train", parts, "--out", Path.Combine(dir, "next-model.h5"), .. trainArgs]);
        Assert.True(modelsLeftOut.Code == 0, modelsLeftOut.Err + modelsLeftOut.Out);
        foreach (string name in new[] { "model.h5", "model-b.h5" })
            Assert.Contains($"note: {Path.Combine(parts, name)} is a MusicGenre model file, not a feature store; left out", modelsLeftOut.Err);
        Assert.Equal(a.Parameters[0].Data, MusicGenre.Nn.ModelFile.ModelFileReader.Read(Path.Combine(dir, "next-model.h5")).Parameters[0].Data);
        var mergeLeftOut = CliRunner.Run("merge", parts, "--out", Path.Combine(dir, "merged-without-models.h5"));
        Assert.True(mergeLeftOut.Code == 0, mergeLeftOut.Err);
        Assert.Contains("model-b.h5 is a MusicGenre model file, not a feature store; left out", mergeLeftOut.Err);
        File.Delete(Path.Combine(parts, "model-b.h5"));

        // A folder argument without stores is an error naming it, even beside other inputs (a shard folder not yet written).
        string empty = Path.Combine(dir, "no-shards-yet");
        Directory.CreateDirectory(empty);
        foreach (var args in new[] { new[] { "merge", whole, empty, "--out", Path.Combine(dir, "y.h5") }, ["train", whole, empty, "--out", Path.Combine(dir, "y-model.h5"), .. trainArgs] })
        {
            var r = CliRunner.Run(args);
            Assert.Equal(2, r.Code);
            Assert.Contains($"feature store folder '{empty}' holds no *.h5 files", r.Err);
        }
    }

    [Fact]
    public void PredictRejectsBadArgumentsAndCorruptModels()
    {
        string dir = SharedData.NewTempDir();
        string corrupt = Path.Combine(dir, "model.h5");
        File.WriteAllBytes(corrupt, new Random(3).GetItems<byte>(Enumerable.Range(0, 256).Select(i => (byte)i).ToArray(), 4096));
        string example = Path.Combine(SharedData.RepoRoot, "examples", "audio", "metal-riff.wav");

        var bad = CliRunner.Run("predict", "--model", corrupt, example);
        Assert.Equal(1, bad.Code);
        Assert.Contains("model.h5", bad.Err);

        Assert.Equal(2, CliRunner.Run("predict", "--model", corrupt, example, "--top", "0").Code);
        Assert.Equal(2, CliRunner.Run("predict", "--model", corrupt, example, "--shard", "5/2").Code);
        Assert.Equal(2, CliRunner.Run("predict", Path.Combine(dir, "missing.mp3")).Code);
        Assert.Equal(2, CliRunner.Run("predict").Code);
        var device = CliRunner.Run("predict", example, "--device", "tpu");
        Assert.Equal(2, device.Code);
        Assert.Contains("--device 'tpu'", device.Err);
        Assert.Equal(2, CliRunner.Run("predict", example, "--threads", "0").Code);
        var many = CliRunner.Run("predict", example, "--threads", "100000");
        Assert.True(many.Code == 2, many.Err);
        Assert.Contains("--threads 100000 must be in 1..4096", many.Err);
        // predict takes any number of inputs, so a mistyped option arrives as one: named as an option, not a missing file.
        var bogus = CliRunner.Run("predict", "--bogus", example);
        Assert.Equal(2, bogus.Code);
        Assert.Contains("unknown option '--bogus' (see --help; a file of that name: ./--bogus)", bogus.Err);
        var folder = CliRunner.Run("predict", "--model", dir, example);
        Assert.Equal(1, folder.Code);
        Assert.Contains($"{dir}: is a folder, not a model file", folder.Err);
    }

    [Fact]
    public void NonsenseSettings_AreRefused_BeforeAnyWork()
    {
        string dir = SharedData.NewTempDir();
        string model = Path.Combine(SharedData.RepoRoot, "models", "default.h5"), examples = Path.Combine(SharedData.RepoRoot, "examples", "audio");
        // --folds 0 is not "no folds".
        var folds = CliRunner.Run("evaluate", model, examples, "--folds", "0", "--report", Path.Combine(dir, "r0"));
        Assert.Equal(2, folds.Code);
        Assert.Contains("--folds 0 must be at least 2", folds.Err);
        // Segments too short for any network to pool, or so long that a 30 s song is mostly padding.
        string songs = Path.Combine(dir, "in");
        Directory.CreateDirectory(Path.Combine(songs, "metal"));
        File.Copy(Path.Combine(examples, "metal-riff.wav"), Path.Combine(songs, "metal", "a.wav"));
        foreach (var seconds in new[] { "0.001s", "1000s" })
        {
            var segment = CliRunner.Run("preprocess", songs, "--out", Path.Combine(dir, "s.h5"), "--segment", seconds);
            Assert.True(segment.Code != 0, segment.Out);
            Assert.Contains("must be between 1 and 60 s", segment.Err);
        }
        Assert.False(File.Exists(Path.Combine(dir, "s.h5")));
    }
}
