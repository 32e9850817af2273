namespace MusicGenre.Data.Datasets;

/// <summary>
/// Loads a GTZAN-style folder: <c>&lt;root&gt;/&lt;genre&gt;/&lt;file&gt;</c>, the folder name being the label. Song ids are the
/// path relative to the root without extension (<c>blues/blues.00000</c>), unique by construction.
/// </summary>
internal static class GtzanFolder
{
    /// <summary>
    /// Reads the genre folders of <paramref name="root"/>. Folders whose name is not in <paramref name="genres"/>, non-audio
    /// files and files directly under the root are listed in <see cref="Dataset.Skipped"/>.
    /// </summary>
    /// <exception cref="DirectoryNotFoundException">The root folder does not exist.</exception>
    /// <exception cref="DatasetFormatException">The root holds no genre folder with audio in it.</exception>
    public static Dataset Load(string root, GenreList? genres = null)
    {
        // 1. Validate the root.
        genres ??= GenreList.Gtzan;
        root = Path.GetFullPath(root);
        if (!Directory.Exists(root))
            throw new DirectoryNotFoundException($"GTZAN folder not found: {root} (expected <root>/<genre>/<audio files>)");

        var entries = new List<DatasetEntry>();
        var skipped = new List<SkippedItem>();

        // 2. Files directly under the root have no genre folder.
        foreach (string file in AudioFiles.EnumerateSorted(root, SearchOption.TopDirectoryOnly))
            skipped.Add(new SkippedItem(root, 0, Path.GetFileName(file), "file is not inside a genre folder"));

        // 3. Each sub-folder is a genre; unknown genres are reported once per folder.
        var folders = Directory.GetDirectories(root).Where(d => !AudioFiles.IsHidden(d)).ToList();
        folders.Sort(StringComparer.Ordinal);
        foreach (string folder in folders)
        {
            string name = Path.GetFileName(folder);
            var files = AudioFiles.EnumerateSorted(folder, SearchOption.AllDirectories);
            if (!genres.TryGetIndex(name, out int genre))
            {
                skipped.Add(new SkippedItem(root, 0, name + "/", $"genre '{name}' is not in the genre list ({genres}); {files.Count} file(s) skipped"));
                continue;
            }

            // 4. Audio files at any depth below the genre folder become entries.
            foreach (string file in files)
            {
                if (!AudioFiles.IsAudio(file))
                {
                    skipped.Add(new SkippedItem(folder, 0, Path.GetFileName(file), $"not an audio file (supported: {string.Join(' ', AudioFiles.Extensions)})"));
                    continue;
                }
                entries.Add(new DatasetEntry(file, genre, SongId(root, file), null));
            }
        }

        if (entries.Count == 0)
            throw new DatasetFormatException(root, 0, $"no audio files in genre folders; expected <root>/<genre>/<file> with genres {genres}" +
                (skipped.Count > 0 ? $" (skipped: {string.Join("; ", skipped.Take(5))})" : ""));
        return new Dataset(genres, entries, skipped);
    }

    /// <summary>
    /// The song id of <paramref name="file"/> below <paramref name="root"/>: its relative path, '/'-separated, without the
    /// extension (<c>blues/blues.00000</c>). <c>predict --shard</c> hashes the same key, so its shards hold the same songs.
    /// </summary>
    public static string SongId(string root, string file)
    {
        string relative = Path.GetRelativePath(root, file).Replace(Path.DirectorySeparatorChar, '/');
        return relative[..^Path.GetExtension(relative).Length];
    }
}
