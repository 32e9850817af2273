using MusicGenre.Data.Datasets;

namespace MusicGenre.Data.Tests.Datasets;

public sealed class GtzanFolderTests
{
    [Fact]
    public void Load_LabelsByFolder_ReportsWhatItSkips()
    {
        string root = TempFiles.Tree("rock/b.wav", "rock/a.mp3", "jazz/sub/x.au", "jazz/notes.txt", "polka/p.wav", "loose.wav", "jazz/.DS_Store");

        var data = GtzanFolder.Load(root);

        Assert.Equal(["jazz/sub/x", "rock/a", "rock/b"], data.Entries.Select(e => e.SongId));
        Assert.Equal([5, 9, 9], data.Entries.Select(e => e.GenreIndex));
        Assert.Equal(Path.Combine(root, "rock", "a.mp3"), data.Entries[1].Path);
        Assert.Contains(data.Skipped, s => s.Item == "polka/" && s.Reason.Contains("not in the genre list"));
        Assert.Contains(data.Skipped, s => s.Item == "notes.txt" && s.Reason.Contains("not an audio file"));
        Assert.Contains(data.Skipped, s => s.Item == "loose.wav" && s.Reason.Contains("not inside a genre folder"));
        Assert.Equal(3, data.Skipped.Count);
    }

    [Fact]
    public void Load_CustomGenreList_UsesItsIndices()
    {
        string root = TempFiles.Tree("rock/a.wav", "jazz/b.wav");
        var data = GtzanFolder.Load(root, new GenreList(["rock", "jazz"]));
        Assert.Equal([1, 0], data.Entries.Select(e => e.GenreIndex));
    }

    [Fact]
    public void Load_MissingOrEmpty_ThrowsNamingTheFolder()
    {
        string root = TempFiles.Tree("polka/a.wav");
        var e = Assert.Throws<DatasetFormatException>(() => GtzanFolder.Load(root));
        Assert.Contains(root, e.Message);
        Assert.Throws<DirectoryNotFoundException>(() => GtzanFolder.Load(Path.Combine(root, "nope")));
    }

    [SharedFact]
    public void Load_GtzanMini_Has10ClipsPerGenre()
    {
        var data = GtzanFolder.Load(Path.Combine(SharedData.DataDir, "gtzan-mini"));

        Assert.Equal(100, data.Entries.Count);
        Assert.Empty(data.Skipped);
        Assert.All(data.CountsPerGenre(), c => Assert.Equal(10, c));
        Assert.All(data.Entries, e => Assert.StartsWith(GenreList.Gtzan.Names[e.GenreIndex] + "/" + GenreList.Gtzan.Names[e.GenreIndex] + ".", e.SongId));
        Assert.Equal(100, data.Entries.Select(e => e.SongId).Distinct().Count());
    }
}
