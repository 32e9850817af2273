namespace MusicGenre.Pipeline.Preprocess;

/// <summary>Progress of a preprocess run, reported after each song and during the final merge.</summary>
/// <param name="Stage">"features" while songs are decoded and analysed, "merge" while the store is written.</param>
/// <param name="Done">Songs finished in this stage (including those found already done in the spool).</param>
/// <param name="Total">Songs in this shard.</param>
/// <param name="Failed">Songs that produced no segments so far.</param>
/// <param name="LastPath">The file just finished, if any.</param>
public sealed record PreprocessProgress(string Stage, int Done, int Total, int Failed, string? LastPath);
