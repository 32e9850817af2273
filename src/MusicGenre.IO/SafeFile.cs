using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace MusicGenre.IO;

/// <summary>
/// The one way MusicGenre writes an output file: into a hidden temp file beside the target,
/// <c>.&lt;name&gt;.&lt;host&gt;.&lt;pid&gt;.&lt;random&gt;.tmp</c>, renamed over the target once complete. A failed or
/// cancelled write deletes its temp and leaves the old target untouched. A process killed outright (SIGKILL, OOM, power
/// loss) cannot clean up, so every write first removes the temps of the same target that are certainly abandoned: those
/// of this host whose process no longer runs, and — for temps of other hosts on a shared volume, or of a PID reused in a
/// restarted container — those not written to for <see cref="AbandonedAfter"/>.
/// </summary>
internal static class SafeFile
{
    /// <summary>A temp not modified for this long is abandoned, whoever made it (a live writer keeps writing to it).</summary>
    public static readonly TimeSpan AbandonedAfter = TimeSpan.FromHours(1);

    private static readonly string Host = SafeHostName();

    /// <summary>The encoding of every text file written: UTF-8 without BOM.</summary>
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    /// <summary>
    /// Calls <paramref name="write"/> with a temp path beside <paramref name="path"/> (its folder is created), then renames
    /// the result over <paramref name="path"/>. Exceptions of <paramref name="write"/> pass unchanged (they may be about an
    /// input); a failure to create the folder or to rename names the target.
    /// </summary>
    /// <exception cref="IOException">The folder cannot be created or the result cannot be renamed into place.</exception>
    public static void Write(string path, Action<string> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        using var pending = Begin(path);
        write(pending.TempPath);
        pending.Commit();
    }

    /// <summary>
    /// The same for writers that stream asynchronously (downloads): <paramref name="write"/> fills the temp and returns true
    /// to rename it over <paramref name="path"/>, or false to discard it (the target is left as it was). Returns what
    /// <paramref name="write"/> returned. <paramref name="removeStaleTemps"/>: as for <see cref="Begin"/>.
    /// </summary>
    /// <exception cref="IOException">The folder cannot be created or the result cannot be renamed into place.</exception>
    public static async Task<bool> WriteAsync(string path, Func<string, Task<bool>> write, bool removeStaleTemps = true)
    {
        ArgumentNullException.ThrowIfNull(write);
        using var pending = Begin(path, removeStaleTemps);
        if (!await write(pending.TempPath).ConfigureAwait(false)) return false;
        pending.Commit();
        return true;
    }

    /// <summary>
    /// Starts a write for writers that keep the file open across calls (the preprocess spool): creates the folder, removes
    /// the target's abandoned temps (unless <paramref name="removeStaleTemps"/> is false because the caller sweeps a whole
    /// folder itself) and names a fresh temp. <see cref="PendingFile.Commit"/> renames it into place; disposing without
    /// committing deletes it.
    /// </summary>
    /// <exception cref="IOException">The folder cannot be created.</exception>
    public static PendingFile Begin(string path, bool removeStaleTemps = true)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        string full = Path.GetFullPath(path);
        try { Directory.CreateDirectory(Path.GetDirectoryName(full)!); }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            throw new IOException($"cannot write '{full}': {e.Message}", e);
        }
        if (removeStaleTemps) RemoveStaleTemps(full);
        return new PendingFile(full, TempPath(full));
    }

    /// <summary>Writes a text file the same way: UTF-8 without BOM, "\n" line ends.</summary>
    public static void WriteText(string path, Action<TextWriter> write) => Write(path, temp =>
    {
        using var writer = new StreamWriter(temp, append: false, Utf8) { NewLine = "\n" };
        write(writer);
    });

    /// <summary>Writes <paramref name="text"/> as a whole text file the same way.</summary>
    public static void WriteAllText(string path, string text)
    {
        using var pending = BeginText(path, text);
        pending.Commit();
    }

    /// <summary>
    /// Starts a write of <paramref name="text"/> as a whole text file (as <see cref="WriteText"/>) and returns it with its
    /// temp complete, for writers of several files that rename them all only once every one is written (the evaluation
    /// report): <see cref="PendingFile.Commit"/> renames it into place; disposing without committing deletes it.
    /// </summary>
    /// <exception cref="IOException">The folder cannot be created or the temp cannot be written (it is then deleted).</exception>
    public static PendingFile BeginText(string path, string text)
    {
        var pending = Begin(path);
        try
        {
            using var writer = new StreamWriter(pending.TempPath, append: false, Utf8) { NewLine = "\n" };
            writer.Write(text);
        }
        catch
        {
            pending.Dispose();
            throw;
        }
        return pending;
    }

    /// <summary>
    /// A fresh temp path for <paramref name="fullPath"/>: <c>.&lt;name&gt;.&lt;host&gt;.&lt;pid&gt;.&lt;random&gt;.tmp</c> beside it,
    /// at most <see cref="MaxTempNameBytes"/> bytes long whatever the target's name (see <see cref="TempStem"/>).
    /// </summary>
    public static string TempPath(string fullPath) =>
        Path.Combine(Path.GetDirectoryName(fullPath)!, string.Create(CultureInfo.InvariantCulture,
            $".{TempStem(Path.GetFileName(fullPath))}.{Host}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp"));

    /// <summary>The longest temp file name <see cref="TempPath"/> makes, in UTF-8 bytes (file systems take 255).</summary>
    public const int MaxTempNameBytes = 1 + MaxStemBytes + 1 + MaxHostChars + 1 + 10 + 1 + 32 + 4;

    private const int MaxStemBytes = 96, MaxHostChars = 32;

    /// <summary>
    /// The target's name as it appears in its temps: the name itself up to <see cref="MaxStemBytes"/> UTF-8 bytes; a longer
    /// one (a 200-byte name is 70 CJK characters) is cut to its first 80 bytes, whole characters, plus <c>~</c> and 8 hex
    /// digits of a hash of the whole name, so that a name that fits the file system never fails for its temp's suffix and
    /// two long names with one beginning still sweep apart.
    /// </summary>
    internal static string TempStem(string fileName)
    {
        if (Encoding.UTF8.GetByteCount(fileName) <= MaxStemBytes) return fileName;
        int end = 0, bytes = 0;
        foreach (var rune in fileName.EnumerateRunes())
        {
            if (bytes + rune.Utf8SequenceLength > 80) break;
            bytes += rune.Utf8SequenceLength;
            end += rune.Utf16SequenceLength;
        }
        // FNV-1a over the UTF-8 bytes: stable across processes and runs (string.GetHashCode is randomised per process).
        uint hash = 2166136261;
        foreach (byte b in Encoding.UTF8.GetBytes(fileName)) hash = (hash ^ b) * 16777619;
        return string.Create(CultureInfo.InvariantCulture, $"{fileName[..end]}~{hash:x8}");
    }

    /// <summary>
    /// Deletes the abandoned temps of <paramref name="fullPath"/> (see the class summary); best effort: a temp that cannot
    /// be examined or deleted is left alone. Returns how many were deleted.
    /// </summary>
    public static int RemoveStaleTemps(string fullPath) =>
        Sweep(Path.GetDirectoryName(fullPath)!, "." + TempStem(Path.GetFileName(fullPath)) + ".", SearchOption.TopDirectoryOnly, onlyAbandoned: true);

    /// <summary>
    /// The same for every target in <paramref name="directory"/> at once, for writers of many files into one folder (the
    /// preview download sweeps once per run instead of once per file). Returns how many were deleted.
    /// </summary>
    public static int RemoveStaleTempsIn(string directory) =>
        Sweep(directory, ".", SearchOption.TopDirectoryOnly, onlyAbandoned: true);

    /// <summary>
    /// Deletes every temp this class names (<c>.&lt;name&gt;.&lt;host&gt;.&lt;pid&gt;.&lt;32 hex&gt;.tmp</c>) in
    /// <paramref name="directory"/> and its subfolders, whoever made it: for a folder that one job owns (the preprocess
    /// spool), swept when the job starts. Other files, also other <c>.tmp</c> files, are left alone; one that cannot be
    /// deleted is left too. Returns how many were deleted.
    /// </summary>
    public static int RemoveAllTemps(string directory) =>
        Sweep(directory, ".", SearchOption.AllDirectories, onlyAbandoned: false);

    // Temps are .<name>.<host>.<pid>.<32 hex>.tmp; read from the right (host names are written without dots, names may
    // hold them). onlyAbandoned: this host's temps of processes that have exited, and anyone's untouched for an hour.
    private static int Sweep(string dir, string prefix, SearchOption depth, bool onlyAbandoned)
    {
        int removed = 0;
        try
        {
            if (!Directory.Exists(dir)) return 0;
            foreach (string temp in Directory.EnumerateFiles(dir, prefix + "*.tmp", depth))
            {
                string[] parts = Path.GetFileName(temp)[prefix.Length..^".tmp".Length].Split('.');
                if (parts.Length < (prefix == "." ? 4 : 3) || parts[^1].Length != 32
                    || !int.TryParse(parts[^2], NumberStyles.None, CultureInfo.InvariantCulture, out int pid)) continue;
                if (onlyAbandoned)
                {
                    bool deadHere = parts[^3] == Host && pid != Environment.ProcessId && !IsRunning(pid);
                    bool untouched = DateTime.UtcNow - File.GetLastWriteTimeUtc(temp) > AbandonedAfter;
                    if (!deadHere && !untouched) continue;
                }
                try { File.Delete(temp); removed++; }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException) { } // someone else's business
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { } // an unreadable folder: write anyway
        return removed;
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var p = Process.GetProcessById(pid);
            return !p.HasExited;
        }
        catch (ArgumentException) { return false; } // no such process
        catch (Exception) { return true; }           // cannot tell (another user's process, access denied): keep its temp
    }

    private static string SafeHostName()
    {
        string name = Environment.MachineName;
        // ASCII letters and digits only (one byte each in the name); at most MaxHostChars of them.
        var chars = name.Select(c => char.IsAsciiLetterOrDigit(c) || c == '-' ? c : '-').Take(MaxHostChars).ToArray();
        return chars.Length == 0 ? "host" : new string(chars);
    }
}
