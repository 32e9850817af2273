namespace MusicGenre.Features.Tests;

public class FeatureOptionsTests
{
    [Fact]
    public void PresetsAreValidAndFoundByName()
    {
        foreach (FeatureOptions p in FeaturePresets.All)
        {
            Assert.Empty(p.Problems());
            Assert.Same(p, FeaturePresets.Get(p.Name));
        }

        Assert.Same(FeaturePresets.Htk40, FeaturePresets.Get("HTK_40"));
    }

    [Fact]
    public void UnknownPresetNamesTheKnownOnes()
    {
        Assert.Equal("name", Assert.Throws<ArgumentNullException>(() => FeaturePresets.Get(null!)).ParamName);
        var ex = Assert.Throws<ArgumentException>(() => FeaturePresets.Get("mfcc_fast"));
        Assert.Contains("mfcc_fast", ex.Message);
        Assert.Contains("librosa_default", ex.Message);
        Assert.Contains("seed_exact", ex.Message);
    }

    [Fact]
    public void EveryProblemIsReportedInOneException()
    {
        var bad = FeaturePresets.LibrosaDefault with
        {
            Name = "broken", NFft = 1, HopLength = 0, NMels = 0, FMin = -5, Power = 3, Amin = 0, NMfcc = 0, TopDb = -1,
            SegmentHop = 3,
        };
        var ex = Assert.Throws<FeatureOptionsException>(() => new FeatureExtractor(bad));
        Assert.Contains("broken", ex.Message);
        foreach (string field in new[] { "NFft", "HopLength", "NMels", "FMin", "Power", "Amin", "NMfcc", "TopDb", "SegmentHop" })
            Assert.Contains(ex.Problems, p => p.StartsWith(field, StringComparison.Ordinal));
        Assert.True(ex.Problems.Count >= 9);
    }

    [Fact]
    public void RangeProblemsAreCaught()
    {
        Assert.Contains(new FeatureOptions { WinLength = 4096 }.Problems(), p => p.Contains("WinLength"));
        Assert.Contains(new FeatureOptions { FMax = 20000 }.Problems(), p => p.Contains("Nyquist"));
        Assert.Contains(new FeatureOptions { FMin = 5000, FMax = 4000 }.Problems(), p => p.Contains("below FMax"));
        Assert.Contains(new FeatureOptions { NMfcc = 200 }.Problems(), p => p.Contains("NMfcc"));
        Assert.Contains(new FeatureOptions { SegmentLength = 100, SegmentHop = 10, Center = false }.Problems(), p => p.Contains("SegmentLength"));
        Assert.Contains(new FeatureOptions { Window = (WindowType)9 }.Problems(), p => p.Contains("Window"));
    }
}
