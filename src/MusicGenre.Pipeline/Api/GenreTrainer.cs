using MusicGenre.Nn.Training;
using MusicGenre.Pipeline.Evaluation;
using MusicGenre.Pipeline.Training;

namespace MusicGenre.Api;

/// <summary>
/// Trains genre models on a feature store written by preprocessing (<see cref="Pipeline.Preprocess.Preprocessor"/> or
/// <c>musicgenre preprocess</c>) — the code path of <c>musicgenre train</c> and <c>musicgenre evaluate --folds</c>.
/// Genre labels, feature preset, input shape and segment length come from the store; everything else from
/// <see cref="TrainerOptions"/>, validated up front with every problem in one exception.
/// </summary>
/// <example><code>
/// // The CLI's defaults (the bundled model's recipe); TrainerOptions' own defaults augment nothing and keep every band.
/// var options = new TrainerOptions { Epochs = 20, CheckpointPath = "model.h5.checkpoint",
///     Augmentation = AugmentationOptions.Parse("robust+standard"), BandLimitHz = 7600 };
/// var result = GenreTrainer.Train("features.h5", "model.h5", options, progress: new Progress&lt;EpochMetrics&gt;(Console.WriteLine));
/// using var classifier = GenreClassifier.Load("model.h5");
/// </code></example>
public static class GenreTrainer
{
    /// <summary>
    /// Trains on every song of <paramref name="featureStorePath"/> (a validation split by song or artist drives early
    /// stopping) and writes the best model to <paramref name="modelPath"/> atomically (its folder is created when missing). With
    /// <see cref="TrainerOptions.CheckpointPath"/> set, a cancelled or killed run resumes from its last checkpoint and
    /// ends with exactly the weights of an uninterrupted run.
    /// </summary>
    /// <exception cref="TrainerOptionsException">Invalid options (all problems listed), or a CPU run whose estimated peak memory exceeds what the process may use (the estimate, the limit and a batch size or width that fits are named).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled (the checkpoint is kept).</exception>
    public static TrainingResult Train(string featureStorePath, string modelPath, TrainerOptions options, SplitBy splitBy = SplitBy.Song,
        IProgress<EpochMetrics>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(featureStorePath);
        return Train([featureStorePath], modelPath, options, splitBy, progress, cancellationToken);
    }

    /// <summary>
    /// Trains on every song of several feature stores read as one — the shards that <c>preprocess --shard k/N</c> wrote,
    /// without merging them first. They must have been made with the same settings, and each song must be in only one
    /// of them. Otherwise as <see cref="Train(string, string, TrainerOptions, SplitBy, IProgress{EpochMetrics}?, CancellationToken)"/>.
    /// </summary>
    /// <exception cref="TrainerOptionsException">Invalid options (all problems listed), or a CPU run whose estimated peak memory exceeds what the process may use (the estimate, the limit and a batch size or width that fits are named).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled (the checkpoint is kept).</exception>
    public static TrainingResult Train(IReadOnlyList<string> featureStorePaths, string modelPath, TrainerOptions options, SplitBy splitBy = SplitBy.Song,
        IProgress<EpochMetrics>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(featureStorePaths);
        if (featureStorePaths.Count == 0 || featureStorePaths.Any(string.IsNullOrWhiteSpace))
            throw new ArgumentException("give at least one feature store, and no empty path", nameof(featureStorePaths));
        ArgumentException.ThrowIfNullOrWhiteSpace(modelPath);
        ArgumentNullException.ThrowIfNull(options);
        return TrainingJob.Run(featureStorePaths, modelPath, options, splitBy, progress, cancellationToken);
    }

    /// <summary>
    /// Song-level k-fold cross-validation: a model per fold trained on the other folds and scored on its held-out songs;
    /// with <paramref name="reportFolder"/> each fold's report and the pooled report are written there. With
    /// <see cref="TrainerOptions.CheckpointPath"/> set, fold k trains with the checkpoint <c>&lt;path&gt;.fold&lt;k&gt;</c>
    /// (its folder is made when the folds start), and all of them are kept until the pooled report is written: a call
    /// cancelled or stopped part-way and made again resumes (finished folds are not trained again). A fold checkpoint
    /// that cannot be resumed (other options or data, or damaged) is deleted and that fold trained from the start.
    /// </summary>
    public static CrossValidationResult CrossValidate(string featureStorePath, int folds, TrainerOptions options, SplitBy splitBy = SplitBy.Song,
        string? reportFolder = null, IProgress<EpochMetrics>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(featureStorePath);
        ArgumentNullException.ThrowIfNull(options);
        return CrossValidation.Run(featureStorePath, folds, options, splitBy, reportFolder, log: null, progress, cancellationToken);
    }
}
