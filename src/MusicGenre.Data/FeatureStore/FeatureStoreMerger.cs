namespace MusicGenre.Data.FeatureStore;

/// <summary>
/// Joins feature stores made by <c>preprocess --shard k/N</c> on different machines into one store for training. Songs
/// keep the order of the inputs, then their order within each input; only one song's features are in memory at a time.
/// </summary>
internal static class FeatureStoreMerger
{
    /// <summary>Merges <paramref name="inputs"/> into <paramref name="output"/> (written atomically).</summary>
    /// <example><code>FeatureStoreMerger.Merge(["f.0.h5", "f.1.h5", "f.2.h5"], "features.h5");</code></example>
    /// <exception cref="ArgumentException">No inputs, or the output is one of the inputs.</exception>
    /// <exception cref="FeatureStoreException">Inputs made with different genres, shapes, segment length or preset, or sharing a song id.</exception>
    /// <param name="inputs">Feature stores made with the same settings, each song in exactly one of them.</param>
    /// <param name="output">The merged store (must not be one of the inputs).</param>
    /// <param name="progress">Receives (songs written, total songs) as the merge streams.</param>
    /// <param name="cancellationToken">Stops the merge; the output is then not created (nothing half-written is left).</param>
    public static void Merge(IReadOnlyList<string> inputs, string output, IProgress<(int Done, int Total)>? progress = null,
        CancellationToken cancellationToken = default)
    {
        // 1. Open every input and check that they agree on everything but their songs.
        if (inputs.Count == 0) throw new ArgumentException("no feature stores to merge", nameof(inputs));
        string fullOutput = Path.GetFullPath(output);
        if (inputs.Any(i => Path.GetFullPath(i) == fullOutput))
            throw new ArgumentException($"the output {fullOutput} is also an input; write the merge to a new file", nameof(output));
        var readers = new List<FeatureStoreReader>();
        try
        {
            foreach (string input in inputs) readers.Add(FeatureStoreReader.Open(input));
            var first = readers[0];
            foreach (var r in readers.Skip(1))
                if (Describe(r.Header) != Describe(first.Header))
                    throw new FeatureStoreException(r.Path, $"was made with other settings than {first.Path}: {Describe(r.Header)} vs {Describe(first.Header)}");

            // 2. The combined song table, with song ids unique across inputs.
            var songs = new List<StoreSong>();
            var sources = new List<(FeatureStoreReader Reader, int Song)>();
            var owner = new Dictionary<string, string>(StringComparer.Ordinal);
            int next = 0;
            foreach (var r in readers)
                for (int s = 0; s < r.Songs.Count; s++)
                {
                    var song = r.Songs[s];
                    if (!owner.TryAdd(song.SongId, r.Path))
                        throw new FeatureStoreException(r.Path, $"song '{song.SongId}' is also in {owner[song.SongId]}; were the shards made with the same k/N?");
                    songs.Add(song with { FirstSegment = next });
                    sources.Add((r, s));
                    next += song.SegmentCount;
                }

            // 3. Stream the songs into the merged store.
            int written = 0;
            FeatureStoreWriter.Write(fullOutput, first.Header, songs, i =>
            {
                var features = sources[i].Reader.ReadSong(sources[i].Song);
                progress?.Report((++written, songs.Count));
                return features;
            }, cancellationToken);
        }
        finally
        {
            foreach (var r in readers) r.Dispose();
        }
    }

    private static string Describe(FeatureStoreHeader h) =>
        $"genres [{string.Join(",", h.GenreNames)}], {h.Mels}×{h.Frames}, {h.SampleRate} Hz, {h.SegmentSeconds} s, preset {h.PresetName} " +
        "(" + string.Join(", ", h.PresetParameters.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={Convert.ToString(p.Value, System.Globalization.CultureInfo.InvariantCulture)}")) + ")";
}
