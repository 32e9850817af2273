using System.Runtime.CompilerServices;
using MusicGenre.Data.FeatureStore;
using MusicGenre.Features;
using MusicGenre.Pipeline.Preprocess;

namespace MusicGenre.Pipeline.Tests.Preprocess;

/// <summary>A small GTZAN-style folder of real WAV files at 8 kHz (no resampling) and options with 1 s segments.</summary>
internal sealed class PreprocessFixture
{
    public const int Rate = 8000;

    public PreprocessFixture(params (string Genre, string Name, double Seconds)[] songs)
    {
        Root = SharedData.NewTempDir("musicgenre-pre");
        Input = Path.Combine(Root, "gtzan");
        int seed = 1;
        foreach (var (genre, name, seconds) in songs)
        {
            string path = Path.Combine(Input, genre, name + ".wav");
            Samples[$"{genre}/{name}"] = TestAudio.WriteWav(path, seconds, Rate, seed++);
        }
    }

    public string Root { get; }

    public string Input { get; }

    public Dictionary<string, float[]> Samples { get; } = new();

    public StrongBox<int> Calls { get; } = new();

    public PreprocessOptions Options(string outName = "out.h5", int jobs = 2) => new()
    {
        Input = Input,
        Output = Path.Combine(Root, outName),
        Features = FeaturePresets.LibrosaDefault with { Name = "test8k", SampleRate = Rate },
        SegmentSeconds = 1.0,
        MinSongSeconds = 0.5,
        ThreadCount = jobs,
    };

    public Task<PreprocessSummary> Run(PreprocessOptions options, IProgress<PreprocessProgress>? progress = null, CancellationToken ct = default) =>
        Preprocessor.RunAsync(options, (_, _) => new FakeFeaturizer(calls: Calls), progress: progress, cancellationToken: ct);

    /// <summary>Asserts that two stores hold the same songs, labels and features.</summary>
    public static void AssertSameStore(string expectedPath, string actualPath)
    {
        using var e = FeatureStoreReader.Open(expectedPath);
        using var a = FeatureStoreReader.Open(actualPath);
        Assert.Equal(e.Songs, a.Songs);
        Assert.Equal(e.Labels, a.Labels);
        Assert.Equal(e.SegmentSong, a.SegmentSong);
        for (int s = 0; s < e.Songs.Count; s++)
            Close.Assert(e.ReadSong(s), a.ReadSong(s), 0, 0, $"song {e.Songs[s].SongId}");
    }
}
