using BenchmarkDotNet.Attributes;
using MusicGenre.Pipeline.Preprocess;

namespace MusicGenre.Benchmarks.Data;

/// <summary>
/// End-to-end preprocess of 8 real gtzan-mini clips (30 s WAV → 10 librosa_default log-mel segments each → store) with
/// 1 and 2 workers: decode + features + spool + merge. Clips/s = 8 / mean.
/// </summary>
[MemoryDiagnoser]
[InProcessShortRun(warmupCount: 1, iterationCount: 3)]
public class PreprocessBench
{
    private string _dir = "", _manifest = "";
    private int _run;

    [Params(1, 2)]
    public int ThreadCount { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        string gtzan = Path.Combine(BenchData.DataDir(), "gtzan-mini");
        _dir = Path.Combine(Path.GetTempPath(), $"mg-bench-{Guid.NewGuid():N}");
        Directory.CreateDirectory(_dir);
        _manifest = Path.Combine(_dir, "m.csv");
        string[] genres = ["blues", "classical", "country", "disco", "hiphop", "jazz", "metal", "pop"];
        File.WriteAllLines(_manifest, ["path,genre", .. genres.Select(g => $"{gtzan}/{g}/{g}.00001.wav,{g}")]);
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(_dir, recursive: true);

    /// <summary>One full run into a fresh output (nothing to resume).</summary>
    [Benchmark]
    public int Preprocess8Clips()
    {
        var options = new PreprocessOptions { Input = _manifest, Output = Path.Combine(_dir, $"out{_run++}.h5"), ThreadCount = ThreadCount };
        return Preprocessor.RunAsync(options).GetAwaiter().GetResult().Segments;
    }
}
