namespace MusicGenre.Data.Datasets;

/// <summary>An input item a loader did not turn into a <see cref="DatasetEntry"/>, with the reason.</summary>
/// <param name="Source">The file (or folder) the item came from.</param>
/// <param name="Line">1-based line in <paramref name="Source"/>, or 0 when not line-based.</param>
/// <param name="Item">What was skipped (a path, track id or label).</param>
/// <param name="Reason">Why, e.g. "genre 'Pop_Rock' is not in the genre list".</param>
public sealed record SkippedItem(string Source, int Line, string Item, string Reason)
{
    /// <inheritdoc />
    public override string ToString() => Line > 0 ? $"{Source}:{Line}: {Item}: {Reason}" : $"{Source}: {Item}: {Reason}";
}
