namespace MusicGenre.Data.FeatureStore;

/// <summary>
/// Joins feature stores made by <c>preprocess --shard k/N</c> on different machines into one store for training. Songs
/// keep the order of the inputs, then their order within each input; a piece of one song's features is in memory at a time
/// (<see cref="FeatureStoreWriter.DefaultPieceSegments"/> segments), however long the song.
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
        // 1. Open every input and check that they agree on everything but their songs (FeatureStoreSet).
        if (inputs.Count == 0) throw new ArgumentException("no feature stores to merge", nameof(inputs));
        string fullOutput = Path.GetFullPath(output);
        if (inputs.Any(i => Path.GetFullPath(i) == fullOutput))
            throw new ArgumentException($"the output {fullOutput} is also an input; write the merge to a new file", nameof(output));
        using var set = FeatureStoreSet.Open(inputs);

        // 2. The combined song table (ids unique across inputs, checked by the set), with new segment offsets.
        var songs = new List<StoreSong>(set.Songs.Count);
        int next = 0;
        foreach (var (store, s) in set.Songs)
        {
            songs.Add(store.Songs[s] with { FirstSegment = next });
            next += store.Songs[s].SegmentCount;
        }

        // 3. Stream the songs into the merged store, each a piece at a time (never a whole song in memory).
        int written = 0;
        FeatureStoreWriter.Write(fullOutput, set.Header, songs, (i, first, count, destination) =>
        {
            var (store, s) = set.Songs[i];
            store.ReadSegments(store.Songs[s].FirstSegment + first, count, destination);
            if (first + count == songs[i].SegmentCount) progress?.Report((++written, songs.Count));
        }, cancellationToken);
    }
}
