using MusicGenre.Data.FeatureStore;
using MusicGenre.Pipeline.Training;

namespace MusicGenre.Pipeline.Tests.Training;

/// <summary>
/// An artist split cannot hold out a genre of one artist, and k folds cannot all hold a genre of fewer than k artists:
/// the run says so per genre, instead of reporting a score for the genre that measures nothing (gtzan-mini's blues is
/// John Lee Hooker alone).
/// </summary>
public sealed class ArtistSplitNotesTests
{
    private static StoreSong Song(string id, string artist, int label) => new(id, "/x/" + id + ".wav", artist, label, 0, 1);

    [Fact]
    public void GenresOfTooFewArtists_AreNamed_OnlyForAnArtistSplit()
    {
        string[] genres = ["blues", "jazz", "rock"];
        var songs = new[]
        {
            Song("b1", "John Lee Hooker", 0), Song("b2", "John Lee Hooker", 0), Song("b2#clip", "John Lee Hooker", 0),
            Song("j1", "Miles Davis", 1), Song("j2", "Coltrane", 1), Song("j3", "Coltrane", 1),
            Song("r1", "A", 2), Song("r2", "B", 2), Song("r3", "C", 2),
        };
        Assert.Equal(["genre blues has one artist (John Lee Hooker): none of its songs is held out for validation"],
            StoreSegments.ArtistSplitNotes(songs, genres, SplitBy.Artist));
        Assert.Equal(
        [
            "genre blues has one artist (John Lee Hooker): all its songs sit in one fold, whose model trains without blues",
            "genre jazz has 2 artists for 3 folds: 1 fold(s) hold none of its songs",
        ], StoreSegments.ArtistSplitNotes(songs, genres, SplitBy.Artist, folds: 3));
        Assert.Empty(StoreSegments.ArtistSplitNotes(songs, genres, SplitBy.Song, folds: 3));
        // A genre of one song whose artist is unknown is named as such; with no artist at all the split is refused
        // elsewhere (RequireArtists), so there is nothing to note.
        var unknown = new[] { Song("b1", "John Lee Hooker", 0), Song("j1", "", 1), Song("r1", "A", 2), Song("r2", "B", 2) };
        Assert.Equal(
        [
            "1 of 4 songs have no artist: each of them is kept together as a group of its own (split by song)",
            "genre blues has one artist (John Lee Hooker): none of its songs is held out for validation",
            "genre jazz has one song of unknown artist: none of its songs is held out for validation",
        ], StoreSegments.ArtistSplitNotes(unknown, genres, SplitBy.Artist));
        Assert.Empty(StoreSegments.ArtistSplitNotes(songs.Select(s => s with { Artist = "" }), genres, SplitBy.Artist));
    }
}
