namespace MusicGenre.Data.Datasets;

/// <summary>Picks the right loader for a preprocess input: a CSV manifest, a folder of MSD-named audio plus a .cls file, or a GTZAN folder.</summary>
internal static class DatasetLoader
{
    /// <summary>
    /// Loads <paramref name="input"/>: a <c>.csv</c> file → <see cref="CsvManifest"/>, or with <paramref name="clsPath"/> and
    /// a download manifest's header → <see cref="MsdDownloadManifest"/>; a folder with <paramref name="clsPath"/> →
    /// <see cref="MsdAudioFolder"/>; a folder without → <see cref="GtzanFolder"/>.
    /// </summary>
    /// <example><code>var data = DatasetLoader.Load("/data/gtzan", clsPath: null, GenreList.Gtzan);</code></example>
    /// <exception cref="FileNotFoundException">The input is neither an existing folder nor an existing file.</exception>
    /// <exception cref="DatasetFormatException">Malformed input (see the individual loaders).</exception>
    public static Dataset Load(string input, string? clsPath = null, GenreList? genres = null)
    {
        if (Directory.Exists(input))
            return clsPath is null ? GtzanFolder.Load(input, genres) : MsdAudioFolder.Load(input, clsPath, genres);
        if (File.Exists(input))
        {
            // The manifest.csv of `musicgenre download`: its previews, with track ids and artists, labelled by the .cls.
            bool download = MsdDownloadManifest.Is(input);
            if (download && clsPath is not null) return MsdDownloadManifest.Load(input, clsPath, genres);
            if (download) throw new DatasetFormatException(input, 1, "a download manifest has no genres: give the tagtraum labels with --cls");
            if (clsPath is not null)
                throw new ArgumentException($"a .cls label file ({clsPath}) goes with a folder of MSD-named audio or a download manifest.csv, not with the file {input}", nameof(clsPath));
            if (!string.Equals(Path.GetExtension(input), ".csv", StringComparison.OrdinalIgnoreCase))
                throw new DatasetFormatException(input, 0, "input must be a folder (GTZAN layout, or MSD audio with --cls) or a .csv manifest");
            return CsvManifest.Load(input, genres);
        }
        throw new FileNotFoundException($"preprocess input not found: {Path.GetFullPath(input)}", input);
    }
}
