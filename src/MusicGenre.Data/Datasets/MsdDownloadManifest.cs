using System.Text;

namespace MusicGenre.Data.Datasets;

/// <summary>
/// Reads the <c>manifest.csv</c> that <c>musicgenre download</c> writes beside the previews, labelled by a tagtraum .cls
/// file: the previews it fetched (status <c>downloaded</c> or <c>skipped</c>, i.e. fetched by an earlier run) become songs
/// with their MSD track id and — unlike a plain folder of previews — their artist, so training can split by artist. A
/// preview is looked up by its file name in the manifest's folder (where download saves them), so the folder may have
/// moved since. Tracks without a preview are listed as skipped with their download status.
/// </summary>
internal static class MsdDownloadManifest
{
    /// <summary>Columns that tell a download manifest from a preprocess manifest.</summary>
    private static readonly string[] Required = ["track_id", "artist_name", "status", "file"];

    /// <summary>Whether the CSV file at <paramref name="path"/> starts with a download manifest's header.</summary>
    public static bool Is(string path)
    {
        if (MusicGenre.IO.InputFile.Check(path) is not null) return false; // never open a pipe: it would block
        try
        {
            using var reader = new StreamReader(path, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
            string? header = reader.ReadLine();
            if (header is null) return false;
            var names = header.Split(',').Select(h => h.Trim()).ToHashSet(StringComparer.OrdinalIgnoreCase);
            return Required.All(names.Contains);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return false; }
    }

    /// <exception cref="DatasetFormatException">A malformed manifest or .cls file, or no preview could be labelled.</exception>
    public static Dataset Load(string manifestPath, string clsPath, GenreList? genres = null)
    {
        genres ??= GenreList.Gtzan;
        manifestPath = Path.GetFullPath(manifestPath);
        string folder = Path.GetDirectoryName(manifestPath)!;
        var labels = TagtraumLabels.Read(clsPath);
        MusicGenre.IO.InputFile.Require(manifestPath, "download manifest");
        using var reader = new StreamReader(manifestPath, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        var rows = CsvManifest.ReadRecords(reader, manifestPath).GetEnumerator();
        if (!rows.MoveNext()) throw new DatasetFormatException(manifestPath, 0, "the manifest is empty");
        var (headerLine, header) = rows.Current;
        int Column(string name) => Array.FindIndex(header, h => string.Equals(h, name, StringComparison.OrdinalIgnoreCase));
        int idCol = Column("track_id"), artistCol = Column("artist_name"), statusCol = Column("status"), fileCol = Column("file");
        if (idCol < 0 || artistCol < 0 || statusCol < 0 || fileCol < 0)
            throw new DatasetFormatException(manifestPath, headerLine, $"a download manifest names the columns {string.Join(", ", Required)} (found: {string.Join(",", header)}){CsvManifest.SeparatorHint(header)}");

        var tracks = new List<(string, string, string?)>();
        var skipped = new List<SkippedItem>();
        while (rows.MoveNext())
        {
            var (line, fields) = rows.Current;
            if (fields.Length == 1 && fields[0].Length == 0) continue;
            if (fields.Length != header.Length)
                throw new DatasetFormatException(manifestPath, line, $"expected {header.Length} field(s) as in the header, found {fields.Length}");
            string trackId = fields[idCol], status = fields[statusCol], file = fields[fileCol], artist = fields[artistCol];
            if (status is not ("downloaded" or "skipped") || file.Length == 0)
            {
                skipped.Add(new SkippedItem(manifestPath, line, trackId.Length > 0 ? trackId : file, $"no preview (download status '{status}')"));
                continue;
            }
            tracks.Add((trackId, Path.Combine(folder, Path.GetFileName(file)), artist.Length > 0 ? artist : null));
        }
        var joined = labels.Join(tracks, genres);
        var dataset = joined with { Skipped = [.. skipped, .. joined.Skipped] };
        if (dataset.Entries.Count == 0)
            throw new DatasetFormatException(manifestPath, 0, $"no preview could be labelled from {labels.Source} with genres {genres} ({tracks.Count} preview(s) listed)");
        return dataset;
    }
}
