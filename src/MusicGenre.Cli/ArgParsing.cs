using System.Globalization;

namespace MusicGenre.Cli;

/// <summary>Parsers for the value syntaxes the commands share (<c>k/N</c> shards, durations such as <c>3s</c>).</summary>
internal static class ArgParsing
{
    /// <summary>Parses <c>k/N</c> (0-based k) for <c>--shard</c>; a malformed value is a usage error.</summary>
    public static Pipeline.Preprocess.ShardSpec Shard(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return Pipeline.Preprocess.ShardSpec.All;
        try { return Pipeline.Preprocess.ShardSpec.Parse(text); }
        catch (FormatException ex) { throw new UsageException(ex.Message); }
    }

    /// <summary>Parses <c>--device auto|cpu|cuda|opencl</c> (case-insensitive); anything else is a usage error.</summary>
    public static Nn.Backends.DeviceKind Device(string text)
    {
        try { return Nn.Backends.BackendFactory.ParseDevice(text); }
        catch (ArgumentException) { throw new UsageException($"--device '{text}' is not one of auto, cpu, cuda, opencl"); }
    }

    /// <summary>Parses a duration in seconds: <c>3</c>, <c>3s</c>, <c>2.5s</c> or <c>500ms</c>.</summary>
    public static double Seconds(string text, string option)
    {
        string t = text.Trim().ToLowerInvariant();
        double scale = 1;
        if (t.EndsWith("ms", StringComparison.Ordinal)) { scale = 1e-3; t = t[..^2]; }
        else if (t.EndsWith('s')) t = t[..^1];
        if (double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && v > 0 && double.IsFinite(v))
            return v * scale;
        throw new UsageException($"{option} '{text}' is not a positive duration (e.g. 3s, 2.5s, 500ms)");
    }

    /// <summary>An input path named on the command line must exist (file or folder).</summary>
    public static string ExistingPath(string path, string what)
    {
        if (File.Exists(path) || Directory.Exists(path)) return Path.GetFullPath(path);
        throw new UsageException($"{what} '{path}' does not exist");
    }

    /// <summary>
    /// The folder of an output file must exist or be creatable, and the output must not be one of the command's
    /// <paramref name="inputs"/> (compared with symbolic links resolved), so nothing a command reads is overwritten by it;
    /// returns the full path.
    /// </summary>
    public static string OutputFile(string path, string what, params string?[] inputs)
    {
        string full = Path.GetFullPath(path);
        if (Directory.Exists(full)) throw new UsageException($"{what} '{path}' is a folder, not a file");
        string real = RealPath(full);
        foreach (var input in inputs)
            if (input is not null && File.Exists(input) && RealPath(Path.GetFullPath(input)) == real)
                throw new UsageException($"{what} '{path}' is also an input of this command ({input}); write the output somewhere else");
        string? dir = Path.GetDirectoryName(full);
        try
        {
            if (dir != null) Directory.CreateDirectory(dir);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"{what} '{path}': cannot create folder '{dir}': {ex.Message}");
        }
        return full;
    }

    /// <summary>The path with every symbolic link resolved (the path itself when it has none or cannot be resolved).</summary>
    public static string RealPath(string path)
    {
        try
        {
            var info = File.Exists(path) ? (FileSystemInfo)new FileInfo(path) : new DirectoryInfo(path);
            var target = info.ResolveLinkTarget(returnFinalTarget: true);
            string resolved = Path.GetFullPath(target?.FullName ?? path);
            // Links in parent folders: resolve the parent too.
            string? parent = Path.GetDirectoryName(resolved);
            return parent is null || parent == resolved ? resolved : Path.Combine(RealPathOfFolder(parent), Path.GetFileName(resolved));
        }
        catch (IOException) { return Path.GetFullPath(path); }
    }

    private static string RealPathOfFolder(string folder)
    {
        string? parent = Path.GetDirectoryName(folder);
        var target = new DirectoryInfo(folder).ResolveLinkTarget(returnFinalTarget: true);
        if (target is not null) return RealPathOfFolder(Path.GetFullPath(target.FullName));
        return parent is null ? folder : Path.Combine(RealPathOfFolder(parent), Path.GetFileName(folder));
    }
}
