using MusicGenre.Data.FeatureStore;
using MusicGenre.Nn.Training;

namespace MusicGenre.Pipeline.Training;

/// <summary>
/// The segments of a feature store (all songs, or a chosen subset), or of several shards read as one, as a training
/// <see cref="SegmentSet"/>: loaded into memory, or (<c>stream</c>) read from the stores as each batch needs them, for
/// data larger than memory. The stores must stay open while a streamed set is used.
/// </summary>
internal static class StoreSegments
{
    /// <summary>
    /// Segments of <paramref name="songs"/> (indices into <see cref="FeatureStoreReader.Songs"/>; all when null) as a
    /// 1-channel set. The group key of each segment is its song id, or its artist under <see cref="SplitBy.Artist"/>.
    /// </summary>
    public static SegmentSet Load(FeatureStoreReader store, SplitBy splitBy, IReadOnlyList<int>? songs = null, bool stream = false) =>
        Load(store.Header, (songs ?? Enumerable.Range(0, store.Songs.Count).ToArray()).Select(s => (store, s)).ToArray(), splitBy, stream);

    /// <summary>Every segment of every store of <paramref name="set"/> (shards read as one), as a 1-channel set.</summary>
    public static SegmentSet Load(FeatureStoreSet set, SplitBy splitBy, bool stream = false) => Load(set.Header, set.Songs, splitBy, stream);

    /// <summary>
    /// Whether a run over <paramref name="segments"/> segments of <paramref name="header"/>'s shape reads them from the
    /// store rather than loading them: when <paramref name="requested"/>, when the values would exceed one .NET array, or
    /// when they would take more than half of <paramref name="availableBytes"/> (default: what the GC says this process may use).
    /// </summary>
    public static bool ShouldStream(FeatureStoreHeader header, long segments, bool requested, long? availableBytes = null)
    {
        long values = segments * header.SegmentLength;
        return requested || values > Array.MaxLength
            || values * sizeof(float) > (availableBytes ?? GC.GetGCMemoryInfo().TotalAvailableMemoryBytes) / 2;
    }

    private static SegmentSet Load(FeatureStoreHeader header, IReadOnlyList<(FeatureStoreReader Store, int Song)> songs, SplitBy splitBy, bool stream)
    {
        // 1. Labels and group keys of every segment, in song order; for a streamed set also where each segment is
        //    (its store and its index there), for a loaded one the values.
        long total = songs.Sum(s => (long)s.Store.Songs[s.Song].SegmentCount);
        if (total > Array.MaxLength)
            throw new InvalidDataException($"{total} segments are more than one training run can index ({Array.MaxLength})");
        int count = (int)total;
        if (!stream && (long)count * header.SegmentLength > Array.MaxLength)
            throw new InvalidDataException($"{count} segments of {header.SegmentLength} values do not fit in one array; stream them from the store instead");
        var data = stream ? null : new float[(long)count * header.SegmentLength];
        var labels = new int[count];
        var groups = new string[count];
        var stores = new List<FeatureStoreReader>();
        var storeIndex = new Dictionary<FeatureStoreReader, int>(ReferenceEqualityComparer.Instance);
        var storeOf = stream ? new int[count] : null;
        var local = stream ? new int[count] : null;
        int at = 0;
        foreach (var (store, s) in songs)
        {
            var song = store.Songs[s];
            if (data is not null)
                store.ReadSegments(song.FirstSegment, song.SegmentCount, data.AsSpan(at * header.SegmentLength, song.SegmentCount * header.SegmentLength));
            else
            {
                if (!storeIndex.TryGetValue(store, out int k)) { storeIndex[store] = k = stores.Count; stores.Add(store); }
                for (int i = 0; i < song.SegmentCount; i++) { storeOf![at + i] = k; local![at + i] = song.FirstSegment + i; }
            }
            string key = GroupKey(song, splitBy);
            for (int i = 0; i < song.SegmentCount; i++)
            {
                labels[at + i] = song.Label;
                groups[at + i] = key;
            }
            at += song.SegmentCount;
        }
        // 2. The set: over the loaded values, or over a source that reads one segment from its store when asked.
        var bands = BandFrequencies(header);
        return data is not null
            ? new SegmentSet(data, count, 1, header.Mels, header.Frames, labels, groups) { BandFrequencies = bands }
            : new SegmentSet(new StoreSource([.. stores], storeOf!, local!), count, 1, header.Mels, header.Frames, labels, groups) { BandFrequencies = bands };
    }

    /// <summary>Reads segment i from store <c>storeOf[i]</c> at its index <c>local[i]</c> there (one random read: O(1) in today's store layout).</summary>
    private sealed class StoreSource(FeatureStoreReader[] stores, int[] storeOf, int[] local) : ISegmentSource
    {
        public void Read(int index, Span<float> destination) => stores[storeOf[index]].ReadSegments(local[index], 1, destination);
    }

    /// <summary>
    /// What keeps segments together in splits and folds: the artist (under <see cref="SplitBy.Artist"/>, when known), else
    /// the song — an altered copy (<see cref="Preprocess.SongCopies"/>) counts as its original.
    /// </summary>
    internal static string GroupKey(StoreSong song, SplitBy splitBy) =>
        splitBy == SplitBy.Artist && !string.IsNullOrWhiteSpace(song.Artist) ? "artist:" + song.Artist : Preprocess.SongCopies.BaseId(song.SongId);

    /// <summary>
    /// Refuses <see cref="SplitBy.Artist"/> when none of <paramref name="songs"/> has an artist: the split would silently be
    /// by song. (Songs of unknown artist among known ones are kept together by song, as documented.)
    /// </summary>
    /// <exception cref="ArgumentException">Artist split asked for, no artist known.</exception>
    internal static void RequireArtists(string data, IEnumerable<StoreSong> songs, SplitBy splitBy)
    {
        if (splitBy == SplitBy.Artist && !songs.Any(s => !string.IsNullOrWhiteSpace(s.Artist)))
            throw new ArgumentException($"{data}: --split-by artist, but no song has an artist (a GTZAN-style folder names none; "
                + "preprocess a CSV manifest with an artist column, or use --split-by song)", nameof(splitBy));
    }

    /// <summary>
    /// What an artist split cannot do with these songs, one line per genre (empty under <see cref="SplitBy.Song"/>): a genre
    /// of one artist has no song in a validation split (<paramref name="folds"/> 0), and with k folds a genre of fewer than
    /// k artists is absent from some folds — a fold holding its only artist trains without the genre at all, so that
    /// genre's held-out score measures nothing. gtzan-mini is like this (blues is John Lee Hooker only).
    /// </summary>
    internal static IReadOnlyList<string> ArtistSplitNotes(IEnumerable<StoreSong> songs, IReadOnlyList<string> genres, SplitBy splitBy, int folds = 0)
    {
        var list = songs.ToList();
        // No artist at all: the split is refused (RequireArtists), so there is nothing to note.
        if (splitBy != SplitBy.Artist || !list.Any(s => !string.IsNullOrWhiteSpace(s.Artist))) return [];
        var notes = new List<string>();
        // Songs of unknown artist among known ones (e.g. a store with artists beside one without) are split by song.
        var originals = list.Where(s => !Preprocess.SongCopies.IsCopy(s.SongId)).ToList();
        if (originals.Count(s => string.IsNullOrWhiteSpace(s.Artist)) is var unknown and > 0)
            notes.Add($"{unknown} of {originals.Count} songs have no artist: each of them is kept together as a group of its own (split by song)");
        foreach (var genre in list.GroupBy(s => s.Label).OrderBy(g => g.Key))
        {
            // Groups: an artist, or a song whose artist is unknown (kept together by song).
            var groups = genre.Select(s => GroupKey(s, splitBy)).Distinct(StringComparer.Ordinal).ToList();
            string name = genres[genre.Key];
            string one = groups[0].StartsWith("artist:", StringComparison.Ordinal) ? $"one artist ({groups[0][7..]})" : "one song of unknown artist";
            if (folds == 0 && groups.Count == 1)
                notes.Add($"genre {name} has {one}: none of its songs is held out for validation");
            else if (folds > 0 && groups.Count < folds)
                notes.Add(groups.Count == 1
                    ? $"genre {name} has {one}: all its songs sit in one fold, whose model trains without {name}"
                    : $"genre {name} has {groups.Count} artists for {folds} folds: {folds - groups.Count} fold(s) hold none of its songs");
        }
        return notes;
    }

    /// <summary>Centre frequency of each mel band of the store's preset; null for a preset this build does not know.</summary>
    internal static double[]? BandFrequencies(FeatureStoreHeader header)
    {
        var preset = MusicGenre.Features.FeaturePresets.All.FirstOrDefault(p => string.Equals(p.Name, header.PresetName, StringComparison.OrdinalIgnoreCase));
        if (preset is null || preset.NMels != header.Mels) return null;
        // librosa's mel filter m spans mel_frequencies(n_mels + 2)[m .. m + 2] and peaks at the middle one.
        var edges = MusicGenre.Features.MelFilterbank.MelFrequencies(preset.NMels + 2, preset.FMin, preset.EffectiveFMax, preset.MelScale);
        return edges[1..^1];
    }
}
