using MusicGenre.Nn.Backends;
using MusicGenre.Nn.Tensors;

namespace MusicGenre.Nn.Layers;

/// <summary>Global max pooling over (H, W): <c>[N, C, H, W] → [N, C]</c> (PyTorch <c>x.amax((2, 3))</c>, gradient to the first max).</summary>
internal sealed class GlobalMaxPool2d : Layer
{
    private Tensor? _x, _y, _dx;

    /// <summary>Creates the layer.</summary>
    public GlobalMaxPool2d(IBackend backend, string name) : base(backend, name) { }

    /// <inheritdoc />
    public override Shape OutputShape(Shape input)
    {
        RequireRank4(input);
        return new Shape(input.N, input.C);
    }

    /// <inheritdoc />
    public override Tensor Forward(Tensor x, bool training)
    {
        CheckBackend(x, "input");
        var y = Ensure(ref _y, OutputShape(x.Shape));
        Backend.GlobalMaxPoolForward(x, y);
        _x = x;
        return y;
    }

    /// <inheritdoc />
    public override Tensor? Backward(Tensor dy, bool needInputGradient = true)
    {
        if (_x is null) throw NoForward();
        if (!needInputGradient) return null;
        var dx = Ensure(ref _dx, _x.Shape);
        Backend.GlobalMaxPoolBackward(_x, dy, dx);
        return dx;
    }
}
