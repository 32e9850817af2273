using BenchmarkDotNet.Attributes;
using MusicGenre.Audio;

namespace MusicGenre.Benchmarks.Audio;

/// <summary>
/// Memory for a 10-minute file: streaming through <see cref="AudioStreamReader"/> in 8192-sample blocks (Allocated/op is
/// every byte allocated while decoding the whole file, so it bounds the peak heap growth) versus
/// <see cref="AudioFile.Load(string, AudioLoadOptions?)"/>, which must hold all 13.2 M output samples.
/// </summary>
[Config(typeof(AudioBenchConfig))]
public class StreamingMemoryBench
{
    private static readonly AudioLoadOptions Native = new() { TargetSampleRate = null };
    private static readonly AudioLoadOptions To16k = new() { TargetSampleRate = 16000 };
    private readonly float[] _block = new float[8192];
    private string _dir = "", _wav = "", _mp3 = "";

    [GlobalSetup]
    public void Setup()
    {
        _dir = AudioBenchFiles.NewTempDir();
        _wav = AudioBenchFiles.MakeTenMinuteWav(_dir);
        _mp3 = AudioBenchFiles.MakeTenMinuteMp3(_dir, _wav);
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(_dir, recursive: true);

    [Benchmark(Description = "stream 10-min MP3 (22.05k mono 64k)")]
    public long StreamMp3() => Drain(_mp3, Native);

    [Benchmark(Description = "stream 10-min WAV, resampled to 16 kHz")]
    public long StreamWavResampled() => Drain(_wav, To16k);

    [Benchmark(Description = "Load() 10-min WAV (whole array)")]
    public int LoadWav() => AudioFile.Load(_wav, Native).Samples.Length;

    private long Drain(string path, AudioLoadOptions options)
    {
        using var reader = AudioStreamReader.Open(path, options);
        long total = 0;
        for (int n; (n = reader.Read(_block)) > 0;) total += n;
        return total;
    }
}
