namespace MusicGenre.IO;

/// <summary>
/// An exclusive lock held by this process on a lock file, for one run at a time over one output (a preprocess spool
/// folder, a training run's model and checkpoint). It is the operating system's lock on the open file (flock on Linux and
/// macOS, a sharing violation on Windows), so a killed process releases it; the file itself may stay behind and is
/// taken again by the next run. Within one process the lock is re-entrant (the CLI takes a training output's lock before
/// it removes a checkpoint for <c>--restart</c>, then the training job takes it again): the first taker holds the file,
/// later ones share it.
/// </summary>
internal sealed class FileLock : IDisposable
{
    private static readonly Dictionary<string, (FileStream File, int Count)> Held = new(StringComparer.Ordinal);
    private string? _path;

    private FileLock(string path) => _path = path;

    /// <summary>
    /// Takes the lock on <paramref name="path"/> (created when missing), or returns null when another process holds it.
    /// With <paramref name="deleteOnRelease"/> the lock file is removed when the last holder in this process releases it
    /// (a lock beside a user's output).
    /// </summary>
    /// <exception cref="IOException">The file cannot be created or opened for another reason (e.g. a full disk, no permission).</exception>
    public static FileLock? TryTake(string path, bool deleteOnRelease = false)
    {
        string full = Path.GetFullPath(path);
        lock (Held)
        {
            if (Held.TryGetValue(full, out var held))
            {
                Held[full] = (held.File, held.Count + 1);
                return new FileLock(full);
            }
            try
            {
                Held[full] = (new FileStream(full, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1,
                    deleteOnRelease ? FileOptions.DeleteOnClose : FileOptions.None), 1);
                return new FileLock(full);
            }
            catch (IOException e) when (IsHeldElsewhere(e)) { return null; }
        }
    }

    /// <summary>Whether opening failed because another process holds the lock (EWOULDBLOCK on Linux/macOS, a sharing violation on Windows), not for another I/O error such as a full disk.</summary>
    private static bool IsHeldElsewhere(IOException e) => e.HResult is 11 or 35 or unchecked((int)0x80070020);

    /// <summary>Releases this hold; the lock itself when it was the last one in this process.</summary>
    public void Dispose()
    {
        if (_path is null) return;
        lock (Held)
        {
            var (file, count) = Held[_path];
            if (count > 1) Held[_path] = (file, count - 1);
            else
            {
                Held.Remove(_path);
                file.Dispose();
            }
        }
        _path = null;
    }
}
