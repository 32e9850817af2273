namespace MusicGenre.Data.Datasets;

/// <summary>A loaded dataset: its genre list, the labelled songs, and what was skipped (with reasons).</summary>
/// <param name="Genres">The genre list the <see cref="DatasetEntry.GenreIndex"/> values refer to.</param>
/// <param name="Entries">Songs in a deterministic order (sorted by path for folders, file order for manifests).</param>
/// <param name="Skipped">Items left out, e.g. labels outside the genre list or audio without a label.</param>
internal sealed record Dataset(GenreList Genres, IReadOnlyList<DatasetEntry> Entries, IReadOnlyList<SkippedItem> Skipped)
{
    /// <summary>Number of entries per genre index.</summary>
    public int[] CountsPerGenre()
    {
        var counts = new int[Genres.Count];
        foreach (var e in Entries) counts[e.GenreIndex]++;
        return counts;
    }
}
