using System.Diagnostics;

namespace MusicGenre.Cli.Tests;

/// <summary>A real `musicgenre` process stopped with a real SIGTERM, as Slurm and Kubernetes stop jobs.</summary>
[Collection(TimingSensitive.Name)]
public sealed class SignalTests
{
    /// <summary>
    /// <c>--checkpoint-every N</c>: a run killed outright (SIGKILL: no handler runs) mid-epoch leaves a checkpoint of its
    /// last N-step mark, not only of the last epoch end. One step per segment and a checkpoint per step make the first
    /// epoch last far longer than the time the kill takes.
    /// </summary>
    [SharedFact]
    public void SigkillMidEpoch_WithCheckpointEvery_LeavesAMidEpochCheckpoint()
    {
        if (OperatingSystem.IsWindows()) return; // SIGKILL is a POSIX signal
        string dir = SharedData.NewTempDir("musicgenre-sigkill"), store = TrainCommandTests.BluesAndMetalStore(dir, songsPerGenre: 2), model = Path.Combine(dir, "m.h5");
        string cli = Path.Combine(AppContext.BaseDirectory, "musicgenre.dll");
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { cli, "train", store, "--out", model, "--epochs", "50", "--batch", "1", "--val-split", "0", "--threads", "1", "--hp", "width=4", "--checkpoint-every", "1" })
            psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var output = p.StandardOutput.ReadToEndAsync();
        var clock = Stopwatch.StartNew();
        while (!File.Exists(model + ".checkpoint") && clock.Elapsed < TimeSpan.FromSeconds(120)) Thread.Sleep(5);
        p.Kill(); // SIGKILL
        p.WaitForExit();
        Assert.True(File.Exists(model + ".checkpoint"), "no checkpoint within 120 s");
        Assert.DoesNotContain("epoch   1/50", output.Result); // killed before the first epoch ended
        var info = CliRunner.Run("info", model + ".checkpoint", "--json");
        Assert.True(info.Code == 0, info.Err);
        using var doc = System.Text.Json.JsonDocument.Parse(info.Out);
        Assert.Equal(1, doc.RootElement.GetProperty("next_epoch").GetInt32());
        Assert.True(doc.RootElement.GetProperty("step_in_epoch").GetInt32() >= 1);
        SharedData.DeleteTempDir(dir);
    }

    /// <summary>Starts a real <c>musicgenre</c> process with <paramref name="args"/> and returns it once <paramref name="file"/> exists (or after 120 s).</summary>
    private static Process StartUntil(string[] args, string file)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "musicgenre.dll"));
        foreach (var a in args) psi.ArgumentList.Add(a);
        var p = Process.Start(psi)!;
        var clock = Stopwatch.StartNew();
        while (!File.Exists(file) && clock.Elapsed < TimeSpan.FromSeconds(120)) Thread.Sleep(5);
        return p;
    }

    /// <summary>
    /// One run at a time per output: while another process holds the lock of a model (train) or of a report folder
    /// (evaluate) — here <c>flock(1)</c>, the lock .NET takes too — a run to it is refused (exit 1) and touches nothing, even
    /// <c>train --restart</c>, which would remove the running one's checkpoint; once the holder is killed the next run
    /// takes the lock, and a finished run removes its lock file.
    /// </summary>
    [SharedFact]
    public void ARunToAnOutputAnotherRunHolds_IsRefused_UntilThatOneEnds()
    {
        if (OperatingSystem.IsWindows()) return; // flock(1) and POSIX locks
        string dir = SharedData.NewTempDir("musicgenre-output-lock"), store = TrainCommandTests.BluesAndMetalStore(dir, songsPerGenre: 2);
        string model = Path.Combine(dir, "m.h5"), checkpoint = model + ".checkpoint", report = Path.Combine(dir, "report");
        string[] train = ["train", store, "--out", model, "--epochs", "1", "--hp", "width=4", "--threads", "1"];
        File.WriteAllText(checkpoint, "the running one's");
        foreach (var (lockFile, args, message) in new[]
        {
            (Path.Combine(dir, ".m.h5.lock"), train.Append("--restart").ToArray(), $"{model}: another training run (the model and its checkpoint) is writing it now"),
            (Path.Combine(dir, ".report.lock"), new[] { "evaluate", Path.Combine(SharedData.RepoRoot, "models", "default.h5"), store, "--report", report },
                $"{report}: another evaluation (its --report folder) is writing it now"),
        })
        {
            using var holder = Process.Start(new ProcessStartInfo("flock", ["--close", lockFile, "sleep", "120"]))!; // --close: sleep does not hold it
            var clock = Stopwatch.StartNew();
            while (!IsLocked(lockFile) && clock.Elapsed < TimeSpan.FromSeconds(60)) Thread.Sleep(10);
            var refused = CliRunner.Run(args);
            holder.Kill(entireProcessTree: true);
            holder.WaitForExit();
            Assert.True(refused.Code == 1, $"exit {refused.Code}: {refused.Err}");
            Assert.Contains(message, refused.Err);
        }
        Assert.Equal("the running one's", File.ReadAllText(checkpoint)); // --restart waited for the lock: nothing removed
        Assert.False(Directory.Exists(report));
        File.Delete(checkpoint);
        var after = CliRunner.Run(train);
        Assert.True(after.Code == 0, after.Err);
        Assert.False(File.Exists(Path.Combine(dir, ".m.h5.lock")), "lock file left after a finished run");
        SharedData.DeleteTempDir(dir);

        static bool IsLocked(string file)
        {
            if (!File.Exists(file)) return false;
            using var probe = Process.Start(new ProcessStartInfo("flock", ["-n", file, "true"]))!;
            probe.WaitForExit();
            return probe.ExitCode != 0;
        }
    }

    /// <summary>
    /// A checkpoint written on another device (a GPU, here by rewriting the device the checkpoint records) resumes on the
    /// CPU, but the model is not the bit-exact continuation: <c>train</c> says so, and the model file names both devices.
    /// </summary>
    [SharedFact]
    public void ResumeOnAnotherDevice_IsNoted_AndTheModelNamesBothDevices()
    {
        if (OperatingSystem.IsWindows()) return; // SIGKILL is a POSIX signal
        string dir = SharedData.NewTempDir("musicgenre-other-device"), store = TrainCommandTests.BluesAndMetalStore(dir, songsPerGenre: 2), model = Path.Combine(dir, "m.h5");
        string[] args = ["train", store, "--out", model, "--epochs", "2", "--batch", "1", "--val-split", "0", "--threads", "1", "--hp", "width=4", "--checkpoint-every", "1"];
        using (var p = StartUntil(args, model + ".checkpoint"))
        {
            p.Kill();
            p.WaitForExit();
        }
        string checkpoint = model + ".checkpoint";
        Assert.True(File.Exists(checkpoint), "no checkpoint within 120 s");
        var state = Nn.Training.CheckpointFile.Read(checkpoint);
        Assert.StartsWith("cpu (1 thread, ", state.Current.Training.Device);
        const string Gpu = "ilgpu Cuda: Test GPU (80 GiB)";
        Nn.Training.CheckpointFile.Write(checkpoint, state with { Current = state.Current with { Training = state.Current.Training with { Device = Gpu } } });

        var resumed = CliRunner.Run(args);
        Assert.True(resumed.Code == 0, resumed.Err);
        string both = $"{Gpu} then {state.Current.Training.Device}";
        Assert.Contains($"note: the run was resumed on another device ({both})", resumed.Err);
        Assert.Equal(both, Nn.ModelFile.ModelFileReader.Read(model).Training.Device);
        SharedData.DeleteTempDir(dir);
    }

    /// <summary>
    /// <c>train --history</c> across a stop and a resume: SIGTERM after the first epoch's line (during the second), then
    /// the same command again; the CSV lists epochs 1–3, the first from the checkpoint, the others as the resumed run ends them.
    /// </summary>
    [SharedFact]
    public void HistoryCsv_ListsTheEpochsOfBothRuns_AfterAResume()
    {
        if (OperatingSystem.IsWindows()) return; // SIGTERM is a POSIX signal
        string dir = SharedData.NewTempDir("musicgenre-history-resume"), store = TrainCommandTests.BluesAndMetalStore(dir, songsPerGenre: 2);
        string model = Path.Combine(dir, "m.h5"), csv = Path.Combine(dir, "h.csv");
        // One step per segment and a checkpoint per step: an epoch lasts long enough for the signal to land inside the next.
        string[] args = ["train", store, "--out", model, "--epochs", "3", "--batch", "1", "--val-split", "0", "--threads", "1", "--hp", "width=4", "--checkpoint-every", "1", "--history", csv];
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "musicgenre.dll"));
        foreach (var a in args) psi.ArgumentList.Add(a);
        using (var p = Process.Start(psi)!)
        {
            var err = p.StandardError.ReadToEndAsync();
            string? line;
            while ((line = p.StandardOutput.ReadLine()) is not null && !line.StartsWith("epoch", StringComparison.Ordinal)) { }
            Assert.NotNull(line);
            using (var kill = Process.Start("kill", ["-TERM", p.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])) kill.WaitForExit();
            p.StandardOutput.ReadToEnd();
            Assert.True(p.WaitForExit(TimeSpan.FromSeconds(60)), "the process did not stop after SIGTERM");
            Assert.True(p.ExitCode == CliApp.Terminated, $"exit {p.ExitCode}: {err.Result}");
        }
        Assert.Equal(["1"], File.ReadAllLines(csv).Skip(1).Select(r => r.Split(',')[0]));

        var resumed = CliRunner.Run(args);
        Assert.True(resumed.Code == 0, resumed.Err);
        Assert.Contains("resuming from the checkpoint", resumed.Err);
        Assert.DoesNotContain("resumed on another device", resumed.Err); // the same device: the bit-exact continuation
        Assert.DoesNotContain("epoch   1/3", resumed.Out); // epoch 1 was not run again...
        Assert.Equal(["1", "2", "3"], File.ReadAllLines(csv).Skip(1).Select(r => r.Split(',')[0])); // ...but is listed
        SharedData.DeleteTempDir(dir);
    }

    [SharedFact]
    public void SigtermDuringTraining_CancelsLikeCtrlC_LeavingACheckpoint()
    {
        if (OperatingSystem.IsWindows()) return; // SIGTERM is a POSIX signal
        // 1. A small store: 2 songs of 2 genres.
        string dir = SharedData.NewTempDir("musicgenre-sigterm");
        string gtzan = Path.Combine(dir, "gtzan");
        foreach (var g in new[] { "blues", "metal" })
        {
            Directory.CreateDirectory(Path.Combine(gtzan, g));
            for (int i = 0; i < 2; i++) File.Copy(SharedData.Data($"gtzan-mini/{g}/{g}.0000{i}.wav"), Path.Combine(gtzan, g, $"{g}.0000{i}.wav"));
        }
        string store = Path.Combine(dir, "s.h5"), model = Path.Combine(dir, "m.h5");
        Assert.Equal(0, CliRunner.Run("preprocess", gtzan, "--out", store, "--genres", "blues,metal").Code);

        // 2. Train in a child process; after its first epoch line, SIGTERM it.
        string cli = Path.Combine(AppContext.BaseDirectory, "musicgenre.dll");
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { cli, "train", store, "--out", model, "--epochs", "200", "--val-split", "0", "--threads", "1", "--hp", "width=4" })
            psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var err = p.StandardError.ReadToEndAsync();
        string? line;
        while ((line = p.StandardOutput.ReadLine()) is not null && !line.StartsWith("epoch", StringComparison.Ordinal)) { }
        Assert.NotNull(line);
        using (var kill = Process.Start("kill", ["-TERM", p.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])) kill.WaitForExit();
        Assert.True(p.WaitForExit(TimeSpan.FromSeconds(60)), "the process did not stop after SIGTERM");
        p.StandardOutput.ReadToEnd();

        // 3. A clean cancellation: exit 143 (128 + SIGTERM, as a shell reports it; 1 would read "finished, some inputs
        //    failed") with the cancel message saying how it resumes, a checkpoint, no model, no temp files.
        Assert.Equal(CliApp.Terminated, p.ExitCode);
        Assert.Contains("cancelled; a re-run resumes from the checkpoint of the last step, when training had begun.", err.Result);
        Assert.True(File.Exists(model + ".checkpoint"));
        Assert.False(File.Exists(model));
        Assert.Empty(Directory.GetFiles(dir, "*.tmp*"));
        SharedData.DeleteTempDir(dir);
    }

    [SharedFact]
    public void SigkillDuringTheStoreWrite_LeavesATemp_WhichTheNextRunRemoves()
    {
        if (OperatingSystem.IsWindows()) return; // kill -KILL is POSIX
        // 1. preprocess of gtzan-mini in a child process; as soon as its store temp appears, SIGKILL it (no clean-up runs).
        string dir = SharedData.NewTempDir("musicgenre-sigkill");
        string store = Path.Combine(dir, "s.h5");
        string gtzan = Path.Combine(SharedData.DataDir, "gtzan-mini");
        string cli = Path.Combine(AppContext.BaseDirectory, "musicgenre.dll");
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { cli, "preprocess", gtzan, "--out", store, "--threads", "2" }) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var drain = Task.WhenAll(p.StandardOutput.ReadToEndAsync(), p.StandardError.ReadToEndAsync());
        string[] Temps() => Directory.GetFiles(dir, ".s.h5.*.tmp");
        // The store is written in its last ~1.5 s (100 songs); polling every 5 ms sees its temp long before the rename.
        var clock = Stopwatch.StartNew();
        while (Temps().Length == 0 && !p.HasExited && clock.Elapsed < TimeSpan.FromMinutes(3)) Thread.Sleep(5);
        Assert.True(Temps().Length == 1, $"no store temp seen (exited: {p.HasExited})");
        p.Kill(); // SIGKILL on Unix, sent from here at once (no clean-up can run)
        p.WaitForExit();
        drain.Wait();
        Assert.Equal(128 + 9, p.ExitCode); // killed by SIGKILL
        string stale = Assert.Single(Temps());
        Assert.False(File.Exists(store));

        // 2. The re-run resumes from the spool, writes the store and removes the dead process's temp.
        var again = CliRunner.Run("preprocess", gtzan, "--out", store, "--threads", "2");
        Assert.True(again.Code == 0, again.Err);
        Assert.Contains("resumed 100", again.Out);
        Assert.False(File.Exists(stale), "the killed run's temp was left behind");
        Assert.Empty(Temps());
        Assert.True(File.Exists(store));
        SharedData.DeleteTempDir(dir); // 64 MB
    }

    [SharedFact]
    public void SigtermDuringABatchPrediction_KeepsTheLinesAlreadyPrinted_InInputOrder()
    {
        if (OperatingSystem.IsWindows()) return; // SIGTERM is a POSIX signal
        // The 100 songs of gtzan-mini (linked, ~10 s of work on one thread), JSON lines to a pipe: each line is printed
        // when its song and all before it are done; the signal follows the first line at once.
        string dir = SharedData.NewTempDir("musicgenre-sigterm-predict");
        var songs = Directory.GetFiles(Path.Combine(SharedData.DataDir, "gtzan-mini"), "*.wav", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToArray();
        for (int i = 0; i < songs.Length; i++) File.CreateSymbolicLink(Path.Combine(dir, $"{i:D3}-{Path.GetFileName(songs[i])}"), songs[i]);
        string cli = Path.Combine(AppContext.BaseDirectory, "musicgenre.dll");
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { cli, "predict", dir, "--json", "--threads", "1" }) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var err = p.StandardError.ReadToEndAsync();
        var lines = new List<string>();
        string? line = p.StandardOutput.ReadLine(); // the first song's line arrives while the others are still running
        Assert.NotNull(line);
        lines.Add(line);
        using (var kill = Process.Start("kill", ["-TERM", p.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])) kill.WaitForExit();
        while ((line = p.StandardOutput.ReadLine()) is not null) lines.Add(line);
        Assert.True(p.WaitForExit(TimeSpan.FromSeconds(60)), "the process did not stop after SIGTERM");

        Assert.Equal(CliApp.Terminated, p.ExitCode);
        Assert.Contains("cancelled; the lines printed so far are complete results; predict does not resume", err.Result);
        Assert.DoesNotContain("re-run resumes", err.Result);
        Assert.InRange(lines.Count, 1, songs.Length - 1); // stopped early, what was printed is kept
        var paths = lines.Select(l => System.Text.Json.JsonDocument.Parse(l).RootElement.GetProperty("path").GetString()!).ToArray();
        Assert.Equal(Directory.GetFiles(dir).Order(StringComparer.Ordinal).Take(lines.Count), paths); // a prefix, in input order
        SharedData.DeleteTempDir(dir);
    }
}
