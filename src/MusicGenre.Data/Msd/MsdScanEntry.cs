namespace MusicGenre.Data.Msd;

/// <summary>One .h5 file met by <see cref="MsdFolderScanner"/>: either its track or the reason it could not be read.</summary>
/// <param name="Path">The file.</param>
/// <param name="Track">The track, or null when the file could not be read.</param>
/// <param name="Error">Why the file could not be read (names the problem, not the path), or null on success.</param>
internal sealed record MsdScanEntry(string Path, MsdTrack? Track, string? Error)
{
    /// <summary>True when <see cref="Track"/> was read.</summary>
    public bool Succeeded => Track is not null;
}
