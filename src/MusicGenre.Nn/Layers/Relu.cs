using MusicGenre.Nn.Backends;
using MusicGenre.Nn.Tensors;

namespace MusicGenre.Nn.Layers;

/// <summary>ReLU, y = max(x, 0), any shape.</summary>
internal sealed class Relu : Layer
{
    private Tensor? _y, _dx;

    /// <summary>Creates the layer.</summary>
    public Relu(IBackend backend, string name) : base(backend, name) { }

    /// <inheritdoc />
    public override Shape OutputShape(Shape input) => input;

    /// <inheritdoc />
    public override Tensor Forward(Tensor x, bool training)
    {
        CheckBackend(x, "input");
        var y = Ensure(ref _y, x.Shape);
        Backend.ReluForward(x, y);
        return y;
    }

    /// <inheritdoc />
    public override Tensor? Backward(Tensor dy, bool needInputGradient = true)
    {
        if (_y is null) throw NoForward();
        if (!needInputGradient) return null;
        var dx = Ensure(ref _dx, _y.Shape);
        Backend.ReluBackward(_y, dy, dx);
        return dx;
    }
}
