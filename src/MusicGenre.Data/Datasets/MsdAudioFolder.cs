namespace MusicGenre.Data.Datasets;

/// <summary>
/// Loads a folder of MSD-named audio (<c>TRWJAZW128F42760DD_test.mp3</c>, <c>TRAAAAK128F9318786.mp3</c>, at any depth)
/// labelled by a tagtraum .cls file. Song ids are the MSD track ids.
/// </summary>
internal static class MsdAudioFolder
{
    /// <summary>Walks <paramref name="audioRoot"/>, takes each audio file's track id from its name and joins it with <paramref name="clsPath"/>.</summary>
    /// <exception cref="DirectoryNotFoundException">The audio folder does not exist.</exception>
    /// <exception cref="DatasetFormatException">The .cls file is malformed, or no audio file could be labelled.</exception>
    public static Dataset Load(string audioRoot, string clsPath, GenreList? genres = null) =>
        Load(audioRoot, TagtraumLabels.Read(clsPath), genres);

    /// <summary>As <see cref="Load(string, string, GenreList?)"/> with labels already read.</summary>
    public static Dataset Load(string audioRoot, TagtraumLabels labels, GenreList? genres = null)
    {
        // 1. Validate the folder.
        genres ??= GenreList.Gtzan;
        audioRoot = Path.GetFullPath(audioRoot);
        if (!Directory.Exists(audioRoot))
            throw new DirectoryNotFoundException($"MSD audio folder not found: {audioRoot}");

        // 2. Find audio files and their track ids (files without one are reported).
        var unnamed = new List<SkippedItem>();
        var tracks = new List<(string, string, string?)>();
        foreach (string file in AudioFiles.EnumerateSorted(audioRoot, SearchOption.AllDirectories))
        {
            if (!AudioFiles.IsAudio(file)) continue;
            if (MsdTrackId.FromFileName(file) is { } id) tracks.Add((id, file, null));
            else unnamed.Add(new SkippedItem(file, 0, Path.GetFileName(file), "file name does not start with an MSD track id (TR + 16 characters)"));
        }

        // 3. Join with the labels.
        var joined = labels.Join(tracks, genres);
        var dataset = joined with { Skipped = [.. unnamed, .. joined.Skipped] };
        if (dataset.Entries.Count == 0)
            throw new DatasetFormatException(audioRoot, 0, $"no audio file could be labelled from {labels.Source} with genres {genres} " +
                $"({tracks.Count} file(s) with track ids, {unnamed.Count} without)");
        return dataset;
    }
}
