using Xunit;

namespace MusicGenre.TestSupport;

/// <summary>
/// Locates ../shared (data and goldens). Golden folder: MUSICGENRE_GOLDEN_DIR (default ../shared/golden);
/// audio folder: MUSICGENRE_DATA_DIR (default ../shared/data). Never write into these folders.
/// </summary>
public static class SharedData
{
    /// <summary>True when running under CI (CI=true): a missing ../shared is then a failure, not a skip.</summary>
    public static bool IsCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>The repository root (folder holding MusicGenre.sln), found by walking up from the test binary.</summary>
    public static string RepoRoot { get; } = FindRepoRoot();

    /// <summary>../shared relative to the repository root.</summary>
    public static string SharedDir => Path.GetFullPath(Path.Combine(RepoRoot, "..", "shared"));

    public static string GoldenDir =>
        Environment.GetEnvironmentVariable("MUSICGENRE_GOLDEN_DIR") is { Length: > 0 } g ? Path.GetFullPath(g) : Path.Combine(SharedDir, "golden");

    public static string DataDir =>
        Environment.GetEnvironmentVariable("MUSICGENRE_DATA_DIR") is { Length: > 0 } d ? Path.GetFullPath(d) : Path.Combine(SharedDir, "data");

    /// <summary>Full path of a golden file; throws a clear message if it is absent (only reached under CI or when present).</summary>
    public static string Golden(string file) => Require(Path.Combine(GoldenDir, file));

    /// <summary>Full path of a data file under the data folder.</summary>
    public static string Data(string relative) => Require(Path.Combine(DataDir, relative));

    /// <summary>Reason to skip shared-data tests, or null when the data is present or CI=true (then a missing file fails).</summary>
    public static string? SkipReason =>
        Directory.Exists(GoldenDir) && Directory.Exists(DataDir) || IsCi
            ? null
            : $"../shared not found (looked for {GoldenDir} and {DataDir}); set MUSICGENRE_GOLDEN_DIR / MUSICGENRE_DATA_DIR. Under CI=true this is a failure.";

    /// <summary>
    /// A fresh temp folder for scratch files (never inside ../shared), inside this test process's run folder
    /// (<see cref="RunDir"/>). Set MUSICGENRE_KEEP_TEMP=1 to keep them for a look after a failure.
    /// </summary>
    public static string NewTempDir(string prefix = "musicgenre-test")
    {
        // The run folder already says "musicgenre": a shorter path keeps Slurm's munge socket under the 107-byte limit.
        string name = prefix.StartsWith("musicgenre-", StringComparison.Ordinal) ? prefix["musicgenre-".Length..] : prefix;
        string dir = Path.Combine(RunDir.Value, $"{name}-{Guid.NewGuid():N}"[..(name.Length + 13)]);
        Directory.CreateDirectory(dir);
        return dir;
    }

    /// <summary>
    /// Deletes a folder from <see cref="NewTempDir"/> now (a test that made hundreds of megabytes calls it once it has
    /// passed, so a failed test's files stay for a look until the next run). Kept under MUSICGENRE_KEEP_TEMP=1.
    /// </summary>
    public static void DeleteTempDir(string dir)
    {
        if (!KeepTemp && Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
    }

    /// <summary>MUSICGENRE_KEEP_TEMP=1: keep every scratch folder (no deletion, no sweep) for a look after a failure.</summary>
    public static bool KeepTemp => Environment.GetEnvironmentVariable("MUSICGENRE_KEEP_TEMP") == "1";

    /// <summary>Where every test process keeps its run folder: &lt;temp&gt;/musicgenre-tests.</summary>
    public static string TempRoot => Path.Combine(Path.GetTempPath(), "musicgenre-tests");

    /// <summary>
    /// This process's scratch folder, &lt;temp&gt;/musicgenre-tests/&lt;pid&gt;, holding a lock file (an exclusive
    /// <c>flock</c>) for as long as the process lives. A handler deletes it at exit, but <c>dotnet test</c> kills its
    /// test host about 0.1 s after the run ends (measured: the deletion stopped half-way and left 0.7 GB per full run in
    /// /tmp), so every test process first deletes the run folders whose lock no live process holds.
    /// </summary>
    private static readonly Lazy<string> RunDir = new(CreateRunDir, LazyThreadSafetyMode.ExecutionAndPublication);

    private static FileStream? s_runLock; // held, never disposed: the lock lasts until the process ends

    private static string CreateRunDir()
    {
        if (!KeepTemp) DeleteAbandonedRunDirs(TempRoot);
        string dir = Path.Combine(TempRoot, Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        // Another test process sweeping at this moment may hold our new folder's lock while it deletes it: try again.
        for (int attempt = 0; s_runLock is null; attempt++)
        {
            if (attempt == 100) throw new IOException($"could not lock the test run folder {dir}");
            if (attempt > 0) Thread.Sleep(20);
            Directory.CreateDirectory(dir);
            s_runLock = TryLock(dir);
        }
        if (!KeepTemp)
            AppDomain.CurrentDomain.ProcessExit += (_, _) =>
            {
                try { Directory.Delete(dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            };
        return dir;
    }

    /// <summary>
    /// Deletes every run folder under <paramref name="root"/> whose lock file can be taken, i.e. whose process has
    /// ended (also when it was killed); folders of live test processes stay. Returns the folders deleted.
    /// </summary>
    public static IReadOnlyList<string> DeleteAbandonedRunDirs(string root)
    {
        var deleted = new List<string>();
        if (!Directory.Exists(root)) return deleted;
        foreach (string dir in Directory.GetDirectories(root))
        {
            // Delete while holding the lock, so that a process creating this folder right now cannot lock it half-deleted.
            using var held = TryLock(dir);
            if (held is null) continue; // a live process holds it
            try { Directory.Delete(dir, recursive: true); deleted.Add(dir); }
            catch (IOException) { } catch (UnauthorizedAccessException) { } // another sweeper got there first
        }
        return deleted;
    }

    /// <summary>Opens &lt;dir&gt;/.lock exclusively (on Unix .NET takes <c>flock(LOCK_EX | LOCK_NB)</c>); null when held.</summary>
    public static FileStream? TryLock(string dir)
    {
        try { return new FileStream(Path.Combine(dir, ".lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None); }
        catch (IOException) { return null; }
        catch (UnauthorizedAccessException) { return null; }
    }

    private static string Require(string path)
    {
        if (!File.Exists(path))
            throw new FileNotFoundException($"Shared test file missing: {path} (CI={IsCi}). ../shared must be beside the repository.", path);
        return path;
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "MusicGenre.sln")))
                return dir.FullName;
        return Directory.GetCurrentDirectory();
    }
}

/// <summary>A fact that needs ../shared: skipped with a clear message when it is absent, except under CI=true.</summary>
public sealed class SharedFactAttribute : FactAttribute
{
    public SharedFactAttribute() { if (SharedData.SkipReason is { } r) Skip = r; }
}

/// <summary>A theory that needs ../shared: skipped with a clear message when it is absent, except under CI=true.</summary>
public sealed class SharedTheoryAttribute : TheoryAttribute
{
    public SharedTheoryAttribute() { if (SharedData.SkipReason is { } r) Skip = r; }
}
