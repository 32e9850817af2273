using MusicGenre.Nn.ModelFile;

namespace MusicGenre.Nn.Training;

/// <summary>The outcome of <see cref="Trainer.Train"/>.</summary>
/// <param name="Model">The best model (weights of <paramref name="BestEpoch"/>), ready for <see cref="ModelFileWriter.Write"/>.</param>
/// <param name="History">Metrics of every epoch run, in order.</param>
/// <param name="BestEpoch">1-based epoch whose weights were kept.</param>
/// <param name="StoppedEarly">True when early stopping ended the run before the last epoch.</param>
/// <param name="TrainSegments">Segments in the training split.</param>
/// <param name="ValidationSegments">Segments in the validation split.</param>
public sealed record TrainingResult(GenreModel Model, IReadOnlyList<EpochMetrics> History, int BestEpoch, bool StoppedEarly,
    int TrainSegments, int ValidationSegments);
