using MusicGenre.Nn.Backends;
using MusicGenre.Nn.Tensors;

namespace MusicGenre.Nn.Layers;

/// <summary>Global average pooling over (H, W): <c>[N, C, H, W] → [N, C]</c> (PyTorch <c>x.mean((2, 3))</c>).</summary>
internal sealed class GlobalAvgPool2d : Layer
{
    private Tensor? _y, _dx;
    private Shape? _in;

    /// <summary>Creates the layer.</summary>
    public GlobalAvgPool2d(IBackend backend, string name) : base(backend, name) { }

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
        Backend.GlobalAvgPoolForward(x, y);
        _in = x.Shape;
        return y;
    }

    /// <inheritdoc />
    public override Tensor? Backward(Tensor dy, bool needInputGradient = true)
    {
        if (_in is null) throw NoForward();
        if (!needInputGradient) return null;
        var dx = Ensure(ref _dx, _in);
        Backend.GlobalAvgPoolBackward(dy, dx);
        return dx;
    }
}
