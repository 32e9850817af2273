using MusicGenre.Audio.Decoding;
using Xunit.Abstractions;

namespace MusicGenre.Audio.Tests;

/// <summary>Our layer III decoder (and NLayer, the reference mode) behind our frame scanner against mpg123's float32 decode of the shared preview (mp3-decode.h5).</summary>
public sealed class Mp3GoldenTests(ITestOutputHelper output)
{
    private const string Mp3 = "mp3/TRWJAZW128F42760DD_test.mp3";

    [SharedTheory]
    [InlineData(false)]
    [InlineData(true)]
    public void GaplessDecodeMatchesMpg123(bool referenceDecoder)
    {
        using var golden = new H5Golden(SharedData.Golden("mp3-decode.h5"));
        var (mono, _) = golden.Float("/mono");
        int start = (int)golden.NumberAttr("/", "gapless_start");
        int length = (int)golden.NumberAttr("/", "gapless_length");
        var expected = mono.AsSpan(start, length);

        var clip = AudioFile.Load(SharedData.Data(Mp3), new AudioLoadOptions { TargetSampleRate = null, ReferenceMp3Decoder = referenceDecoder });

        Assert.Equal(22050, clip.SampleRate);
        Assert.Equal(2, clip.NativeChannels);
        Assert.Equal(0, clip.SkippedFrames);
        Assert.Equal(length, clip.Samples.Length);
        var m = Compare(expected, clip.Samples);
        output.WriteLine($"{(referenceDecoder ? "NLayer" : "ours")}: mono vs mpg123 gapless: SNR {m.SnrDb:F1} dB, max|diff| {m.MaxAbs:G3} (ISO full accuracy ≤ {1.0 / 16384:G3}), RMS {m.Rms:G3} (≤ 8.8e-6)");
        Assert.True(m.SnrDb >= 60, $"SNR {m.SnrDb:F1} dB < 60 dB");
        // ISO/IEC 11172-4 "full accuracy" (the stretch goal): max |diff| ≤ 2^-14 and RMS ≤ 2^-15/√12.
        Assert.True(m.MaxAbs <= 1.0 / 16384, $"max |diff| {m.MaxAbs:G3} > 2^-14");
        Assert.True(m.Rms <= Math.Pow(2, -15) / Math.Sqrt(12), $"RMS {m.Rms:G3} > 8.8e-6");
    }

    [SharedFact]
    public void EachChannelMatchesMpg123WithoutTrimming()
    {
        using var golden = new H5Golden(SharedData.Golden("mp3-decode.h5"));
        var (left, _) = golden.Float("/left");
        var (right, _) = golden.Float("/right");

        using var stream = File.OpenRead(SharedData.Data(Mp3));
        using var decoder = Mp3Decoder.Open(stream, Mp3, leaveOpen: false);
        var all = new List<float>();
        var block = new float[4096];
        for (int n; (n = decoder.ReadFrames(block)) > 0;) all.AddRange(block.AsSpan(0, 2 * n));
        // The trimmed stream starts 1105 samples into mpg123's untrimmed one; compare channel by channel.
        int start = 1105, count = all.Count / 2;
        var l = new float[count]; var r = new float[count];
        for (int i = 0; i < count; i++) { l[i] = all[2 * i]; r[i] = all[2 * i + 1]; }
        var ml = Compare(left.AsSpan(start, count), l);
        var mr = Compare(right.AsSpan(start, count), r);
        output.WriteLine($"left: SNR {ml.SnrDb:F1} dB max {ml.MaxAbs:G3} RMS {ml.Rms:G3}; right: SNR {mr.SnrDb:F1} dB max {mr.MaxAbs:G3} RMS {mr.Rms:G3}");
        Assert.True(ml.SnrDb >= 60 && mr.SnrDb >= 60);
    }

    internal static (double SnrDb, double MaxAbs, double Rms) Compare(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        double signal = 0, noise = 0, max = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            double d = actual[i] - (double)expected[i];
            signal += (double)expected[i] * expected[i];
            noise += d * d;
            max = Math.Max(max, Math.Abs(d));
        }
        return (10 * Math.Log10(signal / Math.Max(noise, 1e-300)), max, Math.Sqrt(noise / expected.Length));
    }
}
