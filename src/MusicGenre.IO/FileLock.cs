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
    // Per flow of execution: the lock files it holds, each with the open file of that hold — a later take is nested only
    // while that very hold is still the process's (not after its release, nor under a hold taken since by another flow).
    private static readonly AsyncLocal<Dictionary<string, FileStream>?> HeldByThisFlow = new();
    private string? _path;
    private readonly FileStream? _file; // null for a nested hold

    private FileLock(string path, FileStream? file) { _path = path; _file = file; }

    /// <summary>
    /// Takes the lock on <paramref name="path"/> (created when missing), or returns null when another process — or another
    /// run in this one — holds it. With <paramref name="deleteOnRelease"/> the lock file is removed when released (a lock
    /// beside a user's output). A nested hold must be released before the hold it nests in.
    /// </summary>
    /// <exception cref="IOException">The file cannot be created or opened for another reason (e.g. a full disk, no permission).</exception>
    public static FileLock? TryTake(string path, bool deleteOnRelease = false)
    {
        string full = Path.GetFullPath(path);
        FileStream file;
        lock (Held)
        {
            if (Held.TryGetValue(full, out var held))
                return HeldByThisFlow.Value?.GetValueOrDefault(full) == held ? new FileLock(full, null) : null;
            try
            {
                file = new FileStream(full, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1,
                    deleteOnRelease ? FileOptions.DeleteOnClose : FileOptions.None);
            }
            catch (IOException e) when (IsHeldElsewhere(e)) { return null; }
            Held[full] = file;
        }
        // A new map, not the caller's changed: tasks started earlier keep the map they were started with.
        HeldByThisFlow.Value = new Dictionary<string, FileStream>(HeldByThisFlow.Value ?? [], StringComparer.Ordinal) { [full] = file };
        return new FileLock(full, file);
    }

    /// <summary>
    /// Takes the lock of an output file or folder — <c>.&lt;name&gt;.lock</c> beside it, removed when released — for one run
    /// at a time, or throws naming <paramref name="what"/>.
    /// </summary>
    /// <exception cref="IOException">Another run holds it (the message says what and what to do), or the lock file cannot be made.</exception>
    public static FileLock TakeBeside(string output, string what)
    {
        string full = Path.GetFullPath(output).TrimEnd(Path.DirectorySeparatorChar);
        string folder = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(folder);
        return TryTake(Path.Combine(folder, "." + Path.GetFileName(full) + ".lock"), deleteOnRelease: true)
            ?? throw new IOException($"{full}: another {what} is writing it now; wait for it to finish, or give another output");
    }

    /// <summary>Whether opening failed because another process holds the lock (EWOULDBLOCK on Linux/macOS, a sharing violation on Windows), not for another I/O error such as a full disk.</summary>
    private static bool IsHeldElsewhere(IOException e) => e.HResult is 11 or 35 or unchecked((int)0x80070020);

    /// <summary>Releases the lock (a nested hold releases nothing).</summary>
    public void Dispose()
    {
        if (_path is null) return;
        if (_file is not null)
        {
            lock (Held)
            {
                if (Held.TryGetValue(_path, out var held) && held == _file) Held.Remove(_path);
                _file.Dispose();
            }
            if (HeldByThisFlow.Value is { } mine && mine.GetValueOrDefault(_path) == _file)
                HeldByThisFlow.Value = mine.Where(p => p.Key != _path).ToDictionary(StringComparer.Ordinal);
        }
        _path = null;
    }
}
