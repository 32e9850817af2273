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

    /// <summary>
    /// Calls <paramref name="write"/> with a temp path beside <paramref name="path"/> (its folder is created), then renames
    /// the result over <paramref name="path"/>. Exceptions of <paramref name="write"/> pass unchanged (they may be about an
    /// input); a failure to create the folder or to rename names the target.
    /// </summary>
    /// <exception cref="IOException">The folder cannot be created or the result cannot be renamed into place.</exception>
    public static void Write(string path, Action<string> write)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(write);
        string full = Path.GetFullPath(path);
        try { Directory.CreateDirectory(Path.GetDirectoryName(full)!); }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            throw new IOException($"cannot write '{full}': {e.Message}", e);
        }
        RemoveStaleTemps(full);
        string temp = TempPath(full);
        try
        {
            write(temp);
            try { File.Move(temp, full, overwrite: true); }
            catch (Exception e) when (e is UnauthorizedAccessException or IOException)
            {
                throw new IOException($"cannot write '{full}': {e.Message}", e);
            }
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    /// <summary>Writes a text file the same way: UTF-8 without BOM, "\n" line ends.</summary>
    public static void WriteText(string path, Action<TextWriter> write) => Write(path, temp =>
    {
        using var writer = new StreamWriter(temp, append: false, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false)) { NewLine = "\n" };
        write(writer);
    });

    /// <summary>Writes <paramref name="text"/> as a whole text file the same way.</summary>
    public static void WriteAllText(string path, string text) => WriteText(path, w => w.Write(text));

    /// <summary>
    /// A fresh temp path for <paramref name="fullPath"/>, for writers that stream into it and rename it themselves
    /// (<see cref="Write"/> does both for everyone else).
    /// </summary>
    public static string TempPath(string fullPath) =>
        Path.Combine(Path.GetDirectoryName(fullPath)!, string.Create(CultureInfo.InvariantCulture,
            $".{Path.GetFileName(fullPath)}.{Host}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp"));

    /// <summary>
    /// Deletes the abandoned temps of <paramref name="fullPath"/> (see the class summary); best effort: a temp that cannot
    /// be examined or deleted is left alone. Returns how many were deleted.
    /// </summary>
    public static int RemoveStaleTemps(string fullPath)
    {
        string dir = Path.GetDirectoryName(fullPath)!, prefix = "." + Path.GetFileName(fullPath) + ".";
        int removed = 0;
        try
        {
            if (!Directory.Exists(dir)) return 0;
            foreach (string temp in Directory.EnumerateFiles(dir, prefix + "*.tmp"))
            {
                // .<name>.<host>.<pid>.<32 hex>.tmp, read from the right (a host name may hold dots).
                string[] parts = Path.GetFileName(temp)[prefix.Length..^".tmp".Length].Split('.');
                if (parts.Length < 3 || parts[^1].Length != 32
                    || !int.TryParse(parts[^2], NumberStyles.None, CultureInfo.InvariantCulture, out int pid)) continue;
                string host = string.Join('.', parts[..^2]);
                bool deadHere = host == Host && pid != Environment.ProcessId && !IsRunning(pid);
                bool untouched = DateTime.UtcNow - File.GetLastWriteTimeUtc(temp) > AbandonedAfter;
                if (!deadHere && !untouched) continue;
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
        var chars = name.Select(c => char.IsLetterOrDigit(c) || c == '-' ? c : '-').ToArray();
        return chars.Length == 0 ? "host" : new string(chars);
    }
}

/// <summary>CSV fields as RFC 4180 writes them.</summary>
internal static class Csv
{
    /// <summary><paramref name="value"/> as it is, or quoted (inner quotes doubled) when it holds a comma, quote or line break.</summary>
    public static string Field(string value) =>
        value.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
}
