namespace MusicGenre.Data.Datasets;

/// <summary>
/// Genre labels from a tagtraum .cls file (<c>track_id TAB majority [TAB minority]</c>, one track per line; blank lines
/// and lines starting with '#' are ignored), and the joins that turn labelled MSD tracks into dataset entries.
/// </summary>
internal sealed class TagtraumLabels
{
    private readonly Dictionary<string, TagtraumLabel> _labels;

    private TagtraumLabels(string source, Dictionary<string, TagtraumLabel> labels) { Source = source; _labels = labels; }

    /// <summary>The .cls file these labels came from.</summary>
    public string Source { get; }

    /// <summary>Number of labelled tracks.</summary>
    public int Count => _labels.Count;

    /// <summary>The label of <paramref name="trackId"/>, if the file has one.</summary>
    public bool TryGet(string trackId, out TagtraumLabel label) => _labels.TryGetValue(trackId, out label);

    /// <summary>Distinct majority genres, ordinal-sorted.</summary>
    public IReadOnlyList<string> MajorityGenres() => _labels.Values.Select(l => l.Majority).Distinct().Order(StringComparer.Ordinal).ToArray();

    /// <summary>Reads a .cls file, streaming it line by line.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="DatasetFormatException">A malformed line (wrong field count, bad track id, empty genre, duplicate track), naming file and line.</exception>
    public static TagtraumLabels Read(string clsPath)
    {
        clsPath = Path.GetFullPath(clsPath);
        MusicGenre.IO.InputFile.Require(clsPath, "tagtraum label file");
        var labels = new Dictionary<string, TagtraumLabel>(StringComparer.Ordinal);
        using var reader = new StreamReader(clsPath);
        int lineNumber = 0;
        while (reader.ReadLine() is { } line)
        {
            // 1. Skip blank and comment lines.
            lineNumber++;
            if (line.Length == 0 || line[0] == '#' || string.IsNullOrWhiteSpace(line)) continue;

            // 2. Split into 2 or 3 tab-separated fields.
            string[] fields = line.TrimEnd('\r').Split('\t');
            if (fields.Length is < 2 or > 3)
                throw new DatasetFormatException(clsPath, lineNumber, $"expected 'track_id<TAB>majority[<TAB>minority]', found {fields.Length} tab-separated field(s)");
            string trackId = fields[0].Trim(), majority = fields[1].Trim();
            string? minority = fields.Length == 3 && fields[2].Trim().Length > 0 ? fields[2].Trim() : null;

            // 3. Validate, then store.
            if (!MsdTrackId.IsValid(trackId))
                throw new DatasetFormatException(clsPath, lineNumber, $"'{trackId}' is not an MSD track id (TR + 16 upper-case letters/digits)");
            if (majority.Length == 0)
                throw new DatasetFormatException(clsPath, lineNumber, $"track {trackId} has an empty majority genre");
            if (!labels.TryAdd(trackId, new TagtraumLabel(majority, minority)))
                throw new DatasetFormatException(clsPath, lineNumber, $"track {trackId} is listed twice");
        }
        if (labels.Count == 0) throw new DatasetFormatException(clsPath, 0, "no labelled tracks in the file");
        return new TagtraumLabels(clsPath, labels);
    }

    /// <summary>
    /// Joins tracks (track id, audio path, optional artist; e.g. from MSD track files) with these labels. Tracks without a
    /// label, with a majority genre outside <paramref name="genres"/>, or repeated, are listed in <see cref="Dataset.Skipped"/>.
    /// </summary>
    public Dataset Join(IEnumerable<(string TrackId, string Path, string? Artist)> tracks, GenreList genres)
    {
        var entries = new List<DatasetEntry>();
        var skipped = new List<SkippedItem>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (trackId, path, artist) in tracks)
        {
            if (!_labels.TryGetValue(trackId, out var label))
                skipped.Add(new SkippedItem(path, 0, trackId, $"track has no label in {Path.GetFileName(Source)}"));
            else if (!genres.TryGetIndex(label.Majority, out int genre))
                skipped.Add(new SkippedItem(path, 0, trackId, $"genre '{label.Majority}' is not in the genre list ({genres})"));
            else if (!seen.Add(trackId))
                skipped.Add(new SkippedItem(path, 0, trackId, "track id already taken by another file"));
            else
                entries.Add(new DatasetEntry(path, genre, trackId, artist));
        }
        return new Dataset(genres, entries, skipped);
    }
}
