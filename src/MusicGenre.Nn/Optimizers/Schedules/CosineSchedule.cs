namespace MusicGenre.Nn.Optimizers.Schedules;

/// <summary>
/// Cosine annealing with optional linear warm-up: lr = min + (base − min)·(1 + cos(π·e/total))/2 after warm-up
/// (PyTorch <c>CosineAnnealingLR</c> closed form with T_max = total); constant <paramref name="minLearningRate"/> past the end.
/// </summary>
internal sealed class CosineSchedule(float baseLearningRate, int totalEpochs, float minLearningRate = 0f, int warmupEpochs = 0)
    : ILearningRateSchedule
{
    /// <inheritdoc />
    public float At(int epoch)
    {
        if (totalEpochs < 1) throw new ArgumentException($"CosineSchedule: total epochs must be >= 1 (got {totalEpochs}).");
        if (epoch < warmupEpochs) return baseLearningRate * (epoch + 1) / (warmupEpochs + 1);
        int span = Math.Max(totalEpochs - warmupEpochs, 1);
        double t = Math.Min(epoch - warmupEpochs, span) / (double)span;
        return (float)(minLearningRate + (baseLearningRate - minLearningRate) * 0.5 * (1 + Math.Cos(Math.PI * t)));
    }
}
