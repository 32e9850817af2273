namespace MusicGenre.IO;

/// <summary>
/// An exclusive lock held by this process on a lock file, for one run at a time over one output (a preprocess spool
/// folder, a training run's model and checkpoint). It is the operating system's lock on the open file (flock on Linux and
/// macOS, a sharing violation on Windows), so a killed process releases it; the file itself may stay behind and is
/// taken again by the next run. Another run in this process is refused as one in another process is, except the holder's
/// own flow of execution (its calls and the tasks it starts), which may take the lock again: the CLI takes a training
/// output's lock before it removes a checkpoint for <c>--restart</c>, then the training job takes it again.
/// </summary>
internal sealed class FileLock : IDisposable
{
    private static readonly Dictionary<string, FileStream> Held = new(StringComparer.Ordinal);
    private static readonly AsyncLocal<HashSet<string>?> HeldByThisFlow = new();
    private string? _path;
    private readonly bool _nested;

    private FileLock(string path, bool nested) { _path = path; _nested = nested; }

    /// <summary>
    /// Takes the lock on <paramref name="path"/> (created when missing), or returns null when another process — or another
    /// run in this one — holds it. With <paramref name="deleteOnRelease"/> the lock file is removed when released (a lock
    /// beside a user's output).
    /// </summary>
    /// <exception cref="IOException">The file cannot be created or opened for another reason (e.g. a full disk, no permission).</exception>
    public static FileLock? TryTake(string path, bool deleteOnRelease = false)
    {
        string full = Path.GetFullPath(path);
        if (HeldByThisFlow.Value?.Contains(full) == true) return new FileLock(full, nested: true);
        lock (Held)
        {
            if (Held.ContainsKey(full)) return null;
            try
            {
                Held[full] = new FileStream(full, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1,
                    deleteOnRelease ? FileOptions.DeleteOnClose : FileOptions.None);
            }
            catch (IOException e) when (IsHeldElsewhere(e)) { return null; }
        }
        // A new set, not the caller's changed: tasks started earlier keep the set they were started with.
        HeldByThisFlow.Value = new HashSet<string>(HeldByThisFlow.Value ?? [], StringComparer.Ordinal) { full };
        return new FileLock(full, nested: false);
    }

    /// <summary>Whether opening failed because another process holds the lock (EWOULDBLOCK on Linux/macOS, a sharing violation on Windows), not for another I/O error such as a full disk.</summary>
    private static bool IsHeldElsewhere(IOException e) => e.HResult is 11 or 35 or unchecked((int)0x80070020);

    /// <summary>Releases the lock (a nested hold releases nothing).</summary>
    public void Dispose()
    {
        if (_path is null) return;
        if (!_nested)
        {
            lock (Held)
            {
                Held[_path].Dispose();
                Held.Remove(_path);
            }
            if (HeldByThisFlow.Value is { } mine && mine.Contains(_path))
                HeldByThisFlow.Value = new HashSet<string>(mine.Where(p => p != _path), StringComparer.Ordinal);
        }
        _path = null;
    }
}
