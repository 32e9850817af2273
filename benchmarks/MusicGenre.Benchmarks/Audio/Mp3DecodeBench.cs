using BenchmarkDotNet.Attributes;
using MusicGenre.Audio;

namespace MusicGenre.Benchmarks.Audio;

/// <summary>
/// MP3 decoding to mono float32 (issue 2 §6): the 30 s 22.05 kHz MPEG-2 preview at its native rate (goal ≤ 20 ms), and a
/// ~30 s 44.1 kHz stereo 128 kbit/s MPEG-1 file decoded and resampled to 22050 Hz (goal ≤ 80 ms). The WAV rows give the
/// cost of everything but NLayer for comparison (same 30 s, 16-bit).
/// </summary>
[Config(typeof(AudioBenchConfig))]
public class Mp3DecodeBench
{
    private static readonly AudioLoadOptions Native = new() { TargetSampleRate = null };
    private static readonly AudioLoadOptions To22050 = new() { TargetSampleRate = 22050 };
    private string _dir = "", _stereo44k = "", _gtzanWav = "";

    [GlobalSetup]
    public void Setup()
    {
        _dir = AudioBenchFiles.NewTempDir();
        _stereo44k = AudioBenchFiles.MakeStereo44kMp3(_dir);
        _gtzanWav = Path.Combine(AudioBenchFiles.DataDir(), "gtzan-mini", "blues", "blues.00000.wav");
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(_dir, recursive: true);

    [Benchmark(Description = "MP3 preview 22.05k stereo 64k -> mono 22050 (30 s)")]
    public int Preview22k() => AudioFile.Load(AudioBenchFiles.PreviewMp3, Native).Samples.Length;

    [Benchmark(Description = "MP3 44.1k stereo 128k -> mono 22050 resampled (30 s)")]
    public int Stereo44kTo22050() => AudioFile.Load(_stereo44k, To22050).Samples.Length;

    [Benchmark(Description = "WAV 22.05k mono 16-bit (30 s)")]
    public int Wav22k() => AudioFile.Load(_gtzanWav, Native).Samples.Length;
}
