using MusicGenre.Data.FeatureStore;

namespace MusicGenre.Cli.Tests;

/// <summary>Assertions on feature stores.</summary>
internal static class StoreAssert
{
    /// <summary>
    /// Both stores hold the same genres and the same songs (by id, in any order), each with the same label and bit-identical
    /// features: what a merge of shards must give compared with one single-machine run.
    /// </summary>
    public static void SameSongs(string expectedPath, string actualPath)
    {
        using var a = FeatureStoreReader.Open(expectedPath);
        using var b = FeatureStoreReader.Open(actualPath);
        Assert.Equal(a.Header.GenreNames, b.Header.GenreNames);
        var byId = Enumerable.Range(0, b.Songs.Count).ToDictionary(i => b.Songs[i].SongId);
        Assert.Equal(a.Songs.Select(s => s.SongId).Order(StringComparer.Ordinal), byId.Keys.Order(StringComparer.Ordinal));
        for (int s = 0; s < a.Songs.Count; s++)
        {
            int m = byId[a.Songs[s].SongId];
            Assert.Equal(a.Songs[s].Label, b.Songs[m].Label);
            Assert.True(a.ReadSong(s).AsSpan().SequenceEqual(b.ReadSong(m)), $"{a.Songs[s].SongId} differs between {expectedPath} and {actualPath}");
        }
    }
}
