using MusicGenre.Nn.Initialization;

namespace MusicGenre.Nn.Training;

/// <summary>
/// Splits segments into training and validation by song, stratified by genre: within each genre the songs are
/// shuffled with the seed and the first round(fraction·songs) go to validation (at least one when the genre has two
/// or more songs and the fraction is positive). Segments of one song always land on the same side.
/// </summary>
internal static class SongSplit
{
    /// <summary>Indices of training and validation segments, each ascending.</summary>
    /// <exception cref="ArgumentException">A song's segments carry different labels.</exception>
    public static (int[] Train, int[] Validation) Split(SegmentSet set, double validationFraction, Rng rng)
    {
        // 1. Song → label (checked consistent), in first-appearance order.
        var songLabel = new Dictionary<string, int>(StringComparer.Ordinal);
        var songs = new List<string>();
        for (int i = 0; i < set.Count; i++)
        {
            if (songLabel.TryGetValue(set.SongIds[i], out int l))
            {
                if (l != set.Labels[i])
                    throw new ArgumentException($"Song '{set.SongIds[i]}' has segments labelled {l} and {set.Labels[i]}; a song must have one genre.");
            }
            else { songLabel[set.SongIds[i]] = set.Labels[i]; songs.Add(set.SongIds[i]); }
        }
        // 2. Per genre (ascending), sorted song ids shuffled with the seed; the first share goes to validation.
        var validationSongs = new HashSet<string>(StringComparer.Ordinal);
        if (validationFraction > 0)
            foreach (var group in songs.GroupBy(s => songLabel[s]).OrderBy(g => g.Key))
            {
                var ids = group.OrderBy(s => s, StringComparer.Ordinal).ToArray();
                rng.Shuffle(ids.AsSpan());
                int take = (int)Math.Round(validationFraction * ids.Length, MidpointRounding.AwayFromZero);
                if (ids.Length >= 2) take = Math.Clamp(take, 1, ids.Length - 1);
                else take = 0;
                foreach (var id in ids.Take(take)) validationSongs.Add(id);
            }
        // 3. Segment indices per side.
        var train = new List<int>(); var val = new List<int>();
        for (int i = 0; i < set.Count; i++) (validationSongs.Contains(set.SongIds[i]) ? val : train).Add(i);
        return (train.ToArray(), val.ToArray());
    }
}
