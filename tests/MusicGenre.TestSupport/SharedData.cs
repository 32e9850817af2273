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
    /// A fresh temp folder for scratch files (never inside ../shared), deleted when the test process exits (set
    /// MUSICGENRE_KEEP_TEMP=1 to keep them for a look after a failure).
    /// </summary>
    public static string NewTempDir(string prefix = "musicgenre-test")
    {
        string dir = Path.Combine(Path.GetTempPath(), $"{prefix}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        lock (TempDirs) TempDirs.Add(dir);
        return dir;
    }

    private static readonly List<string> TempDirs = CleanUpAtExit();

    private static List<string> CleanUpAtExit()
    {
        var dirs = new List<string>();
        if (Environment.GetEnvironmentVariable("MUSICGENRE_KEEP_TEMP") != "1")
            AppDomain.CurrentDomain.ProcessExit += (_, _) =>
            {
                lock (dirs)
                    foreach (var d in dirs)
                        try { Directory.Delete(d, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            };
        return dirs;
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
