namespace MusicGenre.Benchmarks.Data;

/// <summary>Locates ../shared/data (MUSICGENRE_DATA_DIR overrides) from the benchmark binary, which BenchmarkDotNet runs from deep under bin/.</summary>
internal static class BenchData
{
    public static string DataDir()
    {
        if (Environment.GetEnvironmentVariable("MUSICGENRE_DATA_DIR") is { Length: > 0 } d) return d;
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "MusicGenre.sln")))
                return Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "data"));
        throw new DirectoryNotFoundException("MusicGenre.sln not found above the benchmark; set MUSICGENRE_DATA_DIR");
    }
}
