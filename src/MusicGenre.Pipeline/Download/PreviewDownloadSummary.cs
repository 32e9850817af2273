namespace MusicGenre.Pipeline.Download;

/// <summary>Result of a download run: every track's record (input order) and where the manifest was written.</summary>
/// <param name="Records">One record per input track and per unreadable .h5 file.</param>
/// <param name="ManifestPath">The manifest CSV.</param>
internal sealed record PreviewDownloadSummary(IReadOnlyList<PreviewDownloadRecord> Records, string ManifestPath)
{
    /// <summary>Number of records with <paramref name="status"/>.</summary>
    public int Count(PreviewDownloadStatus status) => Records.Count(r => r.Status == status);
}
