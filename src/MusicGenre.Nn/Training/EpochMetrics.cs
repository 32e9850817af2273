namespace MusicGenre.Nn.Training;

/// <summary>What one finished epoch achieved, reported through <see cref="IProgress{T}"/>.</summary>
/// <param name="Epoch">1-based epoch number.</param>
/// <param name="Epochs">Maximum epochs of the run.</param>
/// <param name="TrainLoss">Mean training loss over the epoch's batches (with augmentation, dropout on).</param>
/// <param name="TrainAccuracy">Training accuracy over the epoch's segments.</param>
/// <param name="ValidationLoss">Validation loss (eval mode), NaN without a validation split.</param>
/// <param name="ValidationAccuracy">Validation segment accuracy, NaN without a validation split.</param>
/// <param name="LearningRate">Learning rate used in this epoch.</param>
/// <param name="IsBest">True when this epoch's weights are the best so far (they are what the run returns if none is better).</param>
/// <param name="Elapsed">Wall time of the epoch (training and validation).</param>
public sealed record EpochMetrics(int Epoch, int Epochs, double TrainLoss, double TrainAccuracy, double ValidationLoss,
    double ValidationAccuracy, float LearningRate, bool IsBest, TimeSpan Elapsed);
