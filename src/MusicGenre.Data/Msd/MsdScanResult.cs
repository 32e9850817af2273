namespace MusicGenre.Data.Msd;

/// <summary>All tracks found under a folder plus the files that could not be read.</summary>
/// <param name="Tracks">Tracks in walk order (folders and files sorted ordinally).</param>
/// <param name="Failures">Unreadable files with their reasons, in walk order.</param>
internal sealed record MsdScanResult(IReadOnlyList<MsdTrack> Tracks, IReadOnlyList<MsdScanEntry> Failures);
