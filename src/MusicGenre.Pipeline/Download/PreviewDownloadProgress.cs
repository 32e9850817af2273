namespace MusicGenre.Pipeline.Download;

/// <summary>Progress of a download run, reported after each track finishes.</summary>
/// <param name="Completed">Tracks finished so far (any status).</param>
/// <param name="Total">Tracks to settle in the run (input tracks minus repeated track ids), so Completed reaches Total.</param>
/// <param name="Downloaded">Fetched in this run.</param>
/// <param name="Skipped">Already present.</param>
/// <param name="Failed">Failed, unreadable or without preview.</param>
/// <param name="Last">The record of the track that just finished.</param>
internal readonly record struct PreviewDownloadProgress(int Completed, int Total, int Downloaded, int Skipped, int Failed, PreviewDownloadRecord Last);
