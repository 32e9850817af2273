using MusicGenre.Data.FeatureStore;
using MusicGenre.Pipeline.Evaluation;
using MusicGenre.Pipeline.Preprocess;
using MusicGenre.Pipeline.Training;

namespace MusicGenre.Pipeline.Tests.Preprocess;

public sealed class SongCopiesTests
{
    [Fact]
    public async Task ClipCopies_AreStoredAfterTheirOriginal_AsTheLouderClippedAudio()
    {
        var fx = new PreprocessFixture(("rock", "a", 2.0), ("jazz", "b", 1.5));
        var options = fx.Options() with { Copies = [SongCopy.Clip] };
        var summary = await fx.Run(options);
        using var store = FeatureStoreReader.Open(options.Output);
        Assert.Equal(["jazz/b", "jazz/b#clip", "rock/a", "rock/a#clip"], store.Songs.Select(s => s.SongId));
        Assert.Equal([5, 5, 9, 9], store.Songs.Select(s => s.Label));
        Assert.Equal("clip", store.Header.PresetParameters["copies"]);
        foreach (var song in store.Songs.Where(s => s.SongId.EndsWith("#clip", StringComparison.Ordinal)))
        {
            // The copy is the original times its gain (6–12 dB), clipped to ±1 — through the same featurizer.
            string original = SongCopies.BaseId(song.SongId);
            float gain = SongCopies.GainOf(song.SongId);
            Assert.InRange(20 * Math.Log10(gain), 6, 12);
            var altered = fx.Samples[original].Select(v => Math.Clamp(v * gain, -1f, 1f)).ToArray();
            Close.Assert(FakeFeaturizer.Expected(altered, 8000, 4000), store.ReadSong(store.Songs.ToList().IndexOf(song)), 1e-6, 1e-6, song.SongId);
        }
        Assert.Equal(4, summary.SongsWritten);
        // A model's data line counts them apart ("4 songs" read as twice the music there is).
        Assert.Equal($"{Path.GetFileName(options.Output)}: 2 songs (+2 altered copies), {store.SegmentCount} segments of {store.Header.SegmentSeconds:0.###} s ({store.Header.PresetName})",
            TrainingJob.ForStore(new Nn.Training.TrainerOptions(), store).DataDescription);
    }

    [Fact]
    public async Task Copies_StayWithTheirOriginalInFolds_AndAreNeverScored()
    {
        var songs = Enumerable.Range(0, 6).Select(i => (new[] { "rock", "jazz" }[i % 2], $"s{i}", 1.0)).ToArray();
        var fx = new PreprocessFixture(songs);
        var options = fx.Options() with { Copies = [SongCopy.Clip] };
        await fx.Run(options);
        using var store = FeatureStoreReader.Open(options.Output);
        var fold = CrossValidation.AssignFolds(store, 3, SplitBy.Song, 7);
        for (int s = 0; s < store.Songs.Count; s++)
        {
            int original = store.Songs.ToList().FindIndex(x => x.SongId == SongCopies.BaseId(store.Songs[s].SongId));
            Assert.Equal(fold[original], fold[s]);
            Assert.Equal(SongCopies.BaseId(store.Songs[s].SongId), StoreSegments.GroupKey(store.Songs[s], SplitBy.Song));
        }
        Assert.Equal(2, fold.Count(f => f == 0) / 2); // 3 folds of 2 originals, each with its copy
    }

    [Theory]
    [InlineData("rock/a#clip", "rock/a", true)]
    [InlineData("rock/a", "rock/a", false)]
    [InlineData("rock/a#b", "rock/a#b", false)]   // not a known copy name: an ordinary id
    [InlineData("#clip", "#clip", false)]
    public void BaseId_StripsOnlyKnownCopyNames(string id, string expected, bool isCopy)
    {
        Assert.Equal(expected, SongCopies.BaseId(id));
        Assert.Equal(isCopy, SongCopies.IsCopy(id));
    }

    [Fact]
    public void DuplicateCopies_AreRefused()
    {
        var options = new PreprocessFixture().Options() with { Copies = [SongCopy.Clip, SongCopy.Clip] };
        var ex = Assert.Throws<PreprocessException>(() => options.Validate());
        Assert.Contains("--copies names a copy twice", ex.Message);
    }
}
