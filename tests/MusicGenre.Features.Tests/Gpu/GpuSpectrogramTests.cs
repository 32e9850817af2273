using MusicGenre.Features.Gpu;
using MusicGenre.Kernels.Runtime;

namespace MusicGenre.Features.Tests.Gpu;

/// <summary>Input validation of <see cref="GpuSpectrogram"/> and <see cref="GpuSpectrogramSettings"/>: clear errors, no crash.</summary>
public class GpuSpectrogramTests
{
    private static GpuSpectrogramSettings Tiny(bool reflect = false) => new()
    {
        NFft = 16, Hop = 4, Window = [.. Enumerable.Repeat(1f, 16)], Center = true, ReflectPad = reflect,
        MelBasis = [.. Enumerable.Repeat(0.5f, 2 * 9)], NMels = 2,
    };

    [Fact]
    public void InvalidSettings_ReportEveryProblemAtOnce()
    {
        var bad = Tiny() with { Hop = 0, Window = new float[3], Amin = 0f };
        var e = Assert.Throws<ArgumentException>(bad.Validate);
        Assert.Contains("Hop", e.Message);
        Assert.Contains("Window", e.Message);
        Assert.Contains("Amin", e.Message);
    }

    [Theory]
    [MemberData(nameof(GpuTestDevices.Kinds), MemberType = typeof(GpuTestDevices))]
    public void SignalsTooShort_GiveClearErrors(string kindName)
    {
        var kind = Enum.Parse<DeviceKind>(kindName);
        lock (GpuTestDevices.Lock)
        {
            var acc = GpuTestDevices.Get(kind).Accelerator;
            using (var gpu = new GpuSpectrogram(acc, Tiny() with { Center = false }))
                Assert.Contains("n_fft", Assert.Throws<ArgumentException>(() => gpu.Compute(new float[15])).Message);
            using (var gpu = new GpuSpectrogram(acc, Tiny(reflect: true)))
                Assert.Contains("reflect", Assert.Throws<ArgumentException>(() => gpu.Compute(new float[8])).Message);
            using (var gpu = new GpuSpectrogram(acc, Tiny() with { SegmentLength = 20, SegmentHop = 10, SegmentCount = 5 }))
                Assert.Contains("segments", Assert.Throws<ArgumentException>(() => gpu.Compute(new float[50])).Message);
            using (var gpu = new GpuSpectrogram(acc, Tiny()))
            {
                Assert.Throws<ArgumentException>(() => gpu.Compute(ReadOnlySpan<float>.Empty));
                Assert.Throws<ArgumentException>(() => gpu.PowerToDb(new float[3]));

                // A signal of exactly one hop still gives librosa's frame count: 1 + (len + 2·(n/2) − n) / hop.
                var r = gpu.Compute(new float[4]);
                Assert.Equal((1, 2, 2), (r.Segments, r.NMels, r.Frames));
                Assert.Null(r.Mfcc);
            }
        }
    }

    /// <summary>
    /// A batch of clips laid end to end gives each clip's own result bit for bit (its own padding, dB reference and
    /// floor), whether the clips share one launch, go a few per launch, or one by one in frame blocks (a clip longer
    /// than a launch); bad batch shapes and segmented settings are refused.
    /// </summary>
    [Theory]
    [MemberData(nameof(GpuTestDevices.Kinds), MemberType = typeof(GpuTestDevices))]
    public void Batch_GivesEachClipsOwnResult(string kindName)
    {
        var kind = Enum.Parse<DeviceKind>(kindName);
        var rng = new Random(8);
        const int clips = 3, length = 97;
        float[] signal = [.. Enumerable.Range(0, clips * length).Select(i => (float)(Math.Sin(i * (0.2 + i / length * 0.15)) * (1 + i % length / 20.0) + 0.3 * rng.NextDouble()))];
        var window = Enumerable.Range(0, 16).Select(i => (float)(0.5 - 0.5 * Math.Cos(2 * Math.PI * i / 16))).ToArray();
        var basis = Enumerable.Range(0, 2 * 9).Select(i => i < 9 ? (i < 5 ? 0.5f : 0f) : (i >= 13 ? 0.7f : 0.1f)).ToArray();
        var settings = Tiny(reflect: true) with { Window = window, MelBasis = basis, RefIsMax = true, TopDb = 12f, Dct = [0.7f, 0.7f, 0.7f, -0.7f], NMfcc = 2 };
        lock (GpuTestDevices.Lock)
        {
            var acc = GpuTestDevices.Get(kind).Accelerator;
            var alone = new GpuSpectrogramResult[clips];
            using (var gpu = new GpuSpectrogram(acc, settings))
                for (int c = 0; c < clips; c++) alone[c] = gpu.Compute(signal.AsSpan(c * length, length));
            var expected = GpuSpectrogramResult.Concat(alone);
            foreach (int most in new[] { 1 << 20, 2 * expected.Frames, 5 })
            {
                using var gpu = new GpuSpectrogram(acc, settings with { MaxFramesPerLaunch = most });
                var r = gpu.ComputeBatch(signal, clips);
                Assert.Equal((clips, expected.NMels, expected.Frames), (r.Segments, r.NMels, r.Frames));
                Assert.True(expected.MelSpec.AsSpan().SequenceEqual(r.MelSpec), $"{most} frames per launch: mel differs");
                Assert.True(expected.LogMel.AsSpan().SequenceEqual(r.LogMel), $"{most} frames per launch: log-mel differs");
                Assert.True(expected.Mfcc.AsSpan().SequenceEqual(r.Mfcc), $"{most} frames per launch: MFCC differs");
            }
            using (var gpu = new GpuSpectrogram(acc, settings))
            {
                Assert.Contains("equal length", Assert.Throws<ArgumentException>(() => gpu.ComputeBatch(signal.AsSpan(1), clips)).Message);
                Assert.Contains("equal length", Assert.Throws<ArgumentException>(() => gpu.ComputeBatch(signal, 0)).Message);
            }
            using (var gpu = new GpuSpectrogram(acc, settings with { SegmentLength = 40, SegmentHop = 30 }))
                Assert.Contains("segmented", Assert.Throws<ArgumentException>(() => gpu.ComputeBatch(signal, clips)).Message);
        }
    }

    /// <summary>
    /// Device memory does not grow with the clip: <see cref="GpuSpectrogramSettings.MaxFramesPerLaunch"/> splits a long
    /// clip into blocks of frames (one segment: dB reference and top_db floor still over the whole clip) or groups of
    /// segments; every block size gives the one-launch result bit for bit (mel, log-mel and MFCC).
    /// </summary>
    [Theory]
    [MemberData(nameof(GpuTestDevices.Kinds), MemberType = typeof(GpuTestDevices))]
    public void BlockedLaunches_GiveTheOneLaunchResult(string kindName)
    {
        var kind = Enum.Parse<DeviceKind>(kindName);
        var rng = new Random(5);
        float[] signal = [.. Enumerable.Range(0, 203).Select(i => (float)(Math.Sin(i * 0.3) * (1 + i / 50.0) + 0.2 * rng.NextDouble()))];
        var window = Enumerable.Range(0, 16).Select(i => (float)(0.5 - 0.5 * Math.Cos(2 * Math.PI * i / 16))).ToArray();
        var basis = Enumerable.Range(0, 2 * 9).Select(i => i < 9 ? (i < 5 ? 0.5f : 0f) : (i >= 13 ? 0.7f : 0.1f)).ToArray();
        var cases = new (string Name, GpuSpectrogramSettings Settings, int[] Blocks)[]
        {
            ("reflect", Tiny(reflect: true) with { Window = window, MelBasis = basis, RefIsMax = true, TopDb = 12f, Dct = [0.7f, 0.7f, 0.7f, -0.7f], NMfcc = 2 }, [1, 7, 50]),
            ("constant", Tiny() with { Window = window, MelBasis = basis, TopDb = 30f }, [2, 13]),
            ("segments", Tiny(reflect: true) with { Window = window, MelBasis = basis, RefIsMax = true, TopDb = 12f, SegmentLength = 40, SegmentHop = 30, Dct = [0.7f, 0.7f, 0.7f, -0.7f], NMfcc = 2 }, [1, 11, 23]),
            // One segment shorter than the signal: frames past its end see padding, never the samples after it.
            ("one segment of a longer signal, reflect", Tiny(reflect: true) with { Window = window, MelBasis = basis, RefIsMax = true, TopDb = 12f, SegmentLength = 150, SegmentHop = 100, SegmentCount = 1 }, [1, 5, 17]),
            ("one segment of a longer signal, constant", Tiny() with { Window = window, MelBasis = basis, SegmentLength = 150, SegmentHop = 100, SegmentCount = 1 }, [2, 9]),
        };
        lock (GpuTestDevices.Lock)
        {
            var acc = GpuTestDevices.Get(kind).Accelerator;
            foreach (var (name, settings, blocks) in cases)
            {
                GpuSpectrogramResult whole;
                using (var gpu = new GpuSpectrogram(acc, settings with { MaxFramesPerLaunch = 1 << 20 })) whole = gpu.Compute(signal);
                Assert.True(whole.Frames > 10, name);
                foreach (int most in blocks)
                {
                    using var gpu = new GpuSpectrogram(acc, settings with { MaxFramesPerLaunch = most });
                    var r = gpu.Compute(signal);
                    Assert.Equal((whole.Segments, whole.NMels, whole.Frames), (r.Segments, r.NMels, r.Frames));
                    Assert.True(whole.MelSpec.AsSpan().SequenceEqual(r.MelSpec), $"{name}, {most} frames per launch: mel differs");
                    Assert.True(whole.LogMel.AsSpan().SequenceEqual(r.LogMel), $"{name}, {most} frames per launch: log-mel differs");
                    Assert.Equal(whole.Mfcc is null, r.Mfcc is null);
                    if (whole.Mfcc is not null) Assert.True(whole.Mfcc.AsSpan().SequenceEqual(r.Mfcc), $"{name}, {most} frames per launch: MFCC differs");
                }
                // The floor is the clip's: some values sit exactly on it (max − top_db), in every block.
                if (settings.SegmentLength == 0 && settings.RefIsMax)
                    Assert.Contains(whole.LogMel, v => v == -settings.TopDb);
            }
        }
    }

    [Fact]
    public void MaxFramesPerLaunch_BelowOne_IsRefused()
    {
        var e = Assert.Throws<ArgumentException>((Tiny() with { MaxFramesPerLaunch = 0 }).Validate);
        Assert.Contains("MaxFramesPerLaunch", e.Message);
    }
}
