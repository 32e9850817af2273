using MusicGenre.Data.Datasets;
using MusicGenre.Pipeline.Download;

namespace MusicGenre.Pipeline.Tests.Download;

/// <summary>
/// The manifest.csv that download writes is an input preprocess takes with --cls: its previews with their track ids and
/// artists (a plain folder of previews has no artists), looked up beside the manifest, the rest listed with their status.
/// </summary>
public sealed class DownloadManifestInputTests
{
    [Fact]
    public void ADownloadManifest_GivesItsPreviewsWithArtists_LabelledByTheClsFile()
    {
        string dir = SharedData.NewTempDir("musicgenre-dlmanifest"), previews = Path.Combine(dir, "previews");
        Directory.CreateDirectory(previews);
        PreviewDownloadRecord Row(string id, string artist, PreviewDownloadStatus status, bool file) =>
            new(id, 1, "SO" + id[2..], artist, "a title, with a comma", status, "", file ? Path.Combine("somewhere", "else", id + ".mp3") : "", file ? 3 : 0, 1);
        DownloadManifest.Write(Path.Combine(previews, "manifest.csv"),
        [
            Row("TRAAAAK128F9318786", "John Lee Hooker", PreviewDownloadStatus.Downloaded, true),
            Row("TRAAAED128E0783FAB", "Miles Davis", PreviewDownloadStatus.Skipped, true),
            Row("TRAAAAW128F429D538", "Someone", PreviewDownloadStatus.Failed, false),
            Row("TRAAABD128F429CF47", "Nobody Labelled", PreviewDownloadStatus.Downloaded, true),
        ]);
        string cls = Path.Combine(dir, "l.cls");
        File.WriteAllText(cls, "TRAAAAK128F9318786\tBlues\nTRAAAED128E0783FAB\tJazz\nTRAAAAW128F429D538\tBlues\n");

        var data = DatasetLoader.Load(Path.Combine(previews, "manifest.csv"), cls, GenreList.Gtzan);

        Assert.Equal([("TRAAAAK128F9318786", "John Lee Hooker", 0), ("TRAAAED128E0783FAB", "Miles Davis", 5)],
            data.Entries.Select(e => (e.SongId, e.Artist, e.GenreIndex)));
        // Previews are found beside the manifest, whatever folder the download was given.
        Assert.Equal(Path.Combine(previews, "TRAAAAK128F9318786.mp3"), data.Entries[0].Path);
        Assert.Contains(data.Skipped, s => s.Item == "TRAAAAW128F429D538" && s.Reason == "no preview (download status 'failed')");
        Assert.Contains(data.Skipped, s => s.Item == "TRAAABD128F429CF47" && s.Reason.Contains("no label"));

        // Without labels it says what is missing; a preprocess manifest with --cls is still refused.
        var e = Assert.Throws<DatasetFormatException>(() => DatasetLoader.Load(Path.Combine(previews, "manifest.csv")));
        Assert.Contains("a download manifest has no genres: give the tagtraum labels with --cls", e.Message);
        string plain = Path.Combine(dir, "plain.csv");
        File.WriteAllText(plain, "path,genre\nx.wav,blues\n");
        Assert.Throws<ArgumentException>(() => DatasetLoader.Load(plain, cls));
    }
}
