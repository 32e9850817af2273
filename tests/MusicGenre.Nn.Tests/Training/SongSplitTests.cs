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
    public void Split_AllowsNoValidation()
    {
        var set = SyntheticData.Create(songsPerGenre: 2, segmentsPerSong: 2);
        var (train, val) = SongSplit.Split(set, 0, new Rng(1));
        Assert.Equal(set.Count, train.Length);
        Assert.Empty(val);
    }

    [Theory]
    [InlineData(1UL)]
    [InlineData(2UL)]
    [InlineData(3UL)]
    public void Split_KeepsAGroupOfTwoGenresWhole_UnderItsMainGenre(ulong seed)
    {
        // An artist group (tagtraum labels tracks, so one artist may have songs of two genres): genre 0's first song
        // joins genre 3's last song's group, which then holds 3 segments of genre 3 and 3 of genre 0 — a tie, so it counts
        // under genre 0, the lower label; given two of that song's segments only, it counts under genre 3.
        foreach (var (taken, main) in new[] { (3, 0), (2, 3) })
        {
            var set = SyntheticData.Create(songsPerGenre: 4, segmentsPerSong: 3);
            string mixed = set.SongIds[^1];
            for (int i = 0; i < taken; i++) set.SongIds[i] = mixed;
            var (train, val) = SongSplit.Split(set, 0.5, new Rng(seed));
            Assert.Equal(set.Count, train.Length + val.Length);
            var side = Enumerable.Range(0, set.Count).Where(i => set.SongIds[i] == mixed).Select(i => val.Contains(i)).Distinct();
            Assert.Single(side); // all its segments on one side
            // Per genre, half of the groups counted under it go to validation (4 groups each: 2). Counted under the genre
            // of the group's first segment instead (genre 0), the second case would hold out 3 of genre 0's 5 groups.
            var groups = Enumerable.Range(0, set.Count).GroupBy(i => set.SongIds[i])
                .Select(g => (Id: g.Key, Main: SongSplit.MainLabel(g.GroupBy(i => set.Labels[i]).Select(l => (l.Key, l.Count()))), Val: val.Contains(g.First())))
                .ToList();
            foreach (var genre in groups.GroupBy(g => g.Main))
                Assert.Equal((int)Math.Round(0.5 * genre.Count(), MidpointRounding.AwayFromZero), genre.Count(g => g.Val));
            Assert.Equal(main, groups.Single(g => g.Id == mixed).Main);
        }
    }
}
