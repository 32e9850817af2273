using MusicGenre.Pipeline.Segmentation;

namespace MusicGenre.Pipeline.Tests.Segmentation;

public sealed class ClipSegmentationTests
{
    private static readonly ClipSegmentation Cut = new(22050, 3.0);

    [Theory]
    [InlineData(44100, 1)]          // exactly the 2 s minimum: one window of its own length
    [InlineData(55125, 1)]          // 2.5 s: one window, no padding
    [InlineData(66150, 1)]          // exactly one segment
    [InlineData(66151, 2)]          // one sample more: a second window, ending at the clip's end
    [InlineData(661500, 10)]        // 30 s: ten whole segments
    [InlineData(661794, 11)]        // a GTZAN clip (30.013 s): the last 294 samples are covered by an 11th window
    public void PredictionWindows_CoverTheWholeClip_WithoutPadding(long samples, int expected)
    {
        var windows = Cut.PredictionWindows(samples);
        Assert.Equal(expected, windows.Count);
        // Every window lies inside the clip, windows are all one length, and together they cover every sample.
        int length = windows[0].Length;
        Assert.Equal((int)Math.Min(samples, Cut.SegmentSamples), length);
        Assert.All(windows, w => { Assert.Equal(length, w.Length); Assert.InRange(w.Start, 0, samples - w.Length); });
        Assert.Equal(0, windows[0].Start);
        Assert.Equal(samples, windows[^1].Start + windows[^1].Length);
        for (int i = 1; i < windows.Count; i++) Assert.True(windows[i].Start <= windows[i - 1].Start + length, $"gap before window {i}");
    }

    [Fact]
    public void TooShortClips_GetNoWindows_AndAReason()
    {
        Assert.Empty(Cut.PredictionWindows(44099));
        Assert.Empty(Cut.TrainingWindows(44099));
        Assert.Equal("too short: 2 s < 2 s minimum", Cut.TooShort(44099));
        Assert.Null(Cut.TooShort(44100));
        Assert.Equal("too short: 0 s < 0 s minimum", new ClipSegmentation(22050, 3.0, 0).TooShort(0));
    }

    [Fact]
    public void TrainingWindows_AreWholeSegmentsBackToBack_AndAShortSongIsOnePaddedSegment()
    {
        Assert.Equal([(0L, 66150), (66150L, 66150)], Cut.TrainingWindows(66150 * 2 + 100));
        Assert.Equal([(0L, 66150)], Cut.TrainingWindows(50000));
    }

    [Fact]
    public void TheModelDecides_RateAndSegmentLength()
    {
        var model = Api.TinyModelFile.Model with { SegmentSeconds = 2.5 };
        var cut = ClipSegmentation.For(model, 16000);
        Assert.Equal(40000, cut.SegmentSamples);
        Assert.Equal(32000, cut.MinSamples);
    }
}
