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

    /// <summary>The folder of an output file must exist or be creatable; returns the full path.</summary>
    public static string OutputFile(string path, string what)
    {
        string full = Path.GetFullPath(path);
        if (Directory.Exists(full)) throw new UsageException($"{what} '{path}' is a folder, not a file");
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
}
