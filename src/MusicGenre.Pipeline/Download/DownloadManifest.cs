using System.Globalization;
using MusicGenre.IO;

namespace MusicGenre.Pipeline.Download;

/// <summary>Writes the download manifest CSV (RFC 4180 quoting) atomically: temp file in the same folder, then rename.</summary>
internal static class DownloadManifest
{
    /// <summary>The header row, in column order.</summary>
    public const string Header = "track_id,track_7digitalid,song_id,artist_name,title,status,reason,file,bytes,attempts";

    public static void Write(string path, IEnumerable<PreviewDownloadRecord> records)
    {
        SafeFile.WriteText(path, writer =>
        {
            writer.WriteLine(Header);
            foreach (var r in records)
            {
                writer.WriteLine(string.Join(",",
                    Csv.Field(r.TrackId),
                    r.Track7DigitalId.ToString(CultureInfo.InvariantCulture),
                    Csv.Field(r.SongId),
                    Csv.Field(r.ArtistName),
                    Csv.Field(r.Title),
                    StatusName(r.Status),
                    Csv.Field(r.Reason),
                    Csv.Field(r.File),
                    r.Bytes.ToString(CultureInfo.InvariantCulture),
                    r.Attempts.ToString(CultureInfo.InvariantCulture)));
            }
        });
    }

    /// <summary>snake_case name of a status as written in the manifest.</summary>
    public static string StatusName(PreviewDownloadStatus status) => status switch
    {
        PreviewDownloadStatus.NoPreview => "no_preview",
        _ => status.ToString().ToLowerInvariant(),
    };
}
