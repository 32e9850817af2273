namespace MusicGenre.Audio.Tests;

/// <summary>
/// A theory that writes a file over 4 GiB into the temp folder (sparse where the file system allows: only its first and
/// last bytes are written). Skipped, saying why, when that folder's file system has less free space than the file would
/// take were it not sparse.
/// </summary>
public sealed class LargeFileTheoryAttribute : TheoryAttribute
{
    /// <summary>The most a test file may take: a little over 4 GiB, with room to spare.</summary>
    public const long NeededBytes = 5L << 30;

    public LargeFileTheoryAttribute()
    {
        string temp = Path.GetTempPath();
        long free;
        try { free = new DriveInfo(temp).AvailableFreeSpace; }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException) { free = -1; }
        if (free < NeededBytes)
            Skip = $"needs {NeededBytes >> 30} GiB free in {temp} for a WAV over 4 GiB (in case the file system writes no sparse files); {(free < 0 ? "its free space is not known" : $"{free >> 20} MiB free")}";
    }
}
