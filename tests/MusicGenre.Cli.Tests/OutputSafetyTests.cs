namespace MusicGenre.Cli.Tests;

/// <summary>An output that is one of the command's inputs (also through a symbolic link) is refused before anything is written.</summary>
public sealed class OutputSafetyTests
{
    [Fact]
    public void AnOutputThatIsAnInput_IsAUsageError_AndTheInputIsKept()
    {
        string dir = SharedData.NewTempDir("musicgenre-clobber");
        string store = Path.Combine(dir, "s.h5"), audio = Path.Combine(dir, "a.wav"), manifest = Path.Combine(dir, "m.csv");
        File.WriteAllText(store, "stands in for a feature store");
        File.Copy(Path.Combine(SharedData.RepoRoot, "examples", "audio", "metal-riff.wav"), audio);
        File.WriteAllText(manifest, $"path,genre\n{audio},metal\n");
        string link = Path.Combine(dir, "link.h5");
        File.CreateSymbolicLink(link, store);
        var before = new[] { store, audio, manifest }.ToDictionary(f => f, File.ReadAllBytes);

        foreach (var args in new[]
        {
            new[] { "train", store, "--out", store },
            new[] { "train", link, "--out", store },
            new[] { "tsne", store, "--out", store },
            new[] { "features", audio, "--preset", "librosa_default", "--out", audio },
            new[] { "preprocess", manifest, "--out", manifest },
        })
        {
            var (code, _, err) = CliRunner.Run(args);
            Assert.True(code == 2, $"{string.Join(' ', args)}: exit {code}: {err}");
            Assert.Contains("is also an input of this command", err);
        }
        foreach (var (file, bytes) in before) Assert.Equal(bytes, File.ReadAllBytes(file));
    }

    /// <summary>
    /// preprocess's inputs are the songs of its folder or manifest, not only the path given: --out naming one of them (also
    /// through a link) is refused before any work even with --force, which allows replacing "a file of another kind" —
    /// the song used to be read, then replaced by the store.
    /// </summary>
    [Fact]
    public void PreprocessOutIsOneOfItsSongs_IsAUsageError_EvenWithForce()
    {
        string dir = SharedData.NewTempDir("musicgenre-clobber-song");
        string folder = Path.Combine(dir, "songs"), song = Path.Combine(folder, "metal", "a.wav"), manifest = Path.Combine(dir, "m.csv");
        Directory.CreateDirectory(Path.GetDirectoryName(song)!);
        File.Copy(Path.Combine(SharedData.RepoRoot, "examples", "audio", "metal-riff.wav"), song);
        File.WriteAllText(manifest, $"path,genre\n{song},metal\n");
        string link = Path.Combine(dir, "link.wav");
        File.CreateSymbolicLink(link, song);
        byte[] before = File.ReadAllBytes(song);
        var entries = Directory.GetFileSystemEntries(dir, "*", SearchOption.AllDirectories).Order().ToArray();

        foreach (var (input, output) in new[] { (folder, song), (manifest, song), (folder, link), (manifest, link) })
        {
            var (code, _, err) = CliRunner.Run("preprocess", input, "--out", output, "--force");
            Assert.True(code == 2, $"preprocess {input} --out {output}: exit {code}: {err}");
            Assert.Contains($"is also an input: the song {song}", err);
            Assert.Equal(before, File.ReadAllBytes(song));
        }
        Assert.Equal(entries, Directory.GetFileSystemEntries(dir, "*", SearchOption.AllDirectories).Order().ToArray());
    }

    /// <summary>
    /// A --report folder that cannot be made or written is a usage error naming --report before any scoring (it was found
    /// only when the report was written, after all the work); an empty path too; an existing file in its place as before.
    /// </summary>
    [Fact]
    public void AnUnwritableReportFolder_IsFoundBeforeTheWork()
    {
        string model = Path.Combine(SharedData.RepoRoot, "models", "default.h5");
        string examples = Path.Combine(SharedData.RepoRoot, "examples", "audio");
        string dir = SharedData.NewTempDir("musicgenre-report-probe"), file = Path.Combine(dir, "file");
        File.WriteAllText(file, "x");
        foreach (var (report, expected) in new[]
        {
            ("/proc/musicgenre-report", "--report '/proc/musicgenre-report': cannot make folders in '/proc'"),
            ("", "--report: an empty path"),
            (file, $"--report '{file}' is a file"),
            (Path.Combine(file, "sub"), $"'{file}' is a file, so no folder can be made there"),
        })
        {
            var (code, _, err) = CliRunner.Run("evaluate", model, examples, "--report", report);
            Assert.True(code == 2, $"--report '{report}': exit {code}: {err}");
            Assert.Contains(expected, err);
        }
        Assert.Equal(["file"], Directory.GetFileSystemEntries(dir).Select(Path.GetFileName));
    }

    [Fact]
    public void DownloadIntoAnExistingFile_IsAUsageError_AndTheFileIsKept()
    {
        string dir = SharedData.NewTempDir("musicgenre-download-out"), file = Path.Combine(dir, "notes.txt");
        File.WriteAllText(file, "my notes");
        var (code, _, err) = CliRunner.Run("download", "--msd", dir, "--out", file, "--url-template", "http://127.0.0.1:9/{track_id}");
        Assert.True(code == 2, $"exit {code}: {err}");
        Assert.Contains($"--out '{file}' is a file", err);
        Assert.Equal("my notes", File.ReadAllText(file));
    }

    [Fact]
    public void AnExistingFileOfAnotherKind_IsKeptUnlessForced()
    {
        string dir = SharedData.NewTempDir("musicgenre-force");
        string audio = Path.Combine(dir, "a.wav"), notes = Path.Combine(dir, "notes.h5"), picture = Path.Combine(dir, "plot.png");
        File.Copy(Path.Combine(SharedData.RepoRoot, "examples", "audio", "metal-riff.wav"), audio);
        File.WriteAllText(notes, "my notes");
        File.WriteAllText(picture, "not a png");
        foreach (var args in new[]
        {
            new[] { "features", audio, "--preset", "librosa_default", "--out", notes },
            new[] { "preprocess", dir, "--out", notes },
            new[] { "train", audio, "--out", notes },
            new[] { "merge", audio, "--out", notes },
            new[] { "tsne", audio, "--out", picture },
        })
        {
            var (code, _, err) = CliRunner.Run(args);
            Assert.True(code == 2, $"{string.Join(' ', args)}: exit {code}: {err}");
            Assert.Contains("refusing to overwrite it (use --force", err);
        }
        Assert.Equal("my notes", File.ReadAllText(notes));
        Assert.Equal("not a png", File.ReadAllText(picture));

        // --force replaces it; an existing HDF5 file (what features writes) is replaced without it.
        Assert.Equal(0, CliRunner.Run("features", audio, "--preset", "librosa_default", "--out", notes, "--force").Code);
        Assert.Equal(0, CliRunner.Run("features", audio, "--preset", "librosa_default", "--out", notes).Code);
    }

    [Fact]
    public void MusicGenreFilesOfAnotherKind_AreKeptUnlessForced()
    {
        // The guard reads the root 'format' attribute: preprocess may not replace a model, train may not replace a
        // feature store, and an HDF5 file that cannot be read (e.g. a truncated store) is not replaced silently either.
        string dir = SharedData.NewTempDir("musicgenre-kinds");
        string audio = Path.Combine(dir, "metal", "a.wav"), store = Path.Combine(dir, "s.h5"), model = Path.Combine(dir, "m.h5"), cut = Path.Combine(dir, "cut.h5");
        Directory.CreateDirectory(Path.GetDirectoryName(audio)!);
        File.Copy(Path.Combine(SharedData.RepoRoot, "examples", "audio", "metal-riff.wav"), audio);
        File.Copy(Path.Combine(SharedData.RepoRoot, "models", "default.h5"), model);
        Assert.Equal(0, CliRunner.Run("preprocess", dir, "--out", store).Code);
        File.WriteAllBytes(cut, File.ReadAllBytes(store)[..100]); // the HDF5 signature, then nothing readable
        var before = new[] { store, model, cut }.ToDictionary(f => f, File.ReadAllBytes);
        foreach (var (args, says) in new[]
        {
            (new[] { "preprocess", dir, "--out", model }, "is a MusicGenre model file, not a MusicGenre feature store"),
            (new[] { "features", audio, "--out", model }, "is a MusicGenre model file, not a 'musicgenre features' file"),
            (new[] { "merge", store, "--out", model }, "is a MusicGenre model file, not a MusicGenre feature store"),
            (new[] { "train", store, "--out", cut }, "exists and cannot be read"),
            (new[] { "preprocess", dir, "--out", cut }, "exists and cannot be read"),
            (new[] { "features", audio, "--out", store }, "is a MusicGenre feature store, not a 'musicgenre features' file"),
        })
        {
            var (code, _, err) = CliRunner.Run(args);
            Assert.True(code == 2, $"{string.Join(' ', args)}: exit {code}: {err}");
            Assert.Contains(says, err);
        }
        foreach (var (file, bytes) in before) Assert.Equal(bytes, File.ReadAllBytes(file));

        // A 'features' file from before files carried a format attribute is still replaced by features without --force.
        string old = Path.Combine(dir, "old-features.h5");
        MusicGenre.Pipeline.Features.FeatureFileWriter.Write(old,
            [.. new[] { "melspec", "logmel", "mfcc" }.Select(n => new MusicGenre.Pipeline.Features.FeatureFileWriter.Dataset(n, [1f, 2f], [1, 2]))],
            new Dictionary<string, object> { ["sr"] = 22050 });
        Assert.Equal(0, CliRunner.Run("features", audio, "--out", old).Code);

        // An output folder that takes no files is found out before any work.
        var (c, _, e) = CliRunner.Run("features", audio, "--out", "/proc/musicgenre-test.h5");
        Assert.True(c == 2, $"exit {c}: {e}");
        Assert.Contains("cannot write files in folder '/proc'", e);
    }

    /// <summary>
    /// Long output names (a CJK title of 70 characters is 210 bytes): a name the file system takes is written, although
    /// its temp (<c>.&lt;name&gt;.&lt;host&gt;.&lt;pid&gt;.&lt;32 hex&gt;.tmp</c>) once made it too long and failed after
    /// the work; a name too long, or one whose checkpoint or spool name is, is a usage error before the work.
    /// </summary>
    [Fact]
    public void LongOutputNames_AreWritten_OrRefusedBeforeTheWork()
    {
        string dir = SharedData.NewTempDir("musicgenre-long-names");
        string audio = Path.Combine(SharedData.RepoRoot, "examples", "audio", "metal-riff.wav");
        string Named(int bytes, string ext) => Path.Combine(dir, new string('歌', (bytes - ext.Length) / 3) + new string('x', (bytes - ext.Length) % 3) + ext);

        string fits = Named(250, ".h5");
        var (code, _, err) = CliRunner.Run("features", audio, "--out", fits);
        Assert.True(code == 0, $"a 250-byte name: exit {code}: {err}");
        Assert.True(new FileInfo(fits).Length > 0);

        string store = Path.Combine(dir, "s.h5");
        File.WriteAllText(store, "train stops at its output names before it reads this");
        foreach (var (args, says) in new[]
        {
            (new[] { "features", audio, "--out", Named(256, ".h5") }, "is 256 bytes long in UTF-8, more than this file system takes"),
            (new[] { "train", store, "--out", Named(251, ".h5") }, "the checkpoint of --out"),
            (new[] { "preprocess", Path.Combine(SharedData.RepoRoot, "examples", "audio"), "--out", Named(252, ".h5") }, "the spool folder of --out"),
        })
        {
            (code, _, err) = CliRunner.Run(args);
            Assert.True(code == 2, $"{args[0]} --out of {System.Text.Encoding.UTF8.GetByteCount(Path.GetFileName(args[^1]))} bytes: exit {code}: {err}");
            Assert.Contains(says, err);
            Assert.Contains("more than this file system takes", err);
        }
        Assert.Equal(["s.h5", Path.GetFileName(fits)], Directory.GetFileSystemEntries(dir).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }
}
