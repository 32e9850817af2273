using System.Buffers.Binary;
using System.Diagnostics;
using MusicGenre.Audio;
using MusicGenre.Audio.Resampling;

namespace MusicGenre.Benchmarks.Audio;

/// <summary>
/// Inputs for the audio benchmarks: the shared preview MP3, plus files made at setup time in a temp folder from
/// gtzan-mini clips (never committed): a 44.1 kHz stereo 128 kbit/s MP3 (~30 s) and 10-minute WAV/MP3 files.
/// MP3 encoding uses Debian's <c>lame</c> (apt-get install lame).
/// </summary>
internal static class AudioBenchFiles
{
    private static readonly string[] Genres = ["blues", "classical", "country", "disco", "hiphop", "jazz", "metal", "pop", "reggae", "rock"];

    /// <summary>../shared/data (MUSICGENRE_DATA_DIR overrides), found from the benchmark binary.</summary>
    public static string DataDir() => Data.BenchData.DataDir();

    public static string PreviewMp3 => Path.Combine(DataDir(), "mp3", "TRWJAZW128F42760DD_test.mp3");

    public static string NewTempDir()
    {
        string dir = Path.Combine(Path.GetTempPath(), $"mg-audio-bench-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        return dir;
    }

    /// <summary>~30 s 44.1 kHz stereo: left = blues.00000, right = classical.00000, upsampled with our resampler; CBR 128 kbit/s joint stereo.</summary>
    public static string MakeStereo44kMp3(string dir)
    {
        var left = Upsample(Clip("blues", 0));
        var right = Upsample(Clip("classical", 0));
        int n = Math.Min(left.Length, right.Length);
        var interleaved = new float[2 * n];
        for (int i = 0; i < n; i++) { interleaved[2 * i] = left[i]; interleaved[2 * i + 1] = right[i]; }
        string wav = Path.Combine(dir, "stereo44k.wav"), mp3 = Path.Combine(dir, "stereo44k.mp3");
        WriteWav16(wav, interleaved, 2, 44100);
        Lame("--quiet", "-b", "128", "--cbr", "-m", "j", wav, mp3);
        return mp3;
    }

    /// <summary>10 minutes of 22050 Hz mono (20 gtzan clips back to back) as 16-bit WAV.</summary>
    public static string MakeTenMinuteWav(string dir)
    {
        var samples = new List<float>(22050 * 600);
        for (int k = 0; k < 20; k++) samples.AddRange(Clip(Genres[k % 10], k / 10));
        string wav = Path.Combine(dir, "ten-minutes.wav");
        WriteWav16(wav, samples.ToArray(), 1, 22050);
        return wav;
    }

    /// <summary>The 10-minute WAV encoded like the previews (MPEG-2 layer III, 22.05 kHz, 64 kbit/s).</summary>
    public static string MakeTenMinuteMp3(string dir, string tenMinuteWav)
    {
        string mp3 = Path.Combine(dir, "ten-minutes.mp3");
        Lame("--quiet", "-b", "64", "--cbr", tenMinuteWav, mp3);
        return mp3;
    }

    private static float[] Clip(string genre, int index) =>
        AudioFile.Load(Path.Combine(DataDir(), "gtzan-mini", genre, $"{genre}.{index:D5}.wav"), new AudioLoadOptions { TargetSampleRate = null }).Samples;

    private static float[] Upsample(float[] x)
    {
        var r = new Resampler(22050, 44100);
        r.Write(x);
        r.Complete();
        var y = new float[r.OutputLength(x.Length)];
        int n = 0;
        for (int got; (got = r.Read(y.AsSpan(n))) > 0;) n += got;
        return y;
    }

    private static void WriteWav16(string path, float[] interleaved, int channels, int rate)
    {
        var bytes = new byte[44 + 2 * interleaved.Length];
        var h = bytes.AsSpan();
        "RIFF"u8.CopyTo(h); BinaryPrimitives.WriteInt32LittleEndian(h[4..], bytes.Length - 8); "WAVE"u8.CopyTo(h[8..]);
        "fmt "u8.CopyTo(h[12..]); BinaryPrimitives.WriteInt32LittleEndian(h[16..], 16); BinaryPrimitives.WriteInt16LittleEndian(h[20..], 1);
        BinaryPrimitives.WriteInt16LittleEndian(h[22..], (short)channels); BinaryPrimitives.WriteInt32LittleEndian(h[24..], rate);
        BinaryPrimitives.WriteInt32LittleEndian(h[28..], rate * channels * 2); BinaryPrimitives.WriteInt16LittleEndian(h[32..], (short)(channels * 2));
        BinaryPrimitives.WriteInt16LittleEndian(h[34..], 16);
        "data"u8.CopyTo(h[36..]); BinaryPrimitives.WriteInt32LittleEndian(h[40..], 2 * interleaved.Length);
        for (int i = 0; i < interleaved.Length; i++)
            BinaryPrimitives.WriteInt16LittleEndian(h[(44 + 2 * i)..], (short)Math.Clamp(MathF.Round(interleaved[i] * 32768), -32768, 32767));
        File.WriteAllBytes(path, bytes);
    }

    private static void Lame(params string[] args)
    {
        var psi = new ProcessStartInfo("lame") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi) ?? throw new InvalidOperationException("could not start lame (apt-get install lame)");
        p.StandardOutput.ReadToEnd();
        string err = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"lame failed ({p.ExitCode}): {err}");
    }
}
