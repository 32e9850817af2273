using MusicGenre.Nn.ModelFile;

namespace MusicGenre.Nn.Training;

/// <summary>The outcome of a training run: the per-epoch history and which epoch's weights were kept.</summary>
public sealed class TrainingResult
{
    internal TrainingResult(GenreModel model, IReadOnlyList<EpochMetrics> history, int bestEpoch, bool stoppedEarly,
        int trainSegments, int validationSegments)
    {
        Model = model; History = history; BestEpoch = bestEpoch; StoppedEarly = stoppedEarly;
        TrainSegments = trainSegments; ValidationSegments = validationSegments;
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

    /// <summary>Segments in the validation split.</summary>
    public int ValidationSegments { get; }
}
