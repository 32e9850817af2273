using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using MusicGenre.Audio;
using MusicGenre.Audio.Decoding;

namespace MusicGenre.Benchmarks.Audio;

/// <summary>
/// MP3 decoding to mono float32 with our layer III decoder: the 30 s 22.05 kHz MPEG-2 preview at its native rate (issue
/// 10 goal: ≤ 1.0× mpg123 in the same run), and a ~30 s 44.1 kHz stereo 128 kbit/s MPEG-1 file decoded and resampled to
/// 22050 Hz (goal ≤ 40 ms). The peer rows run Debian's mpg123 on the same files in the same run: one process per file
/// (what a shell pipeline pays), and 20 files in one process (its decoding without process start-up). NLayer (our
/// reference mode, the previous decoder) and the WAV row (everything but decoding) are there for scale.
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

    [Benchmark(Description = "MP3 preview, decoder only, stereo out")]
    public int Preview22kStereoDecoder() => DecodeAll(mono: false, reference: false);

    [Benchmark(Description = "MP3 preview, NLayer (reference mode) -> mono")]
    public int Preview22kNLayer() => DecodeAll(mono: true, reference: true);

    [Benchmark(Description = "peer: mpg123 -q -m -s preview, one process")]
    public int Mpg123Preview() => Mpg123(1, AudioBenchFiles.PreviewMp3);

    [Benchmark(Description = "peer: mpg123 -q -m -s, 20 previews in one process (per preview)", OperationsPerInvoke = 20)]
    public int Mpg123Preview20() => Mpg123(20, AudioBenchFiles.PreviewMp3);

    [Benchmark(Description = "peer: mpg123 -q -m -r 22050 -s 44.1k stereo, one process")]
    public int Mpg123Stereo44k() => Mpg123(1, _stereo44k, "-r", "22050");

    [Benchmark(Description = "WAV 22.05k mono 16-bit (30 s)")]
    public int Wav22k() => AudioFile.Load(_gtzanWav, Native).Samples.Length;

    private int DecodeAll(bool mono, bool reference)
    {
        using var decoder = Mp3Decoder.Open(File.OpenRead(AudioBenchFiles.PreviewMp3), AudioBenchFiles.PreviewMp3, leaveOpen: false, mono, reference);
        int total = 0;
        for (int n; (n = decoder.ReadFrames(_block)) > 0;) total += n;
        return total;
    }

    /// <summary>mpg123 decoding <paramref name="copies"/> times the file to mono 16-bit PCM on stdout (read and dropped); returns its exit code.</summary>
    private static int Mpg123(int copies, string file, params string[] extra)
    {
        var psi = new ProcessStartInfo("mpg123") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "-q", "-m" }.Concat(extra).Append("-s")) psi.ArgumentList.Add(a);
        for (int i = 0; i < copies; i++) psi.ArgumentList.Add(file);
        using var p = Process.Start(psi) ?? throw new InvalidOperationException("mpg123 did not start (apt-get install mpg123)");
        p.StandardOutput.BaseStream.CopyTo(Stream.Null);
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException("mpg123 failed: " + p.StandardError.ReadToEnd());
        return p.ExitCode;
    }

    private readonly float[] _block = new float[8192];
}
