using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace MusicGenre.Cli.Tests.Slurm;

/// <summary>A fact that needs ../shared and a Slurm cluster: skipped with the reason where one cannot start, except under CI=true.</summary>
public sealed class SlurmFactAttribute : FactAttribute
{
    public SlurmFactAttribute()
    {
        if (SharedData.SkipReason is { } r) Skip = r;
        else if (!SharedData.IsCi && SlurmCluster.CannotStartReason() is { } s) Skip = s + "; under CI=true this test runs and fails instead";
    }
}

/// <summary>One cluster and one single-machine reference store for all Slurm tests, started on first use.</summary>
public sealed class SlurmFixture : IDisposable
{
    private readonly Lazy<SlurmCluster> _cluster;
    private readonly Lazy<string> _single;

    public SlurmFixture()
    {
        Directory = SharedData.NewTempDir("musicgenre-slurm");
        _cluster = new(() => SlurmCluster.Start(Path.Combine(Directory, "cluster")));
        _single = new(() =>
        {
            string store = Path.Combine(Directory, "single.h5");
            var run = CliRunner.Run(["preprocess", SlurmTests.Input, "--out", store, .. SlurmTests.PreprocessOptions]);
            Assert.True(run.Code == 0, run.Err + run.Out);
            return store;
        });
    }

    public string Directory { get; }
    internal SlurmCluster Cluster => _cluster.Value;

    /// <summary>gtzan-mini preprocessed by one <c>musicgenre preprocess</c> on this machine: what the cluster must reproduce.</summary>
    public string SingleMachineStore => _single.Value;

    public void Dispose()
    {
        if (_cluster.IsValueCreated) _cluster.Value.Dispose();
        try { System.IO.Directory.Delete(Directory, recursive: true); } catch (IOException) { } // a daemon may still hold a log
    }
}

/// <summary>
/// The Slurm path end to end on a real one-node cluster (<see cref="SlurmCluster"/>): the committed job scripts
/// <c>examples/slurm/preprocess.sbatch</c> and <c>predict.sbatch</c> as 4-task job arrays over gtzan-mini, one task killed
/// mid-run and resubmitted alone, and the results compared with single-machine runs song for song and bit for bit.
/// </summary>
[Collection(TimingSensitive.Name)]
public sealed class SlurmTests(SlurmFixture fixture) : IClassFixture<SlurmFixture>
{
    internal static string Input => Path.Combine(SharedData.DataDir, "gtzan-mini");

    /// <summary>With altered copies, so that sharding is checked to keep a copy with its original.</summary>
    internal static readonly string[] PreprocessOptions = ["--copies", "clip"];

    private const int Tasks = 4;
    private static readonly TimeSpan JobTimeout = TimeSpan.FromMinutes(5);
    private static string Script(string name) => Path.Combine(SharedData.RepoRoot, "examples", "slurm", name);

    /// <summary>How the job scripts run this build of the CLI (they default to <c>musicgenre</c> on PATH).</summary>
    private static readonly Dictionary<string, string> CliEnv = new()
    {
        ["MUSICGENRE"] = $"dotnet {Path.Combine(AppContext.BaseDirectory, "musicgenre.dll")}",
    };

    [SlurmFact]
    public void PreprocessArray_MergesIntoTheSingleMachineStore()
    {
        string dir = SharedData.NewTempDir("musicgenre-slurm-pre"), parts = Path.Combine(dir, "parts");
        var run = Sbatch(dir, "--wait", "--array=0-3", "pre", Script("preprocess.sbatch"), [Input, parts, $"{Tasks}", .. PreprocessOptions]);
        Assert.True(run.Code == 0, $"sbatch --wait failed ({run.Code}): {run.Err}\n{TaskLogs(dir)}{fixture.Cluster.Logs()}");
        Assert.Equal(Enumerable.Range(0, Tasks).Select(k => $"part-{k}.h5"), Directory.GetFiles(parts, "*.h5").Select(Path.GetFileName).Order(StringComparer.Ordinal));

        MergeAndCompare(parts, Path.Combine(dir, "merged.h5"));
        SharedData.DeleteTempDir(dir); // 250 MB
    }

    [SlurmFact]
    public void KilledTask_ResubmittedAlone_ResumesAndCompletesEverySongOnce()
    {
        string dir = SharedData.NewTempDir("musicgenre-slurm-kill"), parts = Path.Combine(dir, "parts");
        string spool = Path.Combine(parts, "part-2.h5.spool");
        int Finished() => Directory.Exists(spool) ? Directory.GetFiles(spool, "*.part", SearchOption.AllDirectories).Length : 0;

        // 1. Submit the array; as soon as task 2 has finished its first song, cancel that task (Slurm sends SIGTERM).
        var submit = Sbatch(dir, "--parsable", "--array=0-3", "kill", Script("preprocess.sbatch"), [Input, parts, $"{Tasks}", .. PreprocessOptions]);
        Assert.True(submit.Code == 0, submit.Err);
        string job = submit.Out.Trim().Split(';')[0];
        var clock = Stopwatch.StartNew();
        while (Finished() == 0)
        {
            Assert.True(clock.Elapsed < JobTimeout, $"task 2 finished no song in {JobTimeout}\n{TaskLogs(dir)}{fixture.Cluster.Logs()}");
            Thread.Sleep(10);
        }
        var cancel = fixture.Cluster.Run("scancel", null, $"{job}_2");
        Assert.True(cancel.Code == 0, cancel.Err);
        fixture.Cluster.WaitUntilGone(job, JobTimeout);

        // 2. Killed mid-run: no store for shard 2, some songs finished in its spool; the other shards are complete.
        int done = Finished();
        Assert.False(File.Exists(Path.Combine(parts, "part-2.h5")), $"task 2 finished before it was cancelled (spool parts: {done})\n{TaskLogs(dir)}");
        Assert.True(done >= 1, "no finished song in the killed task's spool");
        foreach (int k in new[] { 0, 1, 3 }) Assert.True(File.Exists(Path.Combine(parts, $"part-{k}.h5")), $"part-{k}.h5 missing\n{TaskLogs(dir)}");

        // 3. Resubmit task 2 alone (same shard count): it resumes from the spool and does not recompute finished songs.
        var again = Sbatch(dir, "--wait", "--array=2", "again", Script("preprocess.sbatch"), [Input, parts, $"{Tasks}", .. PreprocessOptions]);
        Assert.True(again.Code == 0, $"resubmitted task failed: {again.Err}\n{TaskLogs(dir)}");
        string log = File.ReadAllText(Directory.GetFiles(Path.Combine(dir, "logs"), "again-*_2.out").Single());
        Assert.Contains(string.Create(CultureInfo.InvariantCulture, $"resumed {done},"), log);

        // 4. Every song exactly once, bit for bit as on one machine (merge refuses a song present twice).
        MergeAndCompare(parts, Path.Combine(dir, "merged.h5"));
        SharedData.DeleteTempDir(dir); // 250 MB
    }

    [SlurmFact]
    public void PredictArray_UnionEqualsOneRun()
    {
        string dir = SharedData.NewTempDir("musicgenre-slurm-predict"), preds = Path.Combine(dir, "preds");
        var run = Sbatch(dir, "--wait", "--array=0-3", "predict", Script("predict.sbatch"), [Input, preds, $"{Tasks}"]);
        Assert.True(run.Code == 0, $"sbatch --wait failed ({run.Code}): {run.Err}\n{TaskLogs(dir)}");

        var parts = Enumerable.Range(0, Tasks).Select(k => File.ReadAllLines(Path.Combine(preds, $"part-{k}.jsonl"))).ToArray();
        Assert.All(parts, p => Assert.NotEmpty(p));
        Assert.Empty(Directory.GetFiles(preds, "*.tmp"));
        var union = parts.SelectMany(p => p).Order(StringComparer.Ordinal).ToArray();

        var one = CliRunner.Run("predict", Input, "--json");
        Assert.True(one.Code == 0, one.Err);
        var expected = one.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(100, expected.Length);
        Assert.Equal(expected, union);
        Assert.All(union, l => Assert.True(JsonDocument.Parse(l).RootElement.TryGetProperty("genre", out _), l));
        SharedData.DeleteTempDir(dir);
    }

    /// <summary>Submits a job script with this build's CLI; task logs go to <c>logs/&lt;tag&gt;-&lt;job&gt;_&lt;task&gt;.out</c>.</summary>
    private (int Code, string Out, string Err) Sbatch(string dir, string mode, string array, string tag, string script, string[] args)
    {
        Directory.CreateDirectory(Path.Combine(dir, "logs")); // Slurm does not create the folder of --output
        return fixture.Cluster.Run("sbatch", CliEnv, [mode, array, "--cpus-per-task=1", $"--chdir={dir}",
            $"--output={Path.Combine(dir, "logs", tag + "-%A_%a.out")}", script, .. args]);
    }

    private void MergeAndCompare(string parts, string merged)
    {
        var merge = CliRunner.Run("merge", parts, "--out", merged);
        Assert.True(merge.Code == 0, merge.Err + merge.Out);
        StoreAssert.SameSongs(fixture.SingleMachineStore, merged);
    }

    private static string TaskLogs(string dir)
    {
        string logs = Path.Combine(dir, "logs");
        if (!Directory.Exists(logs)) return "(no task logs)\n";
        return string.Concat(Directory.GetFiles(logs).Order(StringComparer.Ordinal)
            .Select(f => $"--- {Path.GetFileName(f)}\n{string.Join('\n', File.ReadAllLines(f).TakeLast(5))}\n"));
    }
}
