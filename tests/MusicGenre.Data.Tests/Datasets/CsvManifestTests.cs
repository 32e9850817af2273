using MusicGenre.Data.Datasets;

namespace MusicGenre.Data.Tests.Datasets;

public sealed class CsvManifestTests
{
    [Fact]
    public void Load_QuotedFieldsAnyColumnOrder()
    {
        string csv = TempFiles.Text("m.csv",
            "\uFEFFArtist,genre,path,song_id,extra\n" +
            "\"Davis, Miles\",Jazz,audio/so what.mp3,s1,x\r\n" +
            "\"The \"\"Band\"\"\",rock,/abs/b.wav,,y\n" +
            "\"multi\nline\",polka,c.wav,s3,z\n" +
            "\n" +
            ",blues,d.au,s4,w");

        var data = CsvManifest.Load(csv);

        string dir = Path.GetDirectoryName(csv)!;
        Assert.Equal(
        [
            new DatasetEntry(Path.Combine(dir, "audio", "so what.mp3"), 5, "s1", "Davis, Miles"),
            new DatasetEntry("/abs/b.wav", 9, "b", "The \"Band\""),
            new DatasetEntry(Path.Combine(dir, "d.au"), 0, "s4", null),
        ], data.Entries);
        var skipped = Assert.Single(data.Skipped);
        Assert.Equal(4, skipped.Line);
        Assert.Contains("'polka'", skipped.Reason);
    }

    /// <summary>
    /// Spaces after commas (hand-written manifests) are not part of a field, also around quotes; inside quotes every
    /// character is: a file name that begins with a space was trimmed into another file's name.
    /// </summary>
    [Fact]
    public void Load_SpacesAroundFieldsGo_SpacesInsideQuotesStay()
    {
        string csv = TempFiles.Text("spaces.csv",
            "path, genre ,\tartist\n" +
            " a.wav ,  rock,\t\"  Spacey  \"\t\n" +
            "\" b .wav\" , \"hip hop\" , x\n");

        var data = CsvManifest.Load(csv);

        string dir = Path.GetDirectoryName(csv)!;
        Assert.Equal(
        [
            new DatasetEntry(Path.Combine(dir, "a.wav"), 9, "a", "  Spacey  "),
            new DatasetEntry(Path.Combine(dir, " b .wav"), 4, " b ", "x"),
        ], data.Entries);
    }

    [Theory]
    [InlineData("path;genre\na.wav;rock\n", 1, "the header looks separated by ';': a manifest is comma-separated")]
    [InlineData("path\tgenre\na.wav\trock\n", 1, "the header looks separated by tabs")]
    [InlineData("file,genre\na.wav,rock\n", 1, "must name the columns 'path' and 'genre'")]
    [InlineData("path,genre\na.wav,rock\nb.wav\n", 3, "expected 2 field(s)")]
    [InlineData("path,genre\na.wav,rock\n\"b.wav,rock\n", 3, "unterminated quoted field")]
    [InlineData("path,genre\na\"x.wav,rock\n", 2, "quote inside an unquoted field")]
    [InlineData("path,genre\n\"a.wav\"x,rock\n", 2, "text after a closing quote")]
    [InlineData("path,genre\n,rock\n", 2, "empty 'path'")]
    [InlineData("path,genre\na.wav,\n", 2, "empty 'genre'")]
    [InlineData("path,genre\nx/a.wav,rock\ny/a.wav,jazz\n", 3, "song id 'a' already used on line 2")]
    [InlineData("path,genre,song_id\na.wav,rock,r1\n./a.wav,jazz,j1\n", 3, "'./a.wav' is already listed on line 2 (each audio file once)")]
    [InlineData("", 0, "empty")]
    public void Load_Malformed_NamesFileAndLine(string content, int line, string problem)
    {
        string csv = TempFiles.Text("bad.csv", content);
        var e = Assert.Throws<DatasetFormatException>(() => CsvManifest.Load(csv));
        Assert.Equal(csv, e.File);
        Assert.Equal(line, e.Line);
        Assert.Contains(problem, e.Message);
    }

    [Fact]
    public void DatasetLoader_DispatchesOnInputKind()
    {
        string csv = TempFiles.Text("m.csv", "path,genre\na.wav,rock\n");
        Assert.Single(DatasetLoader.Load(csv).Entries);
        string gtzan = TempFiles.Tree("rock/a.wav", "jazz/b.wav");
        Assert.Equal(2, DatasetLoader.Load(gtzan).Entries.Count);
        string msd = TempFiles.Tree("TRAAAAK128F9318786.mp3");
        string cls = TempFiles.Text("l.cls", "TRAAAAK128F9318786\tBlues\n");
        Assert.Equal("TRAAAAK128F9318786", Assert.Single(DatasetLoader.Load(msd, cls).Entries).SongId);
        Assert.Throws<FileNotFoundException>(() => DatasetLoader.Load(Path.Combine(gtzan, "missing")));
        Assert.Throws<DatasetFormatException>(() => DatasetLoader.Load(TempFiles.Text("m.txt", "x")));
    }
}
