using System.Diagnostics;
using MusicGenre.Audio.Decoding;

namespace MusicGenre.Audio.Tests.Layer3;

/// <summary>
/// MP3 files made at test time by Debian's <c>lame</c> from 6 s of real music (two gtzan-mini clips as left and right,
/// with clicks that force short blocks), one per MPEG version, sample rate and channel mode, and the tools that read
/// them back: mpg123 (the reference decoder of the goldens), NLayer (our reference mode) and our decoder.
/// Nothing is stored in the repository; the files live in a temp folder deleted with the fixture.
/// </summary>
public sealed class Mp3Encodings : IDisposable
{
    /// <summary>(name, lame arguments): every sample-rate row of the band tables and every channel mode.</summary>
    public static readonly (string Name, string[] Args)[] Configs =
    [
        ("mpeg1-44k-joint-128", ["-b", "128", "-m", "j", "--resample", "44.1"]),
        ("mpeg1-44k-stereo-vbr", ["-V", "2", "-m", "s", "--resample", "44.1"]),
        ("mpeg1-44k-forced-ms-160", ["-b", "160", "-m", "f", "--resample", "44.1"]),
        ("mpeg1-48k-mono-96", ["-b", "96", "-m", "m", "--resample", "48"]),
        ("mpeg1-32k-joint-48", ["-b", "48", "-m", "j", "--resample", "32"]),
        ("mpeg2-22k-dual-64", ["-b", "64", "-m", "d", "--resample", "22.05"]),
        ("mpeg2-24k-joint-64", ["-b", "64", "-m", "j", "--resample", "24"]),
        ("mpeg2-16k-mono-32", ["-b", "32", "-m", "m", "--resample", "16"]),
        ("mpeg25-8k-joint-16", ["-b", "16", "-m", "j", "--resample", "8"]),
        ("mpeg25-11k-stereo-24", ["-b", "24", "-m", "s", "--resample", "11.025"]),
        ("mpeg25-12k-joint-32", ["-b", "32", "-m", "j", "--resample", "12"]),
    ];

    public static TheoryData<string> Names => new(Configs.Select(c => c.Name));

    private readonly string _dir = SharedData.NewTempDir("musicgenre-mp3");
    private readonly Lazy<string> _wav;

    public Mp3Encodings() => _wav = new Lazy<string>(MakeSource);

    /// <summary>The MP3 for <paramref name="name"/>, encoded on first use.</summary>
    public string File(string name)
    {
        string path = Path.Combine(_dir, name + ".mp3");
        lock (this)
        {
            if (!System.IO.File.Exists(path))
            {
                var args = Configs.Single(c => c.Name == name).Args;
                Run("lame", [.. new[] { "--quiet" }.Concat(args), _wav.Value, path]);
            }
        }
        return path;
    }

    /// <summary>mpg123's float32 decode (gapless, interleaved at the file's channel count).</summary>
    public static float[] Mpg123(string mp3)
    {
        var bytes = Run("mpg123", ["-q", "-e", "f32", "-s", mp3]);
        var samples = new float[bytes.Length / 4];
        Buffer.BlockCopy(bytes, 0, samples, 0, samples.Length * 4);
        return samples;
    }

    /// <summary>Every interleaved sample of <paramref name="mp3"/> from our decoder (or NLayer with <paramref name="reference"/>).</summary>
    internal static (float[] Samples, int Channels, Mp3Decoder Decoder) Decode(string mp3, bool mono, bool reference = false)
    {
        using var stream = System.IO.File.OpenRead(mp3);
        var decoder = Mp3Decoder.Open(stream, mp3, leaveOpen: true, mono, reference);
        var all = new List<float>();
        var block = new float[8192];
        for (int n; (n = decoder.ReadFrames(block)) > 0;) all.AddRange(block.AsSpan(0, n * decoder.Channels));
        decoder.Dispose();
        return ([.. all], decoder.Channels, decoder);
    }

    /// <summary>One channel of interleaved samples.</summary>
    public static float[] Channel(float[] interleaved, int channels, int channel) =>
        [.. Enumerable.Range(0, interleaved.Length / channels).Select(i => interleaved[i * channels + channel])];

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }

    private string MakeSource()
    {
        // Left: disco (drums), right: classical (strings); a click every 0.37 s in both makes the encoder switch blocks.
        var left = AudioFile.Load(SharedData.Data("gtzan-mini/disco/disco.00000.wav"), new AudioLoadOptions { Duration = 6 }).Samples;
        var right = AudioFile.Load(SharedData.Data("gtzan-mini/classical/classical.00000.wav"), new AudioLoadOptions { Duration = 6 }).Samples;
        int n = Math.Min(left.Length, right.Length);
        var interleaved = new float[2 * n];
        for (int i = 0; i < n; i++)
        {
            float click = i % 8158 < 8 ? 0.8f * (i % 2 == 0 ? 1 : -1) : 0;
            interleaved[2 * i] = Math.Clamp(left[i] + click, -1, 1);
            interleaved[2 * i + 1] = Math.Clamp(right[i] + click, -1, 1);
        }
        string wav = Path.Combine(_dir, "source.wav");
        System.IO.File.WriteAllBytes(wav, TestAudio.Wav16(interleaved, 2, 22050));
        return wav;
    }

    private static byte[] Run(string tool, string[] args)
    {
        var psi = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        Process process;
        try { process = Process.Start(psi)!; }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException($"Debian's {tool} is needed for the MP3 decoder tests (apt-get install {tool}; .ci/run installs it)", e);
        }
        using (process)
        {
            var output = new MemoryStream();
            var err = process.StandardError.ReadToEndAsync();
            process.StandardOutput.BaseStream.CopyTo(output);
            process.WaitForExit();
            if (process.ExitCode != 0) throw new InvalidOperationException($"{tool} failed: {err.Result}");
            return output.ToArray();
        }
    }
}
