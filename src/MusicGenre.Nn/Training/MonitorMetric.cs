namespace MusicGenre.Nn.Training;

/// <summary>The validation metric that picks the best epoch and drives early stopping.</summary>
public enum MonitorMetric
{
    /// <summary>Lowest validation loss.</summary>
    ValidationLoss,

    /// <summary>Highest validation accuracy (ties broken by lower loss).</summary>
    ValidationAccuracy,
}
