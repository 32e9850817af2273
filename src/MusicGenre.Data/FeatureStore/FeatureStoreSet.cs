namespace MusicGenre.Data.FeatureStore;

/// <summary>
/// Several feature stores read as one: the shards that <c>preprocess --shard k/N</c> wrote on different machines, before
/// or instead of a <c>merge</c>; or stores of different song collections made with the same settings. Opening checks that
/// they were made with the same settings (genres, shape, sample rate, segment length, preset) and that no song id, and no
/// audio file, is in two of them. Which altered copies a store holds (<see cref="FeatureStoreLayout.CopiesParameter"/>) may differ: it describes
/// the songs, not the features. Songs are in the order of the stores, then their order within each store.
/// </summary>
internal sealed class FeatureStoreSet : IDisposable
{
    private readonly List<FeatureStoreReader> _stores;
    private readonly List<(FeatureStoreReader Store, int Song)> _songs;

    private FeatureStoreSet(List<FeatureStoreReader> stores, List<(FeatureStoreReader, int)> songs)
    {
        _stores = stores;
        _songs = songs;
        SegmentCount = stores.Sum(s => s.SegmentCount);
        Header = SharedHeader(stores.Select(s => s.Header).ToList());
    }

    /// <summary>The stores, in the order given.</summary>
    public IReadOnlyList<FeatureStoreReader> Stores => _stores;

    /// <summary>
    /// The settings every store shares: the first store's header, with the copies of all stores (each name once, in
    /// order of first appearance; absent when no store has copies).
    /// </summary>
    public FeatureStoreHeader Header { get; }

    /// <summary>Every song of every store: the store it is in and its index there.</summary>
    public IReadOnlyList<(FeatureStoreReader Store, int Song)> Songs => _songs;

    /// <summary>Segments in all stores.</summary>
    public int SegmentCount { get; }

    /// <summary>"name.h5" for one store, "3 stores (part-0.h5 …)" for several: for logs and model metadata.</summary>
    public string Name => _stores.Count == 1 ? Path.GetFileName(_stores[0].Path) : $"{_stores.Count} stores ({Path.GetFileName(_stores[0].Path)} …)";

    /// <summary>Opens <paramref name="paths"/> and checks that they can be read as one.</summary>
    /// <exception cref="ArgumentException">No paths.</exception>
    /// <exception cref="FeatureStoreException">A store cannot be read, was made with other settings than the first, or shares a song id or an audio file with another.</exception>
    public static FeatureStoreSet Open(IReadOnlyList<string> paths)
    {
        ArgumentNullException.ThrowIfNull(paths);
        if (paths.Count == 0) throw new ArgumentException("no feature stores given", nameof(paths));
        var stores = new List<FeatureStoreReader>();
        try
        {
            // 1. Every store agrees with the first on everything but its songs.
            foreach (string path in paths) stores.Add(FeatureStoreReader.Open(path));
            var first = stores[0];
            foreach (var s in stores.Skip(1))
                if (MusicGenre.IO.SettingsDiff.Describe(Settings(s.Header), Settings(first.Header)) is { Length: > 0 } diff)
                    throw new FeatureStoreException(s.Path, $"was made with other settings than {first.Path}: {diff} (this store vs that one)");

            // 2. One song table, each song id once across all stores, and each audio file in one store only: a folder and a
            //    manifest give the same file different ids (blues/blues.00000 vs blues.00000), and a song in two stores
            //    could sit on both sides of a validation split. (Within a store an altered copy shares its original's file.)
            var songs = new List<(FeatureStoreReader, int)>();
            var owner = new Dictionary<string, string>(StringComparer.Ordinal);
            var fileOwner = new Dictionary<string, (string Store, string SongId)>(StringComparer.Ordinal);
            foreach (var s in stores)
            {
                var files = new Dictionary<string, string>(StringComparer.Ordinal);
                for (int i = 0; i < s.Songs.Count; i++)
                {
                    var song = s.Songs[i];
                    if (!owner.TryAdd(song.SongId, s.Path))
                        throw new FeatureStoreException(s.Path, $"song '{song.SongId}' is also in {owner[song.SongId]}; were the shards made with the same N, and is no merged store among its own parts?");
                    if (song.Path.Length > 0 && fileOwner.TryGetValue(song.Path, out var other))
                        throw new FeatureStoreException(s.Path, $"song '{song.SongId}' comes from {song.Path}, which {other.Store} also holds as song '{other.SongId}'; give each audio file to one store only");
                    if (song.Path.Length > 0) files.TryAdd(song.Path, song.SongId);
                    songs.Add((s, i));
                }
                foreach (var (file, id) in files) fileOwner[file] = (s.Path, id);
            }
            return new FeatureStoreSet(stores, songs);
        }
        catch
        {
            foreach (var s in stores) s.Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var s in _stores) s.Dispose();
    }

    /// <summary>Every setting that must agree between stores read as one (all but the copies they hold), by name.</summary>
    private static IEnumerable<KeyValuePair<string, string>> Settings(FeatureStoreHeader h)
    {
        var inv = System.Globalization.CultureInfo.InvariantCulture;
        yield return new("genres", $"[{string.Join(",", h.GenreNames)}]");
        yield return new("shape", $"{h.Mels}×{h.Frames}");
        yield return new("sample rate", $"{h.SampleRate} Hz");
        yield return new("segment", string.Create(inv, $"{h.SegmentSeconds} s"));
        yield return new("preset", h.PresetName);
        foreach (var p in h.PresetParameters.Where(p => p.Key != FeatureStoreLayout.CopiesParameter).OrderBy(p => p.Key, StringComparer.Ordinal))
            yield return new(p.Key, Convert.ToString(p.Value, inv) ?? "");
    }

    /// <summary>The first header, its copies replaced by the union of every store's copies.</summary>
    private static FeatureStoreHeader SharedHeader(IReadOnlyList<FeatureStoreHeader> headers)
    {
        var copies = headers
            .SelectMany(h => h.PresetParameters.TryGetValue(FeatureStoreLayout.CopiesParameter, out var v) ? Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) : [])
            .Distinct(StringComparer.Ordinal)
            .ToList();
        var parameters = headers[0].PresetParameters.Where(p => p.Key != FeatureStoreLayout.CopiesParameter).ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
        if (copies.Count > 0) parameters[FeatureStoreLayout.CopiesParameter] = string.Join(",", copies);
        return headers[0] with { PresetParameters = parameters };
    }
}
