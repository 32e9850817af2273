namespace MusicGenre.Cli.Tests;

public sealed class PredictInputsTests
{
    [Fact]
    public void SymlinkLoopsAndLinkedCopies_GiveEachFileOnce()
    {
        string dir = SharedData.NewTempDir("musicgenre-links");
        string songs = Path.Combine(dir, "songs");
        Directory.CreateDirectory(songs);
        string song = Path.Combine(songs, "a.wav");
        File.WriteAllBytes(song, [1, 2, 3]);
        File.WriteAllBytes(Path.Combine(songs, "b.mp3"), [1, 2, 3]);
        Directory.CreateSymbolicLink(Path.Combine(songs, "loop"), songs);          // songs/loop → songs
        File.CreateSymbolicLink(Path.Combine(dir, "alias.wav"), song);             // a second name for a.wav
        var repeats = new List<string>();
        var files = MusicGenre.Cli.Commands.PredictCommand.Expand([songs, dir, song], repeats).ToArray();
        Assert.Equal([song, Path.Combine(songs, "b.mp3")], files.Select(f => f.Path));
        Assert.Equal(["a", "b"], files.Select(f => f.ShardKey));
        Assert.Equal([Path.Combine(dir, "alias.wav"), song], repeats); // the link, then the song named again

        // predict says so (it printed fewer results than inputs without a word).
        string real = Path.Combine(dir, "real.wav");
        File.Copy(Path.Combine(SharedData.RepoRoot, "examples", "audio", "metal-riff.wav"), real);
        File.CreateSymbolicLink(Path.Combine(dir, "link.wav"), real);
        var r = CliRunner.Run("predict", real, Path.Combine(dir, "link.wav"), real);
        Assert.True(r.Code == 0, r.Err);
        Assert.Single(r.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains($"note: 2 inputs are the same file as an earlier one (a link or a repeated name), classified once: {Path.Combine(dir, "link.wav")}, …", r.Err);
    }

    /// <summary>
    /// A folder walk skips dot-files and dot-folders silently, as preprocess does: macOS's AppleDouble <c>._a.wav</c>
    /// beside <c>a.wav</c> (not audio; it used to be decoded and reported as a bad file) and a <c>.Trash</c> folder.
    /// A dot-file named on the command line is still classified: the user asked for it.
    /// </summary>
    [Fact]
    public void FolderWalk_SkipsDotFilesAndDotFolders_LikePreprocess()
    {
        string dir = SharedData.NewTempDir("musicgenre-dotfiles");
        string song = Path.Combine(dir, "a.wav"), appleDouble = Path.Combine(dir, "._a.wav");
        File.WriteAllBytes(song, [1, 2, 3]);
        File.WriteAllBytes(appleDouble, [0, 5, 22, 7]);
        Directory.CreateDirectory(Path.Combine(dir, ".Trash"));
        File.WriteAllBytes(Path.Combine(dir, ".Trash", "old.wav"), [1, 2, 3]);
        Assert.Equal([song], MusicGenre.Cli.Commands.PredictCommand.Expand([dir]).Select(f => f.Path));
        Assert.Equal([appleDouble], MusicGenre.Cli.Commands.PredictCommand.Expand([appleDouble]).Select(f => f.Path));
    }

    /// <summary>
    /// --shard hashes a file's path below the folder given (without extension: a GTZAN folder's song ids), so the same
    /// data under another mount point or through a symlinked folder is split the same way, and shard k of predict holds
    /// the songs of shard k of preprocess.
    /// </summary>
    [Fact]
    public void ShardKeys_DoNotDependOnWhereTheDataIsMounted()
    {
        string dir = SharedData.NewTempDir("musicgenre-shardkey"), data = Path.Combine(dir, "data");
        Directory.CreateDirectory(Path.Combine(data, "blues"));
        for (int i = 0; i < 6; i++) File.WriteAllBytes(Path.Combine(data, "blues", $"blues.0000{i}.wav"), [1]);
        Directory.CreateSymbolicLink(Path.Combine(dir, "mounted-elsewhere"), data);
        var direct = MusicGenre.Cli.Commands.PredictCommand.Expand([data]).Select(f => f.ShardKey).ToArray();
        var linked = MusicGenre.Cli.Commands.PredictCommand.Expand([Path.Combine(dir, "mounted-elsewhere")]).Select(f => f.ShardKey).ToArray();
        Assert.Equal(Enumerable.Range(0, 6).Select(i => $"blues/blues.0000{i}"), direct);
        Assert.Equal(direct, linked);
        Assert.Equal("blues.00003", MusicGenre.Cli.Commands.PredictCommand.ShardKey(Path.Combine(data, "blues", "blues.00003.wav"), null));
        // The keys are the song ids preprocess gives the same folder, so shard k of predict holds shard k of preprocess.
        Assert.Equal(Data.Datasets.GtzanFolder.Load(data).Entries.Select(e => e.SongId), direct);
        Assert.Equal("1:00.0", MusicGenre.Cli.Commands.PredictCommand.Clock(59.97));
        Assert.Equal("0:59.9", MusicGenre.Cli.Commands.PredictCommand.Clock(59.94));
    }

    [SharedFact]
    public void AnEmptyShard_IsAFinishedTask_ForPredictAndPreprocess()
    {
        // One song split 4 ways (as a job array larger than the data would): one shard holds it, three are empty. The
        // empty ones exit 0 with a note (a scheduler must not mark them failed); together they cover the song once.
        string dir = SharedData.NewTempDir("musicgenre-empty-shard"), data = Path.Combine(dir, "data", "blues");
        Directory.CreateDirectory(data);
        File.Copy(SharedData.Data("gtzan-mini/blues/blues.00000.wav"), Path.Combine(data, "blues.00000.wav"));
        int predicted = 0, stores = 0;
        for (int k = 0; k < 4; k++)
        {
            var p = CliRunner.Run("predict", Path.GetDirectoryName(data)!, "--json", "--shard", $"{k}/4");
            Assert.True(p.Code == 0, p.Err);
            int lines = p.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length;
            predicted += lines;
            if (lines == 0) Assert.Contains($"shard {k}/4 holds none of the 1 audio files", p.Err);

            string store = Path.Combine(dir, $"part-{k}.h5");
            var pre = CliRunner.Run("preprocess", Path.GetDirectoryName(data)!, "--out", store, "--shard", $"{k}/4");
            Assert.True(pre.Code == 0, pre.Err + pre.Out);
            if (File.Exists(store)) stores++;
            else Assert.Contains("this shard holds none of the dataset's songs", pre.Out);
        }
        Assert.Equal((1, 1), (predicted, stores));
        // An empty shard's --out holding an earlier run's store is removed: a merge of the parts must not pick it up.
        string full = Enumerable.Range(0, 4).Select(k => Path.Combine(dir, $"part-{k}.h5")).Single(File.Exists);
        int empty = Enumerable.Range(0, 4).First(k => !File.Exists(Path.Combine(dir, $"part-{k}.h5")));
        string stale = Path.Combine(dir, $"part-{empty}.h5");
        File.Copy(full, stale);
        var again = CliRunner.Run("preprocess", Path.GetDirectoryName(data)!, "--out", stale, "--shard", $"{empty}/4");
        Assert.True(again.Code == 0, again.Err);
        Assert.Contains($"removed {stale}: it held an earlier run's songs, and this shard has none", again.Out);
        Assert.False(File.Exists(stale));
        // Another kind of file there (allowed by --force) is not an earlier run's store: it is left alone.
        File.WriteAllText(stale, "my notes");
        var notes = CliRunner.Run("preprocess", Path.GetDirectoryName(data)!, "--out", stale, "--shard", $"{empty}/4", "--force");
        Assert.True(notes.Code == 0, notes.Err);
        Assert.Contains("is not a feature store; left as it is", notes.Err);
        Assert.Equal("my notes", File.ReadAllText(stale));
        // No audio at all is still a usage error.
        Assert.Equal(2, CliRunner.Run("predict", Path.Combine(dir, "missing-nothing-here"), "--shard", "0/4").Code);
    }
}

public sealed class PredictWindowsTests
{
    /// <summary>
    /// <c>--windows</c> gives each window's genres and place in the clip: back to back from 0, the last ending at the clip's
    /// end; the song's probabilities are the mean of the windows' that have signal (so the timeline and the verdict agree;
    /// this example ends in 6 s of a near-silent tail, below −80 dBFS, which is marked and left out).
    /// </summary>
    [Fact]
    public void Windows_AreAGenreTimeline_ThatAveragesToTheSongsProbabilities()
    {
        string song = Path.Combine(SharedData.RepoRoot, "examples", "audio", "metal-riff.wav"); // 24.03 s: 8 whole windows + 1
        var json = CliRunner.Run("predict", song, "--json", "--windows");
        Assert.True(json.Code == 0, json.Err);
        using var doc = System.Text.Json.JsonDocument.Parse(json.Out);
        var root = doc.RootElement;
        int segments = root.GetProperty("segments").GetInt32();
        double seconds = root.GetProperty("seconds").GetDouble();
        var windows = root.GetProperty("windows").EnumerateArray().ToArray();
        Assert.Equal(9, segments);
        Assert.Equal(segments, windows.Length);
        Assert.InRange(seconds, 24.0, 24.1);
        for (int w = 0; w < segments - 1; w++)
        {
            Assert.Equal(3.0 * w, windows[w].GetProperty("start").GetDouble(), 6);
            Assert.Equal(3.0 * w + 3, windows[w].GetProperty("end").GetDouble(), 6);
        }
        Assert.Equal(seconds - 3, windows[^1].GetProperty("start").GetDouble(), 5);
        Assert.Equal(seconds, windows[^1].GetProperty("end").GetDouble(), 5);
        Assert.Equal([false, false, false, false, false, false, true, true, true], windows.Select(w => w.GetProperty("silent").GetBoolean()));
        Assert.Equal(3, root.GetProperty("silent_segments").GetInt32());
        var voiced = windows.Where(w => !w.GetProperty("silent").GetBoolean()).ToArray();
        foreach (var genre in root.GetProperty("probabilities").EnumerateObject())
        {
            double mean = voiced.Average(w => w.GetProperty("probabilities").GetProperty(genre.Name).GetDouble());
            Assert.True(Math.Abs(genre.Value.GetDouble() - mean) <= 1e-6, $"{genre.Name}: song {genre.Value.GetDouble()} vs mean of windows {mean}"); // both printed to 6 decimals
        }

        // Text: the song's line, then one line per window with its time span; without --windows, no "windows" key.
        var text = CliRunner.Run("predict", song, "--windows", "--top", "1");
        var lines = text.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(1 + segments, lines.Length);
        Assert.EndsWith("(9 segments, 3 without signal)", lines[0]);
        Assert.StartsWith("  0:00.0–0:03.0  ", lines[1]);
        Assert.StartsWith("  0:21.0–0:24.0  ", lines[^1]);
        Assert.EndsWith("(no signal: left out)", lines[^1]);
        Assert.DoesNotContain("no signal", lines[1]);
        Assert.DoesNotContain("windows", CliRunner.Run("predict", song, "--json").Out);

        // --embedding: the song's embedding in the JSON line (1,024 numbers for the bundled model); text output refuses it.
        var embedded = CliRunner.Run("predict", song, "--json", "--embedding");
        Assert.True(embedded.Code == 0, embedded.Err);
        using (var e = System.Text.Json.JsonDocument.Parse(embedded.Out))
            Assert.Equal(1024, e.RootElement.GetProperty("embedding").GetArrayLength());
        Assert.DoesNotContain("embedding", json.Out);
        Assert.Equal(2, CliRunner.Run("predict", song, "--embedding").Code);
    }
}
