using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace MusicGenre.IO;

/// <summary>
/// The one way MusicGenre writes an output file: into a hidden temp file beside the target,
/// <c>.&lt;name&gt;.&lt;pid&gt;.&lt;random&gt;.tmp</c>, renamed over the target once complete. A failed or cancelled write
/// deletes its temp and leaves the old target untouched. A process killed outright (SIGKILL, power loss) cannot clean up,
/// so every write first removes the temps of the same target whose process no longer runs.
/// </summary>
internal static class SafeFile
{
    /// <summary>
    /// Calls <paramref name="write"/> with a temp path beside <paramref name="path"/> (its folder is created), then renames
    /// the result over <paramref name="path"/>.
    /// </summary>
    /// <exception cref="IOException">The folder or file cannot be written; the message names the target.</exception>
    public static void Write(string path, Action<string> write)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(write);
        string full = Path.GetFullPath(path);
        string temp;
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            RemoveStaleTemps(full);
            temp = TempPath(full);
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            throw new IOException($"cannot write '{full}': {e.Message}", e);
        }
        try
        {
            write(temp);
            File.Move(temp, full, overwrite: true);
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            throw new IOException($"cannot write '{full}': {e.Message}", e);
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
            $".{Path.GetFileName(fullPath)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp"));

    /// <summary>
    /// Deletes the temps of <paramref name="fullPath"/> left by processes that no longer run (a live process's temp, this
    /// one's included, is kept). Returns how many were deleted.
    /// </summary>
    public static int RemoveStaleTemps(string fullPath)
    {
        string dir = Path.GetDirectoryName(fullPath)!, prefix = "." + Path.GetFileName(fullPath) + ".";
        if (!Directory.Exists(dir)) return 0;
        int removed = 0;
        foreach (string temp in Directory.EnumerateFiles(dir, prefix + "*.tmp"))
        {
            // .<name>.<pid>.<32 hex>.tmp: the pid is the part before the random one.
            string middle = Path.GetFileName(temp)[prefix.Length..^".tmp".Length];
            int dot = middle.IndexOf('.', StringComparison.Ordinal);
            if (dot <= 0 || middle.Length - dot - 1 != 32 || !int.TryParse(middle.AsSpan(0, dot), NumberStyles.None, CultureInfo.InvariantCulture, out int pid)) continue;
            if (pid == Environment.ProcessId || IsRunning(pid)) continue;
            try { File.Delete(temp); removed++; }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { } // another process's business
        }
        return removed;
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var p = Process.GetProcessById(pid);
            return !p.HasExited;
        }
        catch (ArgumentException) { return false; }       // no such process
        catch (InvalidOperationException) { return false; }
    }
}

/// <summary>CSV fields as RFC 4180 writes them.</summary>
internal static class Csv
{
    /// <summary><paramref name="value"/> as it is, or quoted (inner quotes doubled) when it holds a comma, quote or line break.</summary>
    public static string Field(string value) =>
        value.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
}
