using MusicGenre.Nn.Tensors;

namespace MusicGenre.Nn.Layers;

/// <summary>
/// A trainable tensor and its gradient. <see cref="Name"/> matches the PyTorch state-dict key (<c>conv1.weight</c>,
/// <c>bn1.bias</c>, <c>fc.weight</c>). <see cref="Grad"/> is overwritten by each backward pass.
/// </summary>
internal sealed class Parameter
{
    /// <summary>Creates a parameter with a zero value and gradient on <paramref name="backend"/>.</summary>
    public Parameter(Backends.IBackend backend, string name, Shape shape, int fanIn, int fanOut)
    {
        Name = name;
        Value = backend.Allocate(shape);
        Grad = backend.Allocate(shape);
        FanIn = fanIn;
        FanOut = fanOut;
    }

    /// <summary>State-dict name, e.g. <c>conv1.weight</c>.</summary>
    public string Name { get; }

    /// <summary>The value.</summary>
    public Tensor Value { get; }

    /// <summary>dLoss/dValue from the last backward pass.</summary>
    public Tensor Grad { get; }

    /// <summary>Inputs feeding one output (in·kh·kw for conv, in for dense), for He/Glorot initialisation.</summary>
    public int FanIn { get; }

    /// <summary>Outputs fed by one input (out·kh·kw for conv, out for dense).</summary>
    public int FanOut { get; }

    /// <summary>The shape.</summary>
    public Shape Shape => Value.Shape;

    /// <inheritdoc />
    public override string ToString() => $"{Name} {Shape}";
}
