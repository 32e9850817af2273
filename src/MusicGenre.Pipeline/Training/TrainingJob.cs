using MusicGenre.Data.FeatureStore;
using MusicGenre.Nn.ModelFile;
using MusicGenre.Nn.Training;

namespace MusicGenre.Pipeline.Training;

/// <summary>
/// Trains a model on a feature store and writes the model file: the code path of <c>musicgenre train</c> and of the
/// public trainer. Labels, feature preset and input shape come from the store; everything else from the options.
/// </summary>
internal static class TrainingJob
{
    /// <summary>Options for <paramref name="store"/>: labels, preset, frames and a data description filled in.</summary>
    public static TrainerOptions ForStore(TrainerOptions options, FeatureStoreReader store) => options with
    {
        Labels = store.Header.GenreNames.ToArray(),
        FeaturePreset = store.Header.PresetName,
        InputFrames = options.InputFrames > 0 ? options.InputFrames : store.Header.Frames,
        SegmentSeconds = store.Header.SegmentSeconds,
        DataDescription = string.IsNullOrEmpty(options.DataDescription)
            ? $"{Path.GetFileName(store.Path)}: {store.Songs.Count} songs, {store.SegmentCount} segments of {store.Header.SegmentSeconds:0.###} s ({store.Header.PresetName})"
            : options.DataDescription,
    };

    /// <summary>Trains on every song of <paramref name="storePath"/> and writes the best model to <paramref name="modelPath"/> (atomically).</summary>
    public static TrainingResult Run(string storePath, string modelPath, TrainerOptions options, SplitBy splitBy,
        IProgress<EpochMetrics>? progress = null, CancellationToken cancellationToken = default)
    {
        using var store = FeatureStoreReader.Open(storePath);
        var effective = ForStore(options, store);
        effective.Validate();
        var data = StoreSegments.Load(store, splitBy);
        var result = new Trainer(effective).Train(data, progress, cancellationToken);
        ModelFileWriter.Write(modelPath, result.Model);
        // The run is complete and its model written: its checkpoint is no longer needed, and a later run to the same
        // output with other options or data must not trip over it.
        if (effective.CheckpointPath is { } checkpoint && File.Exists(checkpoint)) File.Delete(checkpoint);
        return result;
    }
}
