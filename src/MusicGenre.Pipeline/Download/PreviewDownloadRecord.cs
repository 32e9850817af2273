namespace MusicGenre.Pipeline.Download;

/// <summary>One manifest row: what happened to one track.</summary>
/// <param name="TrackId">MSD track id (empty for an unreadable .h5 file).</param>
/// <param name="Track7DigitalId">7digital id, 0 when unknown.</param>
/// <param name="SongId">Echo Nest song id.</param>
/// <param name="ArtistName">Artist.</param>
/// <param name="Title">Title.</param>
/// <param name="Status">Outcome.</param>
/// <param name="Reason">Why it failed or was skipped; empty for a fresh download. Never contains credentials or URLs.</param>
/// <param name="File">The saved preview (or the unreadable .h5), empty when none.</param>
/// <param name="Bytes">Size of the saved preview in bytes, 0 when none.</param>
/// <param name="Attempts">HTTP requests made for this track in this run.</param>
internal sealed record PreviewDownloadRecord(
    string TrackId,
    int Track7DigitalId,
    string SongId,
    string ArtistName,
    string Title,
    PreviewDownloadStatus Status,
    string Reason,
    string File,
    long Bytes,
    int Attempts);
