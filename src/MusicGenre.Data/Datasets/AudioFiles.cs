namespace MusicGenre.Data.Datasets;

/// <summary>Which files the dataset loaders treat as audio (the formats MusicGenre.Audio decodes).</summary>
internal static class AudioFiles
{
    /// <summary>Recognised audio extensions, lower case with the dot.</summary>
    public static IReadOnlySet<string> Extensions { get; } = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { ".wav", ".au", ".snd", ".mp3" };

    /// <summary>True when <paramref name="path"/> has a recognised audio extension.</summary>
    public static bool IsAudio(string path) => Extensions.Contains(Path.GetExtension(path));

    /// <summary>True for dot-files (".DS_Store", "._x.wav") that folder walks ignore silently.</summary>
    internal static bool IsHidden(string path) => Path.GetFileName(path).StartsWith('.');

    /// <summary>All files under <paramref name="root"/> at any depth, ordinal-sorted by full path (deterministic across machines).</summary>
    internal static List<string> EnumerateSorted(string root, SearchOption depth)
    {
        var files = Directory.EnumerateFiles(root, "*", new EnumerationOptions { RecurseSubdirectories = depth == SearchOption.AllDirectories, IgnoreInaccessible = true, AttributesToSkip = 0 })
            .Where(f => !IsHidden(f))
            .ToList();
        files.Sort(StringComparer.Ordinal);
        return files;
    }
}
