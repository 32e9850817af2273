namespace MusicGenre.Nn.Optimizers.Schedules;

/// <summary>PyTorch <c>StepLR</c>: lr = baseLr · gamma^floor(epoch / stepSize).</summary>
internal sealed class StepSchedule : ILearningRateSchedule
{
    /// <summary>Creates the schedule.</summary>
    public StepSchedule(float baseLearningRate, int stepSize, float gamma = 0.1f)
    {
        if (!(baseLearningRate >= 0)) throw new ArgumentException($"StepSchedule: base learning rate must be >= 0 (got {baseLearningRate}).");
        if (stepSize < 1) throw new ArgumentException($"StepSchedule: step size must be >= 1 (got {stepSize}).");
        if (!(gamma > 0)) throw new ArgumentException($"StepSchedule: gamma must be > 0 (got {gamma}).");
        BaseLearningRate = baseLearningRate; StepSize = stepSize; Gamma = gamma;
    }

    /// <summary>Initial rate.</summary>
    public float BaseLearningRate { get; }

    /// <summary>Epochs between decays.</summary>
    public int StepSize { get; }

    /// <summary>Decay factor.</summary>
    public float Gamma { get; }

    /// <inheritdoc />
    public float At(int epoch) => (float)(BaseLearningRate * Math.Pow(Gamma, Math.Max(epoch, 0) / StepSize));
}
