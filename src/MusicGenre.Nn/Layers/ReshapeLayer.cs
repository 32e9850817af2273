using MusicGenre.Nn.Backends;
using MusicGenre.Nn.Tensors;

namespace MusicGenre.Nn.Layers;

/// <summary>
/// A layer that only changes how the same row-major storage is viewed (no copy): the forward pass reshapes the input to
/// <see cref="Layer.OutputShape"/>, the backward pass reshapes the gradient back to the input's shape. Subclasses say
/// only which shape they produce.
/// </summary>
internal abstract class ReshapeLayer : Layer
{
    private Shape? _in;

    /// <summary>Creates the layer.</summary>
    protected ReshapeLayer(IBackend backend, string name) : base(backend, name) { }

    /// <inheritdoc />
    public sealed override Tensor Forward(Tensor x, bool training)
    {
        CheckBackend(x, "input");
        _in = x.Shape;
        return x.Reshape(OutputShape(x.Shape));
    }

    /// <inheritdoc />
    public sealed override Tensor? Backward(Tensor dy, bool needInputGradient = true)
    {
        if (_in is null) throw NoForward();
        return needInputGradient ? dy.Reshape(_in) : null;
    }
}
