using MusicGenre.Data.Datasets;
using MusicGenre.Data.FeatureStore;
using MusicGenre.Features;

namespace MusicGenre.Pipeline.Preprocess;

/// <summary>
/// Settings of <c>musicgenre preprocess &lt;input&gt; --out &lt;features.h5&gt; [--preset] [--segment 3s] [--threads N] [--shard k/N]</c>.
/// Call <see cref="Validate"/> to get every problem at once.
/// </summary>
public sealed record PreprocessOptions
{
    /// <summary>A GTZAN folder, a CSV manifest, or a folder of MSD-named audio (with <see cref="ClsPath"/>).</summary>
    public required string Input { get; init; }

    /// <summary>The feature store to write.</summary>
    public required string Output { get; init; }

    /// <summary>tagtraum .cls labels for an MSD audio folder or a download manifest; null for GTZAN folders and preprocess manifests.</summary>
    public string? ClsPath { get; init; }

    /// <summary>Genres and their order (default: the 10 GTZAN genres).</summary>
    public GenreList Genres { get; init; } = GenreList.Gtzan;

    /// <summary>Feature parameters (sample rate, STFT, mel, dB); default librosa_default. Its sample rate is the decode rate.</summary>
    public FeatureOptions Features { get; init; } = FeaturePresets.LibrosaDefault;

    /// <summary>Shortest and longest segment accepted, in seconds.</summary>
    internal const double MinSegmentSeconds = 1, MaxSegmentSeconds = 60;

    /// <summary>Segment length in seconds (non-overlapping segments; the remainder of a song is dropped). Default 3.</summary>
    public double SegmentSeconds { get; init; } = 3.0;

    /// <summary>A song shorter than one segment but at least this long is zero-padded to one segment; shorter is skipped. Default 2.</summary>
    public double MinSongSeconds { get; init; } = 2.0;

    /// <summary>Altered copies of every song to add (e.g. <see cref="SongCopy.Clip"/>), each stored as its own song; default none.</summary>
    public IReadOnlyList<SongCopy> Copies { get; init; } = [];

    /// <summary>Parallel workers (decode + features), 0 = one per core; default all cores.</summary>
    public int ThreadCount { get; init; } = Environment.ProcessorCount;

    /// <summary><see cref="ThreadCount"/> with 0 resolved to the processor count.</summary>
    internal int EffectiveThreadCount => ThreadCount == 0 ? Environment.ProcessorCount : ThreadCount;

    /// <summary>Which shard of the dataset to process.</summary>
    public ShardSpec Shard { get; init; } = ShardSpec.All;

    /// <summary>Folder of finished per-song parts that makes runs resumable; default <c>&lt;Output&gt;.spool</c>.</summary>
    public string? SpoolDirectory { get; init; }

    /// <summary>Keep the spool folder after the store is written (default: delete it).</summary>
    public bool KeepSpool { get; init; }

    /// <summary>Songs waiting for a worker (the bounded queue between the file walk and the workers); default 2 × <see cref="ThreadCount"/>.</summary>
    public int? QueueCapacity { get; init; }

    /// <summary>Segments of a song moved from its spool part to the store at a time (tests: a few, to cut songs into pieces).</summary>
    internal int StorePieceSegments { get; init; } = FeatureStoreWriter.DefaultPieceSegments;

    /// <summary>Segment length in samples at the feature sample rate.</summary>
    public int SegmentSamples => MusicGenre.Pipeline.Segmentation.ClipSegmentation.SegmentSamplesOf(SegmentSeconds, Features.SampleRate);

    /// <summary>Minimum song length in samples.</summary>
    public int MinSongSamples => MusicGenre.Pipeline.Segmentation.ClipSegmentation.MinSamplesOf(MinSongSeconds, Features.SampleRate);

    /// <summary>How songs are cut into segments (valid options only).</summary>
    internal MusicGenre.Pipeline.Segmentation.ClipSegmentation Segmentation => new(Features.SampleRate, SegmentSeconds, MinSongSeconds);

    /// <summary>The spool folder actually used.</summary>
    public string EffectiveSpoolDirectory => Path.GetFullPath(SpoolDirectory ?? Output + ".spool");

    /// <summary>Throws one <see cref="PreprocessException"/> listing every problem, or returns the options.</summary>
    public PreprocessOptions Validate()
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(Input)) problems.Add("input is empty");
        if (string.IsNullOrWhiteSpace(Output)) problems.Add("--out is empty");
        // Below 1 s a segment holds too few frames for any architecture to pool; above 60 s most songs (30 s previews)
        // would be one segment of mostly padding.
        if (!double.IsFinite(SegmentSeconds) || SegmentSeconds < MinSegmentSeconds || SegmentSeconds > MaxSegmentSeconds)
            problems.Add(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"--segment {SegmentSeconds} s must be between {MinSegmentSeconds} and {MaxSegmentSeconds} s"));
        if (!double.IsFinite(MinSongSeconds) || MinSongSeconds < 0) problems.Add($"minimum song length {MinSongSeconds} s must be ≥ 0");
        if (ThreadCount is < 0 or > 4096) problems.Add($"--threads {ThreadCount} must be in 0..4096 (0 = one per core)");
        if (Copies is null) problems.Add("Copies must not be null (use an empty list)");
        else
        {
            if (Copies.Any(c => !Enum.IsDefined(c))) problems.Add($"--copies: unknown copy {Copies.First(c => !Enum.IsDefined(c))}");
            if (Copies.Distinct().Count() != Copies.Count) problems.Add("--copies names a copy twice");
        }
        if (QueueCapacity is < 1) problems.Add($"queue capacity {QueueCapacity} must be ≥ 1");
        if (Shard.Count < 1 || Shard.Index < 0 || Shard.Index >= Shard.Count) problems.Add($"--shard {Shard} must have 0 ≤ k < N");
        problems.AddRange(Features.Problems().Select(p => $"preset '{Features.Name}': {p}"));
        if (Features.IsSegmented) problems.Add($"preset '{Features.Name}' cuts its own windows; use a whole-segment preset such as librosa_default");
        if (problems.Count == 0 && SegmentSamples < 1) problems.Add($"--segment {SegmentSeconds} s is less than one sample");
        if (problems.Count > 0) throw new PreprocessException("Invalid preprocess options: " + string.Join("; ", problems));
        return this;
    }

    /// <summary>The feature parameters as store attributes (librosa names; enums lower-case; null stored as "none").</summary>
    public IReadOnlyDictionary<string, object> PresetParameters()
    {
        var parameters = Features.LibrosaParameters();
        parameters.Remove("preset"); // the store keeps the preset name in its own root attribute
        parameters["min_song_seconds"] = MinSongSeconds;
        if (Copies.Count > 0) parameters[FeatureStoreLayout.CopiesParameter] = string.Join(",", Copies.Select(SongCopies.Name));
        return parameters;
    }
}
