using MusicGenre.Data.FeatureStore;
using MusicGenre.Pipeline.Training;

namespace MusicGenre.Pipeline.Tests.Training;

public sealed class StoreSegmentsTests
{
    private static readonly FeatureStoreHeader Header = new(["a", "b"], 128, 130, 22050, 3.0, "librosa_default", new Dictionary<string, object>());

    /// <summary>
    /// A store is streamed when asked, when its values would take more than half the memory the process may use, or when
    /// they would not fit in one .NET array (2³¹ values: ~129,000 segments of 128 × 130, about 13,000 songs).
    /// </summary>
    [Fact]
    public void ShouldStream_WhenAskedOrWhenTheSegmentsDoNotFitComfortably()
    {
        long segmentBytes = 128L * 130 * sizeof(float); // 66,560
        const long GiB = 1L << 30;
        Assert.False(StoreSegments.ShouldStream(Header, 1000, requested: false, availableBytes: 16 * GiB));
        Assert.True(StoreSegments.ShouldStream(Header, 1000, requested: true, availableBytes: 16 * GiB));
        // Half of the memory is the line: 1,000 segments = 66.6 MB.
        Assert.False(StoreSegments.ShouldStream(Header, 1000, false, availableBytes: 2 * 1000 * segmentBytes));
        Assert.True(StoreSegments.ShouldStream(Header, 1000, false, availableBytes: 2 * 1000 * segmentBytes - 2));
        // One array holds at most Array.MaxLength values, however much memory there is.
        long fits = Array.MaxLength / (128L * 130);
        Assert.False(StoreSegments.ShouldStream(Header, fits, false, availableBytes: 1024 * GiB));
        Assert.True(StoreSegments.ShouldStream(Header, fits + 1, false, availableBytes: 1024 * GiB));
    }
}
