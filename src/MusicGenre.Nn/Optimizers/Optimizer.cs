using MusicGenre.Nn.Backends;
using MusicGenre.Nn.Layers;

namespace MusicGenre.Nn.Optimizers;

/// <summary>
/// Updates parameters from their gradients, in place on the backend. Call <see cref="Step"/> after each backward pass.
/// <see cref="State"/> (named <c>{param}.{slot}</c>, e.g. <c>fc.weight.exp_avg</c>) and <see cref="StepCount"/> are what
/// a checkpoint must save to resume bit-exactly.
/// </summary>
internal abstract class Optimizer
{
    /// <summary>Binds the optimizer to <paramref name="parameters"/> on <paramref name="backend"/>.</summary>
    protected Optimizer(IBackend backend, IReadOnlyList<Parameter> parameters, float learningRate)
    {
        Backend = backend ?? throw new ArgumentNullException(nameof(backend));
        Parameters = parameters ?? throw new ArgumentNullException(nameof(parameters));
        if (!(learningRate >= 0) || float.IsInfinity(learningRate))
            throw new ArgumentException($"{GetType().Name}: learning rate must be finite and >= 0 (got {learningRate}).", nameof(learningRate));
        LearningRate = learningRate;
    }

    /// <summary>The backend.</summary>
    public IBackend Backend { get; }

    /// <summary>The parameters updated.</summary>
    public IReadOnlyList<Parameter> Parameters { get; }

    /// <summary>The learning rate used by the next <see cref="Step"/> (set it from a schedule each step/epoch).</summary>
    public float LearningRate { get; set; }

    /// <summary>Steps taken so far (Adam's t after a step); restore it when resuming.</summary>
    public long StepCount { get; set; }

    /// <summary>Optimizer state tensors with their names (empty for plain SGD).</summary>
    public abstract IReadOnlyList<NamedTensor> State { get; }

    /// <summary>Applies one update to every parameter from its current gradient.</summary>
    public abstract void Step();
}
