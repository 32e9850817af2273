using System.Text;

namespace MusicGenre.Pipeline.Tests.Preprocess;

/// <summary>Writes small 16-bit PCM mono WAV files and gives back the samples a decoder must return (int16 / 32768).</summary>
internal static class TestAudio
{
    public static float[] WriteWav(string path, double seconds, int rate, int seed)
    {
        // 1. A seeded tone plus noise, quantised to int16 exactly as the decoder will see it.
        var random = new Random(seed);
        int n = (int)Math.Round(seconds * rate);
        var pcm = new short[n];
        double freq = 100 + 50 * seed;
        for (int i = 0; i < n; i++)
            pcm[i] = (short)Math.Round(12000 * Math.Sin(2 * Math.PI * freq * i / rate) + random.Next(-2000, 2000));

        // 2. RIFF/WAVE header, fmt (PCM, mono, 16-bit), data.
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using (var w = new BinaryWriter(File.Create(path)))
        {
            w.Write(Encoding.ASCII.GetBytes("RIFF")); w.Write(36 + 2 * n); w.Write(Encoding.ASCII.GetBytes("WAVE"));
            w.Write(Encoding.ASCII.GetBytes("fmt ")); w.Write(16); w.Write((short)1); w.Write((short)1);
            w.Write(rate); w.Write(rate * 2); w.Write((short)2); w.Write((short)16);
            w.Write(Encoding.ASCII.GetBytes("data")); w.Write(2 * n);
            foreach (short s in pcm) w.Write(s);
        }
        return pcm.Select(s => s / 32768f).ToArray();
    }

    /// <summary>Writes <paramref name="interleaved"/> samples (clipped to ±1) as a 16-bit PCM WAV of <paramref name="channels"/> channels.</summary>
    public static void WriteWav16(string path, ReadOnlySpan<float> interleaved, int channels, int rate)
    {
        int n = interleaved.Length;
        using var w = new BinaryWriter(File.Create(path));
        w.Write(Encoding.ASCII.GetBytes("RIFF")); w.Write(36 + 2 * n); w.Write(Encoding.ASCII.GetBytes("WAVE"));
        w.Write(Encoding.ASCII.GetBytes("fmt ")); w.Write(16); w.Write((short)1); w.Write((short)channels);
        w.Write(rate); w.Write(rate * 2 * channels); w.Write((short)(2 * channels)); w.Write((short)16);
        w.Write(Encoding.ASCII.GetBytes("data")); w.Write(2 * n);
        foreach (float v in interleaved) w.Write((short)Math.Round(Math.Clamp(v, -1f, 1f) * 32767));
    }
}
