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
        var kind = Enum.Parse<GpuDeviceKind>(kindName);
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
}
