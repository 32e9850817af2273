namespace MusicGenre.IO;

/// <summary>
/// Whether a path names a file a reader can open without blocking: a regular, non-empty file, symbolic links followed.
/// A named pipe (FIFO) or a device reports length 0, and opening a pipe waits for a writer forever (no signal ends that
/// wait), so every reader of user-named files asks here first.
/// </summary>
internal static class InputFile
{
    /// <summary>What is wrong with a path as an input file.</summary>
    public enum Kind { Missing, BrokenLink, Folder, Empty, Inaccessible }

    /// <summary>A problem and its description (without the path, e.g. "a folder, not a file").</summary>
    public readonly record struct Problem(Kind Kind, string Text);

    /// <summary>Null when <paramref name="path"/> can be read as a file; else what is wrong.</summary>
    public static Problem? Check(string path)
    {
        if (string.IsNullOrEmpty(path)) return new(Kind.Missing, "an empty path");
        try
        {
            // 1. Follow links to their end: .NET's Length of a link is the length of its target's name, not of the file.
            var info = new FileInfo(path);
            if (info.LinkTarget is { } target)
            {
                // /dev/stdin → /proc/self/fd/0 → "pipe:[1234]": not a path but a pipe (or socket), which is never read.
                if (target.StartsWith("pipe:[", StringComparison.Ordinal) || target.StartsWith("socket:[", StringComparison.Ordinal)
                    || info.ResolveLinkTarget(returnFinalTarget: true) is { } last && Path.GetFileName(last.FullName) is var name
                       && (name.StartsWith("pipe:[", StringComparison.Ordinal) || name.StartsWith("socket:[", StringComparison.Ordinal)))
                    return new(Kind.Empty, "a pipe or socket, which is not read (audio is read from files: save the stream to a file first)");
                var end = info.ResolveLinkTarget(returnFinalTarget: true);
                if (end is null || !Path.Exists(end.FullName))
                    return new(Kind.BrokenLink, $"a broken symbolic link (its target '{target}' does not exist, or the links form a loop)");
                info = new FileInfo(end.FullName);
            }
            // 2. What is at the end.
            if (Directory.Exists(info.FullName)) return new(Kind.Folder, "a folder, not a file");
            if (!info.Exists) return new(Kind.Missing, "not found");
            return info.Length == 0 ? new(Kind.Empty, "empty (0 bytes; a pipe or device is not read)") : null;
        }
        catch (IOException) { return new(Kind.BrokenLink, "a broken symbolic link (the links form a loop)"); }
        catch (UnauthorizedAccessException e) { return new(Kind.Inaccessible, $"not accessible ({e.Message})"); }
    }

    /// <summary>
    /// Returns when <paramref name="path"/> can be read as a file; else throws, naming the path and what it was wanted
    /// as (<paramref name="what"/>, e.g. "CSV manifest"), before anything opens it (opening a pipe would block).
    /// </summary>
    /// <exception cref="FileNotFoundException">Missing, or a broken link.</exception>
    /// <exception cref="IOException">A folder, an empty file, a pipe, socket or device, or not accessible.</exception>
    public static void Require(string path, string what)
    {
        switch (Check(path))
        {
            case null: return;
            case { Kind: Kind.Missing }: throw new FileNotFoundException($"{what} not found: {path}", path);
            case { Kind: Kind.BrokenLink } p: throw new FileNotFoundException($"{path}: {what} is {p.Text}", path);
            case { } p: throw new IOException($"{path}: {what} is {p.Text}");
        }
    }
}
