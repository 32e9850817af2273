using MusicGenre.Data.FeatureStore;
using MusicGenre.Nn.Training;

namespace MusicGenre.Pipeline.Training;

/// <summary>Loads the segments of a feature store (all songs, or a chosen subset), or of several shards read as one, into a training <see cref="SegmentSet"/>.</summary>
internal static class StoreSegments
{
    /// <summary>
    /// Segments of <paramref name="songs"/> (indices into <see cref="FeatureStoreReader.Songs"/>; all when null) as a
    /// 1-channel set. The group key of each segment is its song id, or its artist under <see cref="SplitBy.Artist"/>.
    /// </summary>
    public static SegmentSet Load(FeatureStoreReader store, SplitBy splitBy, IReadOnlyList<int>? songs = null) =>
        Load(store.Header, (songs ?? Enumerable.Range(0, store.Songs.Count).ToArray()).Select(s => (store, s)).ToArray(), splitBy);

    /// <summary>Every segment of every store of <paramref name="set"/> (shards read as one), as a 1-channel set.</summary>
    public static SegmentSet Load(FeatureStoreSet set, SplitBy splitBy) => Load(set.Header, set.Songs, splitBy);

    private static SegmentSet Load(FeatureStoreHeader header, IReadOnlyList<(FeatureStoreReader Store, int Song)> songs, SplitBy splitBy)
    {
        int count = songs.Sum(s => s.Store.Songs[s.Song].SegmentCount);
        var data = new float[(long)count * header.SegmentLength];
        var labels = new int[count];
        var groups = new string[count];
        int at = 0;
        foreach (var (store, s) in songs)
        {
            var song = store.Songs[s];
            store.ReadSegments(song.FirstSegment, song.SegmentCount, data.AsSpan(at * header.SegmentLength, song.SegmentCount * header.SegmentLength));
            string key = GroupKey(song, splitBy);
            for (int i = 0; i < song.SegmentCount; i++)
            {
                labels[at + i] = song.Label;
                groups[at + i] = key;
            }
            at += song.SegmentCount;
        }
        return new SegmentSet(data, count, 1, header.Mels, header.Frames, labels, groups) { BandFrequencies = BandFrequencies(header) };
    }

    /// <summary>
    /// What keeps segments together in splits and folds: the artist (under <see cref="SplitBy.Artist"/>, when known), else
    /// the song — an altered copy (<see cref="Preprocess.SongCopies"/>) counts as its original.
    /// </summary>
    internal static string GroupKey(StoreSong song, SplitBy splitBy) =>
        splitBy == SplitBy.Artist && !string.IsNullOrWhiteSpace(song.Artist) ? "artist:" + song.Artist : Preprocess.SongCopies.BaseId(song.SongId);

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
