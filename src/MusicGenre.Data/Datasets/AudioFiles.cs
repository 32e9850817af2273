using MusicGenre.Audio;

namespace MusicGenre.Data.Datasets;

/// <summary>Which files the dataset loaders treat as audio (the formats MusicGenre.Audio decodes).</summary>
internal static class AudioFiles
{
    /// <summary>Recognised audio extensions, lower case with the dot: the decoders' own list.</summary>
    public static IReadOnlyList<string> Extensions => AudioFile.SupportedExtensions;

    /// <summary>True when <paramref name="path"/> has a recognised audio extension (case-insensitive).</summary>
    public static bool IsAudio(string path) => AudioFile.HasSupportedExtension(path);

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
