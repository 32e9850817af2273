using MusicGenre.Nn.Initialization;

namespace MusicGenre.Nn.Training;

/// <summary>
/// Splits segments into training and validation by song (or by whatever <see cref="SegmentSet.SongIds"/> groups, e.g. an
/// artist's songs), stratified by genre: within each genre the groups are shuffled with the seed and the first
/// round(fraction·groups) go to validation (at least one when the genre has two or more groups and the fraction is
/// positive). Segments of one group always land on the same side. A group of several genres (an artist whose tracks are
/// labelled differently, as tagtraum labels tracks) is counted under its main genre (<see cref="MainLabel"/>).
/// </summary>
internal static class SongSplit
{
    /// <summary>Indices of training and validation segments, each ascending.</summary>
    public static (int[] Train, int[] Validation) Split(SegmentSet set, double validationFraction, Rng rng)
    {
        // 1. Group → segments per label, groups in first-appearance order.
        var counts = new Dictionary<string, Dictionary<int, int>>(StringComparer.Ordinal);
        var groups = new List<string>();
        for (int i = 0; i < set.Count; i++)
        {
            if (!counts.TryGetValue(set.SongIds[i], out var perLabel))
            {
                counts[set.SongIds[i]] = perLabel = [];
                groups.Add(set.SongIds[i]);
            }
            perLabel[set.Labels[i]] = perLabel.GetValueOrDefault(set.Labels[i]) + 1;
        }
        // 2. Per genre (ascending), sorted group ids shuffled with the seed; the first share goes to validation.
        var validationGroups = new HashSet<string>(StringComparer.Ordinal);
        if (validationFraction > 0)
            foreach (var genre in groups.GroupBy(g => MainLabel(counts[g].Select(c => (c.Key, c.Value)))).OrderBy(g => g.Key))
            {
                var ids = genre.OrderBy(s => s, StringComparer.Ordinal).ToArray();
                rng.Shuffle(ids.AsSpan());
                int take = (int)Math.Round(validationFraction * ids.Length, MidpointRounding.AwayFromZero);
                if (ids.Length >= 2) take = Math.Clamp(take, 1, ids.Length - 1);
                else take = 0;
                foreach (var id in ids.Take(take)) validationGroups.Add(id);
            }
        // 3. Segment indices per side.
        var train = new List<int>(); var val = new List<int>();
        for (int i = 0; i < set.Count; i++) (validationGroups.Contains(set.SongIds[i]) ? val : train).Add(i);
        return (train.ToArray(), val.ToArray());
    }

    /// <summary>
    /// The genre a group of segments is stratified by in splits and folds: the label most of its segments carry, the
    /// lowest such label on a tie. A song has one label; an artist's songs may have several.
    /// </summary>
    /// <param name="segmentsPerLabel">Each label of the group with its number of segments (at least one entry).</param>
    public static int MainLabel(IEnumerable<(int Label, int Segments)> segmentsPerLabel) =>
        segmentsPerLabel.OrderByDescending(x => x.Segments).ThenBy(x => x.Label).First().Label;
}
