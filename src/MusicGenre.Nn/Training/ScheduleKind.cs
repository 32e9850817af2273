namespace MusicGenre.Nn.Training;

/// <summary>Learning-rate schedule over epochs.</summary>
public enum ScheduleKind
{
    /// <summary>The same rate every epoch.</summary>
    Constant,

    /// <summary>Cosine annealing from the base rate to 0 over the epochs (after optional warm-up).</summary>
    Cosine,

    /// <summary>Multiply by <see cref="TrainerOptions.StepGamma"/> every <see cref="TrainerOptions.StepEpochs"/> epochs.</summary>
    Step,
}
