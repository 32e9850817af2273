namespace MusicGenre.Nn.Training;

/// <summary>Optimizer used by the trainer.</summary>
public enum OptimizerKind
{
    /// <summary>SGD with momentum (<see cref="TrainerOptions.Momentum"/>) and L2 weight decay.</summary>
    Sgd,

    /// <summary>Adam with L2 weight decay added to the gradient.</summary>
    Adam,

    /// <summary>AdamW (decoupled weight decay).</summary>
    AdamW,
}
