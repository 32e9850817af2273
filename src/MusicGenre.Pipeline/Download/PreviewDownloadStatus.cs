namespace MusicGenre.Pipeline.Download;

/// <summary>Outcome of one track in a preview download run (the manifest's <c>status</c> column, in snake_case).</summary>
internal enum PreviewDownloadStatus
{
    /// <summary>The preview was fetched and saved in this run.</summary>
    Downloaded,

    /// <summary>The preview file already existed (finished in an earlier run); nothing was fetched.</summary>
    Skipped,

    /// <summary>The track has no 7digital id, so there is no preview to ask for.</summary>
    NoPreview,

    /// <summary>The request failed (4xx, 5xx or timeouts after all retries, not audio); see the reason.</summary>
    Failed,

    /// <summary>The MSD .h5 file could not be read; see the reason.</summary>
    Unreadable,

    /// <summary>The same track id appeared earlier in the input; only the first is fetched.</summary>
    Duplicate,

    /// <summary>The run was cancelled before this track finished.</summary>
    Cancelled,
}
