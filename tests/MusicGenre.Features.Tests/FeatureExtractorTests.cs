using MusicGenre.Features.Fft;

namespace MusicGenre.Features.Tests;

public class FeatureExtractorTests
{
    private static float[] Noise(int n, int seed)
    {
        var rng = new Random(seed);
        var x = new float[n];
        for (int i = 0; i < n; i++)
            x[i] = (float)(rng.NextDouble() * 2 - 1);
        return x;
    }

    [Theory]
    [InlineData(220500, 2048, 512, true, 431)]
    [InlineData(220500, 2205, 882, true, 250)]
    [InlineData(220500, 1024, 256, false, 858)]
    [InlineData(2205, 2048, 512, true, 5)]
    [InlineData(1, 2048, 512, true, 1)]
    public void FrameCountFollowsLibrosa(int samples, int nFft, int hop, bool center, int frames)
    {
        var fx = new FeatureExtractor(new FeatureOptions { NFft = nFft, HopLength = hop, Center = center });
        Assert.Equal(frames, fx.FrameCount(samples));
    }

    [Fact]
    public void TooShortAudioAndSmallDestinationsThrowClearly()
    {
        var htk = new FeatureExtractor(FeaturePresets.Htk40);
        var ex = Assert.Throws<ArgumentException>(() => htk.Compute(FeatureKind.LogMel, new float[1000]));
        Assert.Contains("too short", ex.Message);

        var seed = new FeatureExtractor(FeaturePresets.SeedExact);
        ex = Assert.Throws<ArgumentException>(() => seed.Compute(FeatureKind.MelSpectrogram, new float[22050]));
        Assert.Contains("599", ex.Message);

        var fx = new FeatureExtractor(FeaturePresets.LibrosaDefault);
        ex = Assert.Throws<ArgumentException>(() => fx.Compute(FeatureKind.Mfcc, new float[22050], new float[10]));
        Assert.Contains("destination", ex.Message);

        float[] audio = Noise(22050, 1);
        audio[777] = float.NaN;
        ex = Assert.Throws<ArgumentException>(() => fx.Compute(FeatureKind.LogMel, audio));
        Assert.Contains("777", ex.Message);

        // A kind that is not a FeatureKind: Shape refuses it as Compute does (it answered [128, 130]).
        Assert.Contains("Unknown feature kind 7", Assert.Throws<ArgumentOutOfRangeException>(() => fx.Shape((FeatureKind)7, 22050)).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => fx.Compute((FeatureKind)7, Noise(22050, 2)));
    }

    [Fact]
    public void AbsurdSamplesAreRefusedByEveryFeatureAndTheStftInsteadOfBecomingNaN()
    {
        // 1e30 is finite, but its power spectrum overflows float32 into NaN features; NaN went through the STFT unnoticed.
        foreach (FeatureOptions p in new[] { FeaturePresets.LibrosaDefault, FeaturePresets.SeedExact })
        {
            var fx = new FeatureExtractor(p);
            float[] audio = Noise(p.IsSegmented ? 30 * 22050 : 22050, 2);
            audio[1234] = 1e30f;
            foreach (FeatureKind kind in Enum.GetValues<FeatureKind>())
            {
                var ex = Assert.Throws<ArgumentException>(() => fx.Compute(kind, audio));
                Assert.Equal("Audio sample 1234 is 1E+30; samples must be finite and within ±1e6 (full scale is ±1). (Parameter 'audio')", ex.Message);
            }
        }
        var stft = new FeatureExtractor(FeaturePresets.LibrosaDefault);
        foreach (float bad in new[] { float.NaN, float.NegativeInfinity, -2e6f })
        {
            float[] audio = Noise(4096, 3);
            audio[4000] = bad;
            int bins = stft.Options.BinCount, frames = stft.FrameCount(audio.Length);
            var ex = Assert.Throws<ArgumentException>(() => stft.Stft(audio, new float[bins * frames], new float[bins * frames]));
            Assert.StartsWith($"Audio sample 4000 is {bad.ToString(System.Globalization.CultureInfo.InvariantCulture)}; samples must be finite", ex.Message);
        }

        // The limit itself is accepted, and gives finite features.
        float[] loud = Noise(22050, 4);
        for (int i = 0; i < loud.Length; i++) loud[i] *= 1e6f;
        loud[0] = 1e6f; loud[1] = -1e6f;
        foreach (FeatureKind kind in Enum.GetValues<FeatureKind>())
            Assert.All(stft.Compute(kind, loud), v => Assert.True(float.IsFinite(v)));
    }

    [Fact]
    public void SegmentedOutputIsEachSegmentComputedAlone()
    {
        // seed_exact = per-window melspectrogram with reflect padding and its own dB reference.
        var opts = FeaturePresets.SeedExact with { SegmentCount = 3 };
        float[] audio = Noise(882 * 2 + 2205 + 100, 5);
        float[] seg = new FeatureExtractor(opts).Compute(FeatureKind.LogMel, audio);
        Assert.Equal(3 * 128 * 5, seg.Length);
        var single = new FeatureExtractor(opts with { SegmentLength = null, SegmentHop = null, SegmentCount = null });
        for (int s = 0; s < 3; s++)
        {
            float[] one = single.Compute(FeatureKind.LogMel, audio.AsSpan(882 * s, 2205));
            Assert.Equal(one, seg.AsSpan(s * 640, 640).ToArray());
            Assert.Equal(0f, one.Max(), 4);
        }
    }

    [Fact]
    public void ReflectPaddingMirrorsWithoutRepeatingTheEdge()
    {
        // A centred frame 0 with reflect padding equals the FFT of the explicitly mirrored signal.
        var opts = new FeatureOptions { NFft = 16, HopLength = 4, NMels = 4, NMfcc = 2, PadMode = PadMode.Reflect };
        float[] x = Noise(40, 9);
        var fx = new FeatureExtractor(opts);
        int frames = fx.FrameCount(x.Length);
        var re = new float[9 * frames];
        var im = new float[9 * frames];
        fx.Stft(x, re, im);

        var padded = new float[16];
        for (int j = 0; j < 16; j++)
        {
            int i = j - 8;
            padded[j] = (float)(fx.Window[j] * x[Math.Abs(i)]);
        }

        var eRe = new float[9];
        var eIm = new float[9];
        new RealFftPlan(16).Forward(padded, eRe, eIm);
        for (int k = 0; k < 9; k++)
        {
            Assert.Equal(eRe[k], re[k * frames], 5);
            Assert.Equal(eIm[k], im[k * frames], 5);
        }
    }

    [Fact]
    public void ScalarFftTwinGivesTheSameFeatures()
    {
        float[] audio = Noise(30000, 11);
        foreach (FeatureOptions p in new[] { FeaturePresets.LibrosaDefault, FeaturePresets.Readme100ms, FeaturePresets.Htk40 })
        {
            float[] simd = new FeatureExtractor(p).Compute(FeatureKind.Mfcc, audio);
            float[] scalar = new FeatureExtractor(p, SimdWidth.Scalar).Compute(FeatureKind.Mfcc, audio);
            Close.Assert(scalar, simd, 1e-4, 1e-5, p.Name);
        }
    }

    [Fact]
    public void MfccIsOrthonormalDctOfLogMel()
    {
        float[] d = MusicGenre.Simd.MelCepstrum.Basis(128, 128);
        for (int a = 0; a < 128; a += 17)
        {
            for (int b = 0; b < 128; b += 13)
            {
                double dot = 0;
                for (int m = 0; m < 128; m++)
                    dot += d[a * 128 + m] * d[b * 128 + m];
                Assert.Equal(a == b ? 1.0 : 0.0, dot, 5);
            }
        }
    }

    [Fact]
    public void MagnitudeSpectrogramIsSqrtOfPower()
    {
        float[] audio = Noise(8000, 3);
        var pow = new FeatureExtractor(FeaturePresets.LibrosaDefault with { NMels = 1, NMfcc = 1, FMin = 1000, FMax = 1010 });
        var mag = new FeatureExtractor(pow.Options with { Power = 1 });
        float[] p = pow.Compute(FeatureKind.MelSpectrogram, audio);
        float[] m = mag.Compute(FeatureKind.MelSpectrogram, audio);

        // A band narrower than one bin holds a single bin k with weight w: mel = w·|X|² resp. w·|X|.
        float[] basis = pow.MelBasis.ToArray();
        int k = Array.FindIndex(basis, v => v != 0);
        Assert.True(k >= 0 && basis.Count(v => v != 0) == 1);
        for (int t = 0; t < p.Length; t++)
            Assert.Equal(p[t] / basis[k], MathF.Pow(m[t] / basis[k], 2), 3);
    }

    /// <summary>
    /// An extractor shared by two threads (its remarks forbid it) is refused with an error, not run on scratch buffers
    /// the other thread overwrites: the thread that got in computes exactly what it computes alone.
    /// </summary>
    [Fact]
    public async Task ASecondThread_IsRefused_AndTheFirstComputesUndisturbed()
    {
        var fx = new FeatureExtractor(new FeatureOptions());
        var audio = Noise(22050 * 30, seed: 3);
        float[] alone = fx.Compute(FeatureKind.LogMel, audio);
        int refused = 0, computed = 0;
        using var stop = new CancellationTokenSource();
        using var started = new ManualResetEventSlim();
        var intruder = Task.Run(() =>
        {
            var small = Noise(22050, seed: 4);
            started.Set();
            while (!stop.IsCancellationRequested)
            {
                try { fx.Compute(FeatureKind.LogMel, small); Interlocked.Increment(ref computed); }
                catch (InvalidOperationException e) when (e.Message.Contains("already computing on another thread", StringComparison.Ordinal)) { Interlocked.Increment(ref refused); }
            }
        });
        Assert.True(started.Wait(TimeSpan.FromMinutes(1)), "the second thread never started");
        var results = new List<float[]>();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while ((Volatile.Read(ref refused) == 0 || results.Count == 0) && clock.Elapsed < TimeSpan.FromSeconds(30))
        {
            try { results.Add(fx.Compute(FeatureKind.LogMel, audio)); }
            catch (InvalidOperationException) { } // the intruder was in
        }
        stop.Cancel();
        await intruder;

        Assert.True(refused > 0, $"the threads never overlapped ({computed} intruder computations)");
        Assert.NotEmpty(results);
        Assert.All(results, r => Assert.Equal(alone, r));
    }
}
