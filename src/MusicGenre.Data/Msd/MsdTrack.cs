namespace MusicGenre.Data.Msd;

/// <summary>
/// One Million Song Dataset track as read from its per-track HDF5 file: the identifiers needed to fetch and label a
/// preview plus a few cheap descriptive fields.
/// </summary>
/// <param name="TrackId">MSD/Echo Nest track id, e.g. <c>TRAXLZU12903D05F94</c> (from <c>/analysis/songs</c>).</param>
/// <param name="Track7DigitalId">7digital track id used by the preview endpoint; 0 or negative when the track has none.</param>
/// <param name="ArtistName">Artist name.</param>
/// <param name="Title">Song title.</param>
/// <param name="SongId">Echo Nest song id, e.g. <c>SOCWJDB12A58A776AF</c> (one song may have several tracks).</param>
/// <param name="Release">Album / release name.</param>
/// <param name="DurationSeconds">Track duration in seconds.</param>
/// <param name="Tempo">Estimated tempo in BPM.</param>
/// <param name="Year">Release year from MusicBrainz; 0 when unknown.</param>
/// <param name="SourcePath">The .h5 file the track was read from.</param>
internal sealed record MsdTrack(
    string TrackId,
    int Track7DigitalId,
    string ArtistName,
    string Title,
    string SongId,
    string Release,
    double DurationSeconds,
    double Tempo,
    int Year,
    string SourcePath)
{
    /// <summary>True when the track has a 7digital id, i.e. a preview can be requested for it.</summary>
    public bool HasPreviewId => Track7DigitalId > 0;
}
