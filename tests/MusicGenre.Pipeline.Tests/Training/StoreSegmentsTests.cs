using MusicGenre.Data.FeatureStore;
using MusicGenre.Nn.Training;
using MusicGenre.Pipeline.Preprocess;
using MusicGenre.Pipeline.Tests.Preprocess;
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

    /// <summary>
    /// A run whose store would take more than half the memory it may use streams by itself — the result says so, and the
    /// weights are those of the loaded run; with memory to spare the same run loads the store.
    /// </summary>
    [Fact]
    public async Task Training_StreamsByItself_WhenTheStoreWouldTakeMoreThanHalfTheMemory()
    {
        string dir = SharedData.NewTempDir("musicgenre-auto-stream");
        int seed = 1;
        foreach (var genre in new[] { "blues", "metal" })
            for (int i = 0; i < 3; i++)
                TestAudio.WriteWav(Path.Combine(dir, "songs", genre, $"{genre}.{i:00000}.wav"), 3.0, 8000, seed++);
        var preprocess = new PreprocessOptions
        {
            Input = Path.Combine(dir, "songs"), Output = Path.Combine(dir, "s.h5"), SegmentSeconds = 1.0, ThreadCount = 1,
            Features = MusicGenre.Features.FeaturePresets.LibrosaDefault with { Name = "test8k", SampleRate = 8000, NFft = 512, HopLength = 128, NMels = 32 },
        };
        await Preprocessor.RunAsync(preprocess);
        long storeBytes;
        using (var store = FeatureStoreReader.Open(preprocess.Output)) storeBytes = (long)store.SegmentCount * store.Header.SegmentLength * sizeof(float);
        var options = new TrainerOptions { Epochs = 2, BatchSize = 4, ThreadCount = 1, HyperParameters = new Dictionary<string, double> { ["width"] = 2, ["min_frames"] = 16 } };

        var loaded = TrainingJob.Run([preprocess.Output], Path.Combine(dir, "loaded.h5"), options, SplitBy.Song, availableBytes: 2 * storeBytes);
        var streamed = TrainingJob.Run([preprocess.Output], Path.Combine(dir, "streamed.h5"), options, SplitBy.Song, availableBytes: 2 * storeBytes - 1);

        Assert.False(loaded.StreamedSegments);
        Assert.True(streamed.StreamedSegments);
        Assert.Equal(loaded.History.Select(h => h.TrainLoss), streamed.History.Select(h => h.TrainLoss));
        var a = MusicGenre.Nn.ModelFile.ModelFileReader.Read(Path.Combine(dir, "loaded.h5"));
        var b = MusicGenre.Nn.ModelFile.ModelFileReader.Read(Path.Combine(dir, "streamed.h5"));
        foreach (var (pa, pb) in a.Parameters.Zip(b.Parameters)) Assert.True(pa.Data.AsSpan().SequenceEqual(pb.Data), pa.Name);
    }
}
