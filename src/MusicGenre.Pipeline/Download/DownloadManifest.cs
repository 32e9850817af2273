using System.Globalization;
using System.Text;

namespace MusicGenre.Pipeline.Download;

/// <summary>Writes the download manifest CSV (RFC 4180 quoting) atomically: temp file in the same folder, then rename.</summary>
internal static class DownloadManifest
{
    /// <summary>The header row, in column order.</summary>
    public const string Header = "track_id,track_7digitalid,song_id,artist_name,title,status,reason,file,bytes,attempts";

    public static void Write(string path, IEnumerable<PreviewDownloadRecord> records)
    {
        string fullPath = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(fullPath)!);
        string temp = fullPath + ".tmp-" + Guid.NewGuid().ToString("N");
        try
        {
            using (var writer = new StreamWriter(temp, append: false, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false)))
            {
                writer.NewLine = "\n";
                writer.WriteLine(Header);
                foreach (var r in records)
                {
                    writer.WriteLine(string.Join(",",
                        Field(r.TrackId),
                        r.Track7DigitalId.ToString(CultureInfo.InvariantCulture),
                        Field(r.SongId),
                        Field(r.ArtistName),
                        Field(r.Title),
                        StatusName(r.Status),
                        Field(r.Reason),
                        Field(r.File),
                        r.Bytes.ToString(CultureInfo.InvariantCulture),
                        r.Attempts.ToString(CultureInfo.InvariantCulture)));
                }
            }
            File.Move(temp, fullPath, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    /// <summary>snake_case name of a status as written in the manifest.</summary>
    public static string StatusName(PreviewDownloadStatus status) => status switch
    {
        PreviewDownloadStatus.NoPreview => "no_preview",
        _ => status.ToString().ToLowerInvariant(),
    };

    private static string Field(string value) =>
        value.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + value.Replace("\"", "\"\"") + "\"" : value;
}
