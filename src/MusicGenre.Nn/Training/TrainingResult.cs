using MusicGenre.Nn.ModelFile;

namespace MusicGenre.Nn.Training;

/// <summary>The outcome of a training run: the per-epoch history and which epoch's weights were kept.</summary>
public sealed class TrainingResult
{
    internal TrainingResult(GenreModel model, IReadOnlyList<EpochMetrics> history, int bestEpoch, bool stoppedEarly,
        int trainSegments, int validationSegments, bool streamedSegments = false)
    {
        Model = model; History = history; BestEpoch = bestEpoch; StoppedEarly = stoppedEarly;
        TrainSegments = trainSegments; ValidationSegments = validationSegments; StreamedSegments = streamedSegments;
    }

    /// <summary>The best model (weights of <see cref="BestEpoch"/>), ready for <see cref="ModelFileWriter.Write"/>.</summary>
    internal GenreModel Model { get; }

    /// <summary>Metrics of every epoch run, in order.</summary>
    public IReadOnlyList<EpochMetrics> History { get; }

    /// <summary>1-based epoch whose weights were kept.</summary>
    public int BestEpoch { get; }

    /// <summary>True when early stopping ended the run before the last epoch.</summary>
    public bool StoppedEarly { get; }

    /// <summary>Segments in the training split.</summary>
    public int TrainSegments { get; }

    /// <summary>
    /// True when the segments were read from the feature store as batches needed them rather than held in memory (asked
    /// for, or chosen because they would not fit comfortably); the weights are the same either way.
    /// </summary>
    public bool StreamedSegments { get; }

    /// <summary>Segments in the validation split.</summary>
    public int ValidationSegments { get; }

    /// <summary>
    /// Fine-tuning (<see cref="TrainerOptions.InitialModelPath"/>): the genres whose output weights came from the initial
    /// model — all of them when it had the same genres, the shared ones otherwise (matched by name), none when it had no
    /// genre in common. Null when training started from random weights.
    /// </summary>
    public IReadOnlyList<string>? GenresFromInitialModel { get; internal set; }
}
