using MusicGenre.Nn.ModelFile;

namespace MusicGenre.Nn.Training;

/// <summary>
/// Everything needed to continue a run exactly where it stopped: the current model, optimizer moments and step, the
/// RNG states (shuffle and augmentation generators, dropout call counters), the position in the epoch (order and
/// step), the partial epoch sums, the best weights so far and the history. Saved by <see cref="CheckpointFile"/>. A record
/// so that a tool (or a test) can write a changed copy (<c>with</c>).
/// </summary>
internal sealed record TrainingState
{
    public required GenreModel Current { get; init; }
    public required string OptimizerName { get; init; }
    public required long OptimizerSteps { get; init; }
    public required IReadOnlyList<ModelTensor> OptimizerState { get; init; }
    public required ulong[] ShuffleRng { get; init; }
    public required ulong[] AugmentRng { get; init; }
    public required long[] DropoutCalls { get; init; }
    public required long[] BatchNormBatches { get; init; }

    /// <summary>0-based epoch in progress (or the next one when <see cref="StepInEpoch"/> is 0 and <see cref="Order"/> is empty).</summary>
    public required int Epoch { get; init; }
    public required int StepInEpoch { get; init; }
    public required long GlobalStep { get; init; }

    /// <summary>This epoch's order of training segments (empty at an epoch boundary).</summary>
    public required int[] Order { get; init; }
    public required double SumLoss { get; init; }
    public required long SumCorrect { get; init; }
    public required long Seen { get; init; }
    public required double BestLoss { get; init; }
    public required double BestAccuracy { get; init; }
    public required int BestEpoch { get; init; }
    public required int BadEpochs { get; init; }
    public required IReadOnlyList<ModelTensor> BestParameters { get; init; }
    public required IReadOnlyList<ModelTensor> BestBuffers { get; init; }
    public required IReadOnlyList<EpochMetrics> History { get; init; }
    public required string OptionsFingerprint { get; init; }
    public required ulong DataFingerprint { get; init; }
}
