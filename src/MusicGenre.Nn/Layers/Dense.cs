using MusicGenre.Nn.Backends;
using MusicGenre.Nn.Tensors;

namespace MusicGenre.Nn.Layers;

/// <summary>Fully connected layer, PyTorch <c>Linear</c>: y = x·Wᵀ + b with <c>{name}.weight [out, in]</c>, <c>{name}.bias [out]</c>.</summary>
/// <example><code>var fc = new Dense(backend, "fc", 16, 10);</code></example>
internal sealed class Dense : Layer
{
    private readonly Parameter[] _parameters;
    private Tensor? _x, _y, _dx;

    /// <summary>Creates the layer with zero weights.</summary>
    public Dense(IBackend backend, string name, int inFeatures, int outFeatures, bool bias = true) : base(backend, name)
    {
        if (inFeatures <= 0 || outFeatures <= 0)
            throw new ArgumentException($"Dense '{name}': features {inFeatures}->{outFeatures} must be positive.");
        InFeatures = inFeatures; OutFeatures = outFeatures;
        Weight = new Parameter(backend, name + ".weight", new Shape(outFeatures, inFeatures), inFeatures, outFeatures);
        Bias = bias ? new Parameter(backend, name + ".bias", new Shape(outFeatures), inFeatures, outFeatures) : null;
        _parameters = Bias is null ? [Weight] : [Weight, Bias];
    }

    /// <summary>Input features.</summary>
    public int InFeatures { get; }

    /// <summary>Output features.</summary>
    public int OutFeatures { get; }

    /// <summary>The weight <c>[out, in]</c>.</summary>
    public Parameter Weight { get; }

    /// <summary>The bias <c>[out]</c>, or null.</summary>
    public Parameter? Bias { get; }

    /// <inheritdoc />
    public override IReadOnlyList<Parameter> Parameters => _parameters;

    /// <inheritdoc />
    public override Shape OutputShape(Shape input)
    {
        if (input.Rank != 2 || input[1] != InFeatures)
            throw new ArgumentException($"Dense '{Name}': expects [N, {InFeatures}], got {input}.");
        return new Shape(input.N, OutFeatures);
    }

    /// <inheritdoc />
    public override Tensor Forward(Tensor x, bool training)
    {
        // x [N, In] -> y [N, Out]
        CheckBackend(x, "input");
        var y = Ensure(ref _y, OutputShape(x.Shape));
        Backend.DenseForward(x, Weight.Value, Bias?.Value, y);
        _x = x;
        return y;
    }

    /// <inheritdoc />
    public override Tensor? Backward(Tensor dy, bool needInputGradient = true)
    {
        if (_x is null) throw NoForward();
        Tensor? dx = needInputGradient ? Ensure(ref _dx, _x.Shape) : null;
        Backend.DenseBackward(_x, Weight.Value, dy, dx, Weight.Grad, Bias?.Grad);
        return dx;
    }
}
