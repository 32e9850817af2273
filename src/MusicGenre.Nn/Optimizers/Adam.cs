using MusicGenre.Nn.Backends;
using MusicGenre.Nn.Layers;

namespace MusicGenre.Nn.Optimizers;

/// <summary>
/// Adam (PyTorch <c>torch.optim.Adam</c>, L2 weight decay added to the gradient) or, with <c>decoupled: true</c>,
/// AdamW (<c>torch.optim.AdamW</c>: p *= 1 − lr·wd first). State: <c>{param}.exp_avg</c>, <c>{param}.exp_avg_sq</c>.
/// </summary>
/// <example><code>var adamw = Adam.AdamW(backend, net.Parameters, 1e-3f, weightDecay: 0.01f);</code></example>
internal sealed class Adam : Optimizer
{
    private readonly NamedTensor[] _state;

    /// <summary>Creates the optimizer with zero moments.</summary>
    public Adam(IBackend backend, IReadOnlyList<Parameter> parameters, float learningRate = 1e-3f, float beta1 = 0.9f,
        float beta2 = 0.999f, float epsilon = 1e-8f, float weightDecay = 0f, bool decoupled = false)
        : base(backend, parameters, learningRate)
    {
        var problems = new List<string>();
        if (!(beta1 >= 0 && beta1 < 1)) problems.Add($"beta1 must be in [0, 1) (got {beta1})");
        if (!(beta2 >= 0 && beta2 < 1)) problems.Add($"beta2 must be in [0, 1) (got {beta2})");
        if (!(epsilon >= 0)) problems.Add($"epsilon must be >= 0 (got {epsilon})");
        if (!(weightDecay >= 0)) problems.Add($"weight decay must be >= 0 (got {weightDecay})");
        if (problems.Count > 0) throw new ArgumentException($"{(decoupled ? "AdamW" : "Adam")}: " + string.Join("; ", problems) + ".");
        Beta1 = beta1; Beta2 = beta2; Epsilon = epsilon; WeightDecay = weightDecay; Decoupled = decoupled;
        _state = new NamedTensor[parameters.Count * 2];
        for (int i = 0; i < parameters.Count; i++)
        {
            _state[2 * i] = new(parameters[i].Name + ".exp_avg", backend.Allocate(parameters[i].Shape));
            _state[2 * i + 1] = new(parameters[i].Name + ".exp_avg_sq", backend.Allocate(parameters[i].Shape));
        }
    }

    /// <summary>AdamW (decoupled weight decay, default 0.01 as PyTorch).</summary>
    public static Adam AdamW(IBackend backend, IReadOnlyList<Parameter> parameters, float learningRate = 1e-3f,
        float beta1 = 0.9f, float beta2 = 0.999f, float epsilon = 1e-8f, float weightDecay = 0.01f)
        => new(backend, parameters, learningRate, beta1, beta2, epsilon, weightDecay, decoupled: true);

    /// <summary>β1.</summary>
    public float Beta1 { get; }

    /// <summary>β2.</summary>
    public float Beta2 { get; }

    /// <summary>eps.</summary>
    public float Epsilon { get; }

    /// <summary>Weight decay.</summary>
    public float WeightDecay { get; }

    /// <summary>True for AdamW.</summary>
    public bool Decoupled { get; }

    /// <inheritdoc />
    public override IReadOnlyList<NamedTensor> State => _state;

    /// <summary>First moment of parameter <paramref name="index"/>.</summary>
    public NamedTensor ExpAvg(int index) => _state[2 * index];

    /// <summary>Second moment of parameter <paramref name="index"/>.</summary>
    public NamedTensor ExpAvgSq(int index) => _state[2 * index + 1];

    /// <inheritdoc />
    public override void Step()
    {
        StepCount++;
        var hp = new AdamStepParameters(LearningRate, Beta1, Beta2, Epsilon, WeightDecay, Decoupled, StepCount);
        for (int i = 0; i < Parameters.Count; i++)
            Backend.AdamStep(Parameters[i].Value, Parameters[i].Grad, _state[2 * i].Value, _state[2 * i + 1].Value, hp);
    }
}
