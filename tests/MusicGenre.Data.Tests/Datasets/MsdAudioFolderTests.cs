using MusicGenre.Data.Datasets;

namespace MusicGenre.Data.Tests.Datasets;

public sealed class MsdAudioFolderTests
{
    [Fact]
    public void Load_JoinsFileNamesWithLabels()
    {
        string root = TempFiles.Tree("a/TRAAAED128E0783FAB_test.mp3", "b/TRAAAAW128F429D538.mp3", "TRAAAAK128F9318786.mp3",
            "TRAAABD128F429CF47.wav", "cover.mp3", "readme.txt");
        string cls = TempFiles.Text("l.cls", "TRAAAED128E0783FAB\tJazz\nTRAAAAW128F429D538\tRap\nTRAAAAK128F9318786\tBlues\n");
        var genres = new GenreList(GenreList.Gtzan.Names, new Dictionary<string, string> { ["Rap"] = "hiphop" });

        var data = MsdAudioFolder.Load(root, cls, genres);

        Assert.Equal(["TRAAAAK128F9318786", "TRAAAED128E0783FAB", "TRAAAAW128F429D538"], data.Entries.Select(e => e.SongId));
        Assert.Equal([0, 5, 4], data.Entries.Select(e => e.GenreIndex));
        Assert.Contains(data.Skipped, s => s.Item == "cover.mp3" && s.Reason.Contains("track id"));
        Assert.Contains(data.Skipped, s => s.Item == "TRAAABD128F429CF47" && s.Reason.Contains("no label"));
        Assert.Equal(2, data.Skipped.Count);
    }

    [Fact]
    public void Load_NothingLabelled_Throws()
    {
        string root = TempFiles.Tree("TRAAAAK128F9318786.mp3");
        string cls = TempFiles.Text("l.cls", "TRAAAAK128F9318786\tPop_Rock\n");
        var e = Assert.Throws<DatasetFormatException>(() => MsdAudioFolder.Load(root, cls));
        Assert.Contains("no audio file could be labelled", e.Message);
    }

    [SharedFact]
    public void Load_SharedMp3Folder_WithRealLabels()
    {
        string mp3Dir = Path.Combine(SharedData.DataDir, "mp3");
        var labels = TagtraumLabels.Read(SharedData.Data("msd/msd_tagtraum_cd1.cls"));
        Assert.False(labels.TryGet("TRWJAZW128F42760DD", out _)); // the preview's track is not in CD1: the join must say so

        var e = Assert.Throws<DatasetFormatException>(() => MsdAudioFolder.Load(mp3Dir, labels));
        Assert.Contains("1 file(s) with track ids, 1 without", e.Message);
    }
}
