using MusicGenre.Nn.Backends;
using MusicGenre.Nn.Tensors;

namespace MusicGenre.Nn.Layers;

/// <summary>
/// Batch normalisation per channel over (N, H, W), PyTorch <c>BatchNorm2d</c>: parameters <c>{name}.weight</c> (γ, init 1)
/// and <c>{name}.bias</c> (β, init 0); buffers <c>{name}.running_mean</c> (init 0) and <c>{name}.running_var</c> (init 1).
/// Train mode normalises with the biased batch variance and updates the running stats with the unbiased one.
/// </summary>
internal sealed class BatchNorm2d : Layer
{
    private readonly Parameter[] _parameters;
    private readonly NamedTensor[] _buffers;
    private readonly Tensor _saveMean, _saveInvStd;
    private Tensor? _x, _y, _dx;

    /// <summary>Creates the layer for <paramref name="channels"/> channels.</summary>
    public BatchNorm2d(IBackend backend, string name, int channels, float momentum = 0.1f, float eps = 1e-5f) : base(backend, name)
    {
        if (channels <= 0) throw new ArgumentException($"BatchNorm2d '{name}': channels must be positive (got {channels}).");
        if (!(momentum >= 0 && momentum <= 1)) throw new ArgumentException($"BatchNorm2d '{name}': momentum must be in [0, 1] (got {momentum}).");
        if (!(eps > 0)) throw new ArgumentException($"BatchNorm2d '{name}': eps must be positive (got {eps}).");
        Channels = channels; Momentum = momentum; Eps = eps;
        var s = new Shape(channels);
        Weight = new Parameter(backend, name + ".weight", s, 1, 1);
        Bias = new Parameter(backend, name + ".bias", s, 1, 1);
        backend.Fill(Weight.Value, 1f);
        RunningMean = backend.Allocate(s);
        RunningVar = backend.Allocate(s);
        backend.Fill(RunningVar, 1f);
        _saveMean = backend.Allocate(s);
        _saveInvStd = backend.Allocate(s);
        _parameters = [Weight, Bias];
        _buffers = [new(name + ".running_mean", RunningMean), new(name + ".running_var", RunningVar)];
    }

    /// <summary>Channel count.</summary>
    public int Channels { get; }

    /// <summary>Running-statistics momentum (0.1).</summary>
    public float Momentum { get; }

    /// <summary>Variance epsilon (1e-5).</summary>
    public float Eps { get; }

    /// <summary>γ <c>[C]</c>.</summary>
    public Parameter Weight { get; }

    /// <summary>β <c>[C]</c>.</summary>
    public Parameter Bias { get; }

    /// <summary>Running mean <c>[C]</c>.</summary>
    public Tensor RunningMean { get; }

    /// <summary>Running (unbiased) variance <c>[C]</c>.</summary>
    public Tensor RunningVar { get; }

    /// <summary>Train-mode forward passes so far (PyTorch <c>num_batches_tracked</c>).</summary>
    public long NumBatchesTracked { get; set; }

    /// <summary>Batch mean <c>[C]</c> of the last train-mode forward.</summary>
    public Tensor BatchMean => _saveMean;

    /// <summary>1/sqrt(biased batch variance + eps) <c>[C]</c> of the last train-mode forward.</summary>
    public Tensor BatchInvStd => _saveInvStd;

    /// <inheritdoc />
    public override IReadOnlyList<Parameter> Parameters => _parameters;

    /// <inheritdoc />
    public override IReadOnlyList<NamedTensor> Buffers => _buffers;

    /// <inheritdoc />
    public override Shape OutputShape(Shape input)
    {
        RequireRank4(input);
        if (input.C != Channels)
            throw new ArgumentException($"BatchNorm2d '{Name}': input {input} has {input.C} channels, the layer expects {Channels}.");
        return input;
    }

    /// <inheritdoc />
    public override Tensor Forward(Tensor x, bool training)
    {
        // x, y [N, C, H, W]; statistics [C]
        CheckBackend(x, "input");
        var y = Ensure(ref _y, OutputShape(x.Shape));
        if (training)
        {
            if (x.Shape.N * x.Shape.H * x.Shape.W < 2)
                throw new ArgumentException($"BatchNorm2d '{Name}': train mode needs more than one value per channel (input {x.Shape}).");
            Backend.BatchNormForwardTrain(x, Weight.Value, Bias.Value, RunningMean, RunningVar, Momentum, Eps, y, _saveMean, _saveInvStd);
            NumBatchesTracked++;
            _x = x;
        }
        else
        {
            Backend.BatchNormForwardEval(x, Weight.Value, Bias.Value, RunningMean, RunningVar, Eps, y);
            _x = null;
        }
        return y;
    }

    /// <inheritdoc />
    public override Tensor? Backward(Tensor dy, bool needInputGradient = true)
    {
        if (_x is null) throw NoForward();
        var dx = Ensure(ref _dx, _x.Shape);
        Backend.BatchNormBackward(_x, dy, Weight.Value, _saveMean, _saveInvStd, dx, Weight.Grad, Bias.Grad);
        return needInputGradient ? dx : null;
    }
}
