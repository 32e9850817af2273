using MusicGenre.Nn.Backends;
using MusicGenre.Nn.Layers;

namespace MusicGenre.Nn.Optimizers;

/// <summary>SGD with momentum and L2 weight decay, PyTorch <c>torch.optim.SGD</c> (dampening 0, no Nesterov).</summary>
/// <example><code>var opt = new Sgd(backend, net.Parameters, learningRate: 0.01f, momentum: 0.9f);</code></example>
internal sealed class Sgd : Optimizer
{
    private readonly NamedTensor[] _velocity;

    /// <summary>Creates the optimizer (velocity buffers start at zero).</summary>
    public Sgd(IBackend backend, IReadOnlyList<Parameter> parameters, float learningRate, float momentum = 0f, float weightDecay = 0f)
        : base(backend, parameters, learningRate)
    {
        if (!(momentum >= 0 && momentum < 1)) throw new ArgumentException($"Sgd: momentum must be in [0, 1) (got {momentum}).", nameof(momentum));
        if (!(weightDecay >= 0)) throw new ArgumentException($"Sgd: weight decay must be >= 0 (got {weightDecay}).", nameof(weightDecay));
        Momentum = momentum; WeightDecay = weightDecay;
        _velocity = parameters.Select(p => new NamedTensor(p.Name + ".momentum_buffer", backend.Allocate(p.Shape))).ToArray();
    }

    /// <summary>Momentum.</summary>
    public float Momentum { get; }

    /// <summary>L2 weight decay added to the gradient.</summary>
    public float WeightDecay { get; }

    /// <inheritdoc />
    public override IReadOnlyList<NamedTensor> State => _velocity;

    /// <inheritdoc />
    public override void Step()
    {
        StepCount++;
        for (int i = 0; i < Parameters.Count; i++)
            Backend.SgdStep(Parameters[i].Value, Parameters[i].Grad, _velocity[i].Value, LearningRate, Momentum, WeightDecay);
    }
}
