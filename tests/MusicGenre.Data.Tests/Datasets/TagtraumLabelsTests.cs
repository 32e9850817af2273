using MusicGenre.Data.Datasets;

namespace MusicGenre.Data.Tests.Datasets;

public sealed class TagtraumLabelsTests
{
    private const string A = "TRAAAAK128F9318786", B = "TRAAAED128E0783FAB", C = "TRWJAZW128F42760DD";

    [Fact]
    public void Read_ParsesMajorityAndMinority_SkipsComments()
    {
        string cls = TempFiles.Text("x.cls", $"# header\n\n{A}\tPop_Rock\n{B}\tJazz\tVocal\r\n");
        var labels = TagtraumLabels.Read(cls);
        Assert.Equal(2, labels.Count);
        Assert.True(labels.TryGet(B, out var b));
        Assert.Equal(new TagtraumLabel("Jazz", "Vocal"), b);
        Assert.True(labels.TryGet(A, out var a));
        Assert.Null(a.Minority);
    }

    [Theory]
    [InlineData("TRAAAAK128F9318786 Pop_Rock", "1 tab-separated field")]
    [InlineData("TRAAAAK128F9318786\tA\tB\tC", "4 tab-separated field")]
    [InlineData("trAAAAK128F9318786\tJazz", "not an MSD track id")]
    [InlineData("TRAAAAK128F9318786\t ", "empty majority genre")]
    [InlineData("TRAAAAK128F9318786\tJazz\nTRAAAAK128F9318786\tRap", "listed twice")]
    public void Read_Malformed_NamesFileAndLine(string body, string problem)
    {
        string cls = TempFiles.Text("bad.cls", "# comment\n" + body + "\n");
        var e = Assert.Throws<DatasetFormatException>(() => TagtraumLabels.Read(cls));
        Assert.Equal(cls, e.File);
        Assert.Equal(body.Contains('\n') ? 3 : 2, e.Line);
        Assert.Contains(problem, e.Message);
        Assert.StartsWith($"{cls}:{e.Line}:", e.Message);
    }

    [Fact]
    public void Join_SkipsUnlabelledOutOfListAndRepeatedTracks()
    {
        var labels = TagtraumLabels.Read(TempFiles.Text("x.cls", $"{A}\tPop_Rock\n{B}\tJazz\tVocal\n"));
        var data = labels.Join([(B, "/b.mp3", "Miles"), (A, "/a.mp3", null), (C, "/c.mp3", null), (B, "/b2.mp3", null)], GenreList.Gtzan);

        var entry = Assert.Single(data.Entries);
        Assert.Equal(new DatasetEntry("/b.mp3", 5, B, "Miles"), entry);
        Assert.Equal(["genre 'Pop_Rock' is not in the genre list", "track has no label", "already taken"],
            data.Skipped.Select(s => s.Reason.Contains("Pop_Rock") ? "genre 'Pop_Rock' is not in the genre list" : s.Reason.Contains("no label") ? "track has no label" : s.Reason.Contains("already") ? "already taken" : s.Reason));
    }

    [SharedFact]
    public void Read_RealCd1File_Has133676TracksIn13Genres()
    {
        var labels = TagtraumLabels.Read(SharedData.Data("msd/msd_tagtraum_cd1.cls"));

        Assert.Equal(133_676, labels.Count);
        Assert.Equal(GenreList.TagtraumCd1.Names.Select(GenreList.Normalize), labels.MajorityGenres().Select(GenreList.Normalize));
        Assert.True(labels.TryGet(B, out var b));
        Assert.Equal(new TagtraumLabel("Jazz", "Vocal"), b);
    }
}
