using MusicGenre.Data.Datasets;

namespace MusicGenre.Pipeline.Preprocess;

/// <summary>What a preprocess run did, for the CLI's summary table.</summary>
/// <param name="StorePath">The feature store written, or null when no song of this shard produced a segment.</param>
/// <param name="DatasetEntries">Labelled songs in the input.</param>
/// <param name="ShardEntries">Of those, songs in this shard.</param>
/// <param name="Resumed">Songs found finished in the spool folder (not recomputed).</param>
/// <param name="Processed">Songs decoded and analysed in this run.</param>
/// <param name="Segments">Segments in the store.</param>
/// <param name="PaddedSongs">Songs shorter than one segment that were zero-padded.</param>
/// <param name="PerGenre">Songs and segments per genre (genre-list order).</param>
/// <param name="BadFiles">Songs skipped, with reasons.</param>
/// <param name="DatasetSkipped">Items the dataset loader left out (labels outside the genre list, unlabelled files...).</param>
/// <param name="Elapsed">Wall time of the run.</param>
public sealed record PreprocessSummary(
    string? StorePath,
    int DatasetEntries,
    int ShardEntries,
    int Resumed,
    int Processed,
    int Segments,
    int PaddedSongs,
    IReadOnlyList<GenreCount> PerGenre,
    IReadOnlyList<BadFile> BadFiles,
    IReadOnlyList<SkippedItem> DatasetSkipped,
    TimeSpan Elapsed)
{
    /// <summary>
    /// The decoders' notes on songs stored in this run (a truncated WAV or MP3 decoded as far as it goes, damaged MP3
    /// frames), one line each naming the file, in path order; resumed songs were noted by the run that stored them.
    /// </summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];

    /// <summary>Songs written to the store.</summary>
    public int SongsWritten => PerGenre.Sum(g => g.Songs);

    /// <summary>Songs analysed per second of wall time in this run (resumed songs excluded).</summary>
    public double ClipsPerSecond => Elapsed.TotalSeconds > 0 ? Processed / Elapsed.TotalSeconds : 0;
}
