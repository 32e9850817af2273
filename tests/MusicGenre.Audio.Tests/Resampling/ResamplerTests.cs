using MusicGenre.Audio.Resampling;
using Xunit.Abstractions;

namespace MusicGenre.Audio.Tests.Resampling;

public sealed class ResamplerTests(ITestOutputHelper output)
{
    private static float[] Run(Resampler r, float[] input)
    {
        r.Write(input);
        r.Complete();
        var y = new float[r.OutputLength(input.Length) + 10];
        int n = 0;
        for (int got; (got = r.Read(y.AsSpan(n))) > 0;) n += got;
        return y[..n];
    }

    /// <summary>Least-squares fit of a·sin + b·cos at <paramref name="hz"/> over [from, to): amplitude and residual RMS.</summary>
    private static (double Amplitude, double ResidualRms) FitSine(float[] y, double hz, int rate, int from, int to)
    {
        double ss = 0, cc = 0, sc = 0, ys = 0, yc = 0;
        for (int i = from; i < to; i++)
        {
            double s = Math.Sin(2 * Math.PI * hz * i / rate), c = Math.Cos(2 * Math.PI * hz * i / rate);
            ss += s * s; cc += c * c; sc += s * c; ys += y[i] * s; yc += y[i] * c;
        }
        double det = ss * cc - sc * sc;
        double a = (ys * cc - yc * sc) / det, b = (yc * ss - ys * sc) / det;
        double res = 0;
        for (int i = from; i < to; i++)
        {
            double d = y[i] - (a * Math.Sin(2 * Math.PI * hz * i / rate) + b * Math.Cos(2 * Math.PI * hz * i / rate));
            res += d * d;
        }
        return (Math.Sqrt(a * a + b * b), Math.Sqrt(res / (to - from)));
    }

    [Theory]
    [InlineData(44100, 22050, 1000.0)]
    [InlineData(16000, 22050, 1000.0)]
    [InlineData(48000, 22050, 3000.0)]
    [InlineData(44100, 22051, 2500.0)] // L = 22051 > 4096: interpolated phases
    public void SineKeepsAmplitudeAndFrequency(int inRate, int outRate, double hz)
    {
        var x = TestAudio.Sine(inRate, hz, inRate, amplitude: 0.5);
        var y = Run(new Resampler(inRate, outRate), x);
        Assert.Equal((long)Math.Ceiling((double)x.Length * outRate / inRate), y.Length);
        // Away from the edges (where the zero-padded stream starts/ends) the output must be the same sine at the new rate.
        var (amp, res) = FitSine(y, hz, outRate, 400, y.Length - 400);
        output.WriteLine($"{inRate}->{outRate} {hz} Hz: amplitude {amp:F6} (0.5), residual {20 * Math.Log10(res / 0.5 * Math.Sqrt(2)):F1} dB");
        Assert.InRange(amp, 0.5 * (1 - 1e-3), 0.5 * (1 + 1e-3));
        Assert.True(res < 0.5 * 1e-4, $"residual RMS {res:G3}: the output is not a clean {hz} Hz sine");
    }

    [Theory]
    [InlineData(44100, 22050)]
    [InlineData(16000, 22050)]
    [InlineData(22050, 16000)]
    public void PassbandRippleIsBelowOneHundredthDb(int inRate, int outRate)
    {
        double nyq = Math.Min(inRate, outRate) / 2.0, worst = 0;
        for (double f = 0.02; f <= 0.9; f += 0.0625)
        {
            double hz = f * nyq;
            var y = Run(new Resampler(inRate, outRate), TestAudio.Sine(inRate / 2, hz, inRate, 0.5));
            var (amp, _) = FitSine(y, hz, outRate, 300, y.Length - 300);
            worst = Math.Max(worst, Math.Abs(20 * Math.Log10(amp / 0.5)));
        }
        output.WriteLine($"{inRate}->{outRate}: passband (≤ 0.9 Nyquist) max |gain| {worst:G3} dB");
        Assert.True(worst < 0.01, $"passband ripple {worst:G3} dB");
    }

    [Theory]
    [InlineData(11025.0)]
    [InlineData(11300.0)]
    [InlineData(12500.0)]
    [InlineData(16000.0)]
    [InlineData(21000.0)]
    public void StopbandAbove22050NyquistIsAttenuatedBy80Db(double hz)
    {
        // 44100 -> 22050: everything at or above the output Nyquist (11025 Hz) must vanish instead of aliasing.
        var y = Run(new Resampler(44100, 22050), TestAudio.Sine(44100 / 2, hz, 44100, 0.5));
        double rms = Math.Sqrt(y.Skip(300).Take(y.Length - 600).Sum(v => (double)v * v) / (y.Length - 600));
        double db = 20 * Math.Log10(rms * Math.Sqrt(2) / 0.5);
        output.WriteLine($"{hz} Hz: {db:F1} dB");
        Assert.True(db <= -80, $"{hz} Hz leaks at {db:F1} dB");
    }

    [Fact]
    public void UpsamplingLeavesNoImages()
    {
        // 16000 -> 22050: a 7 kHz tone's image at 9 kHz (between the input and output Nyquist) must be ≤ -80 dB.
        var y = Run(new Resampler(16000, 22050), TestAudio.Sine(8000, 7000, 16000, 0.5));
        var (amp, res) = FitSine(y, 7000, 22050, 300, y.Length - 300);
        double db = 20 * Math.Log10(res / amp);
        output.WriteLine($"residual beside the 7 kHz tone: {db:F1} dB");
        Assert.True(db <= -80, $"image/residual at {db:F1} dB");
    }

    [Fact]
    public void DcPassesWithUnitGain()
    {
        var y = Run(new Resampler(44100, 22050), Enumerable.Repeat(0.25f, 5000).ToArray());
        for (int i = 300; i < y.Length - 300; i++) Assert.Equal(0.25f, y[i], 1e-6f);
    }

    [Theory]
    [InlineData(44100, 22050, 1)]
    [InlineData(16000, 22050, 2)]
    [InlineData(8000, 22050, 3)]
    [InlineData(44100, 22051, 4)]
    public void StreamingInRandomBlocksEqualsOneShot(int inRate, int outRate, int seed)
    {
        var x = TestAudio.Noise(20000, seed);
        var expected = Run(new Resampler(inRate, outRate), x);

        var rng = new Random(seed);
        var r = new Resampler(inRate, outRate);
        var y = new List<float>();
        var buffer = new float[3000];
        for (int pos = 0; pos < x.Length;)
        {
            int n = Math.Min(rng.Next(0, 2500), x.Length - pos);
            r.Write(x.AsSpan(pos, n));
            pos += n;
            for (int got; (got = r.Read(buffer.AsSpan(0, rng.Next(1, buffer.Length)))) > 0;) y.AddRange(buffer.AsSpan(0, got));
        }
        r.Complete();
        for (int got; (got = r.Read(buffer)) > 0;) y.AddRange(buffer.AsSpan(0, got));
        Assert.Equal(expected, y.ToArray());
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(7)]
    public void TinyInputsGiveLibrosaLengths(int n)
    {
        var y = Run(new Resampler(44100, 22050), TestAudio.Noise(n, 1));
        Assert.Equal((n + 1) / 2, y.Length);
        Assert.All(y, v => Assert.True(float.IsFinite(v)));
    }
}
