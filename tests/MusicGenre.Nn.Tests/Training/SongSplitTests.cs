using MusicGenre.Nn.Initialization;
using MusicGenre.Nn.Training;

namespace MusicGenre.Nn.Tests.Training;

public sealed class SongSplitTests
{
    [Theory]
    [InlineData(0.2, 1UL)]
    [InlineData(0.34, 2UL)]
    [InlineData(0.5, 3UL)]
    public void Split_KeepsSongsWhole_IsStratified_AndSeeded(double fraction, ulong seed)
    {
        var set = SyntheticData.Create(songsPerGenre: 6, segmentsPerSong: 3);
        var (train, val) = SongSplit.Split(set, fraction, new Rng(seed));
        Assert.Equal(set.Count, train.Length + val.Length);
        Assert.Empty(train.Intersect(val));
        var trainSongs = train.Select(i => set.SongIds[i]).ToHashSet();
        Assert.DoesNotContain(val.Select(i => set.SongIds[i]), trainSongs.Contains);
        // Per genre, round(fraction · 6) songs go to validation.
        int expected = (int)Math.Round(fraction * 6, MidpointRounding.AwayFromZero);
        foreach (var g in Enumerable.Range(0, SyntheticData.Genres))
            Assert.Equal(expected, val.Where(i => set.Labels[i] == g).Select(i => set.SongIds[i]).Distinct().Count());
        var (train2, val2) = SongSplit.Split(set, fraction, new Rng(seed));
        Assert.Equal(val, val2);
        var (_, val3) = SongSplit.Split(set, fraction, new Rng(seed + 100));
        Assert.NotEqual(val, val3);
    }

    [Fact]
    public void Split_RefusesASongWithTwoGenres_AndAllowsNoValidation()
    {
        var set = SyntheticData.Create(songsPerGenre: 2, segmentsPerSong: 2);
        var (train, val) = SongSplit.Split(set, 0, new Rng(1));
        Assert.Equal(set.Count, train.Length);
        Assert.Empty(val);
        set.SongIds[0] = set.SongIds[^1];
        var e = Assert.Throws<ArgumentException>(() => SongSplit.Split(set, 0.2, new Rng(1)));
        Assert.Contains(set.SongIds[0], e.Message);
    }
}
