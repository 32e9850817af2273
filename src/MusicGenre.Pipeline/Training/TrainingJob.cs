using MusicGenre.Data.FeatureStore;
using MusicGenre.Nn.ModelFile;
using MusicGenre.Nn.Training;

namespace MusicGenre.Pipeline.Training;

/// <summary>
/// Trains a model on a feature store (or several shards of one) and writes the model file: the code path of <c>musicgenre train</c> and of the
/// public trainer. Labels, feature preset and input shape come from the store; everything else from the options.
/// </summary>
internal static class TrainingJob
{
    /// <summary>Options for <paramref name="store"/>: labels, preset, frames and a data description filled in.</summary>
    public static TrainerOptions ForStore(TrainerOptions options, FeatureStoreReader store) =>
        ForData(options, store.Header, Path.GetFileName(store.Path), store.Songs.Select(s => s.SongId), store.SegmentCount);

    // The description counts originals and the altered copies of preprocess --copies apart ("200 songs" read as twice the data).
    private static TrainerOptions ForData(TrainerOptions options, FeatureStoreHeader header, string name, IEnumerable<string> songIds, int segments) => FromInitialModel(options) with
    {
        Labels = header.GenreNames.ToArray(),
        FeaturePreset = header.PresetName,
        InputFrames = options.InputFrames > 0 ? options.InputFrames : header.Frames,
        SegmentSeconds = header.SegmentSeconds,
        DataDescription = string.IsNullOrEmpty(options.DataDescription)
            ? Describe(name, songIds, segments, header)
            : options.DataDescription,
    };

    private static string Describe(string name, IEnumerable<string> songIds, int segments, FeatureStoreHeader header)
    {
        var ids = songIds.ToList();
        int copies = ids.Count(Preprocess.SongCopies.IsCopy);
        return string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"{name}: {ids.Count - copies} songs{(copies > 0 ? $" (+{copies} altered copies)" : "")}, {segments} segments of {header.SegmentSeconds:0.###} s ({header.PresetName})");
    }

    /// <summary>
    /// With <see cref="TrainerOptions.InitialModelPath"/>: the architecture, hyper-parameters and input settings (MFCC
    /// count, level, band limit, standardisation) of that model, so that fine-tuning continues the network it holds.
    /// </summary>
    /// <exception cref="ModelFileException">The initial model cannot be read.</exception>
    internal static TrainerOptions FromInitialModel(TrainerOptions options)
    {
        if (options.InitialModelPath is not { } path) return options;
        var m = ModelFileReader.Read(path);
        var dataKeys = TrainerOptions.DataKeys(m.Architecture);
        return options with
        {
            Architecture = m.Architecture,
            HyperParameters = m.HyperParameters.Where(kv => !dataKeys.Contains(kv.Key)).ToDictionary(kv => kv.Key, kv => kv.Value),
            Mfcc = m.Mfcc,
            Level = m.Level,
            BandLimitHz = m.BandLimitHz,
            Normalization = m.Normalization.Mode,
            FeaturePreset = m.FeaturePreset,
        };
    }

    /// <summary>
    /// Trains on every song of <paramref name="storePaths"/> (one store, or the shards of one dataset read as one without
    /// a merge) and writes the best model to <paramref name="modelPath"/> (atomically). The segments are streamed from the
    /// stores when asked or when they would take more than half of <paramref name="availableBytes"/> (default: what the GC
    /// says this process may use; tests pass less).
    /// </summary>
    public static TrainingResult Run(IReadOnlyList<string> storePaths, string modelPath, TrainerOptions options, SplitBy splitBy,
        IProgress<EpochMetrics>? progress = null, CancellationToken cancellationToken = default, long? availableBytes = null)
    {
        // One run at a time writes a model and its checkpoint: a second one would delete the first's checkpoint when it
        // finished (so the first, killed, restarted from scratch) and the last to finish would silently own the model.
        using var exclusive = TakeOutput(modelPath);
        TrainingResult result;
        using (var set = FeatureStoreSet.Open(storePaths))
        {
            var effective = ForData(options, set.Header, set.Name, set.Songs.Select(s => s.Store.Songs[s.Song].SongId), set.SegmentCount);
            if (splitBy == SplitBy.Artist) effective = effective with { DataDescription = effective.DataDescription + "; validation split by artist (songs= counts artists)" };
            effective.Validate();
            StoreSegments.RequireArtists(set.Name, set.Songs.Select(s => s.Store.Songs[s.Song]), splitBy);
            // In memory when it fits comfortably; else (or when asked) read from the open stores as batches need them.
            var data = StoreSegments.Load(set, splitBy, StoreSegments.ShouldStream(set.Header, set.SegmentCount, options.StreamSegments, availableBytes));
            RequireTwoGenres(set.Name, data.Labels, set.Header.GenreNames);
            result = new Trainer(effective).Train(data, progress, cancellationToken);
        }
        ModelFileWriter.Write(modelPath, result.Model);
        // The run is complete and its model written: its checkpoint is no longer needed, and a later run to the same
        // output with other options or data must not trip over it.
        if (options.CheckpointPath is { } checkpoint && File.Exists(checkpoint)) File.Delete(checkpoint);
        return result;
    }

    /// <summary>
    /// Locks the output of a training run (<c>.&lt;model&gt;.lock</c> beside it, removed when released) for this run.
    /// </summary>
    /// <exception cref="IOException">Another run is training to the same model file.</exception>
    internal static MusicGenre.IO.FileLock TakeOutput(string modelPath) =>
        MusicGenre.IO.FileLock.TakeBeside(modelPath, "training run (the model and its checkpoint)");

    /// <summary>
    /// A classifier of one genre answers that genre whatever it hears: refuse such data, naming what it holds.
    /// </summary>
    /// <exception cref="InvalidDataException">Fewer than two genres among <paramref name="labels"/>.</exception>
    internal static void RequireTwoGenres(string dataName, IEnumerable<int> labels, IReadOnlyList<string> genreNames)
    {
        var present = labels.Distinct().Take(2).ToList();
        if (present.Count < 2)
            throw new InvalidDataException($"{dataName}: every training song is of one genre ('{(present.Count == 1 ? genreNames[present[0]] : "none")}'); a genre classifier needs songs of at least two genres");
    }
}
