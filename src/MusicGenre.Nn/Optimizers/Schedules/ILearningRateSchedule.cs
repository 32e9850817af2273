namespace MusicGenre.Nn.Optimizers.Schedules;

/// <summary>A learning rate as a function of the 0-based epoch (or step, as the caller decides).</summary>
internal interface ILearningRateSchedule
{
    /// <summary>The learning rate at <paramref name="epoch"/>.</summary>
    float At(int epoch);
}
