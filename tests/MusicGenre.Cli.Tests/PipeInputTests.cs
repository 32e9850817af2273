namespace MusicGenre.Cli.Tests;

/// <summary>
/// A named pipe (FIFO) named where a file is read — <c>info</c>'s file, a CSV manifest, a tagtraum <c>.cls</c>, an MSD
/// file or one inside an MSD folder — is refused with the file named, not opened: opening a pipe waits for a writer
/// forever and no signal ends that wait.
/// </summary>
public sealed class PipeInputTests
{
    private static string Fifo(string dir, string name)
    {
        string path = Path.Combine(dir, name);
        using (var mk = System.Diagnostics.Process.Start("mkfifo", path)) mk.WaitForExit();
        return path;
    }

    /// <summary>Runs the command; if it has not returned in 60 s, gives the pipes a writer (so no thread stays blocked) and fails.</summary>
    private static async Task<(int Code, string Out, string Err)> RunBounded(string[] pipes, params string[] args)
    {
        var run = Task.Run(() => CliRunner.Run(args));
        if (await Task.WhenAny(run, Task.Delay(TimeSpan.FromSeconds(60))) != run)
        {
            foreach (var pipe in pipes)
                _ = Task.Run(() => { using (File.OpenWrite(pipe)) { } });
            Assert.Fail($"'{string.Join(' ', args)}' did not return within 60 s (blocked opening a pipe)");
        }
        return await run;
    }

    [Fact]
    public async Task PipesWhereFilesAreRead_AreRefused_NamingTheFile()
    {
        string dir = SharedData.NewTempDir("musicgenre-pipes");
        string h5 = Fifo(dir, "pipe.h5"), csv = Fifo(dir, "pipe.csv"), cls = Fifo(dir, "pipe.cls");
        string[] pipes = [h5, csv, cls];
        string manifest = Path.Combine(dir, "manifest.csv");
        File.WriteAllText(manifest, "track_id,artist_name,status,file\n");
        string model = Path.Combine(SharedData.RepoRoot, "models", "default.h5");

        foreach (var (args, what) in new (string[], string)[]
        {
            (["info", h5], h5),
            (["preprocess", csv, "--out", Path.Combine(dir, "a.h5")], csv),
            (["preprocess", manifest, "--cls", cls, "--out", Path.Combine(dir, "b.h5")], cls),
            (["evaluate", model, csv, "--report", Path.Combine(dir, "report")], csv),
        })
        {
            var r = await RunBounded(pipes, args);
            Assert.True(r.Code is 1 or 2, $"{string.Join(' ', args)}: exit {r.Code}\n{r.Err}");
            Assert.Contains($"{what}: ", r.Err);
            Assert.Contains("a pipe or device is not read", r.Err);
            Assert.Equal(1, r.Err.Split(what).Length - 1); // named once, not "x: x: …"
        }

        // An MSD file that is a pipe, given alone or met in a folder walk, is listed as unreadable; nothing is fetched.
        string msd = Path.Combine(dir, "msd");
        Directory.CreateDirectory(msd);
        string inFolder = Fifo(msd, "TRPIPE.h5");
        foreach (string source in new[] { h5, msd })
        {
            var r = await RunBounded([.. pipes, inFolder], "download", "--msd", source, "--out", Path.Combine(dir, "previews"),
                "--url-template", "http://127.0.0.1:1/{track_id}.mp3");
            Assert.Contains("a pipe or device is not read", r.Out + r.Err);
            Assert.Contains("unreadable", r.Out + r.Err);
        }
        SharedData.DeleteTempDir(dir);
    }
}
