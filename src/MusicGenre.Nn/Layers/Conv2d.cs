using MusicGenre.Nn.Backends;
using MusicGenre.Nn.Tensors;

namespace MusicGenre.Nn.Layers;

/// <summary>
/// 2-D convolution (cross-correlation, PyTorch <c>Conv2d</c>): weight <c>[out, in, kh, kw]</c> named <c>{name}.weight</c>,
/// optional bias <c>[out]</c> named <c>{name}.bias</c>, any kernel size and stride, explicit or TensorFlow SAME padding.
/// </summary>
/// <example><code>var conv1 = new Conv2d(backend, "conv1", 2, 6, 4, 4, padding: Padding2d.Same);</code></example>
internal sealed class Conv2d : Layer
{
    private readonly Parameter[] _parameters;
    private Tensor? _x, _y, _dx;
    private Conv2dGeometry _g;

    /// <summary>Creates the layer with zero weights (initialise with <see cref="Initialization.Init"/> or load them).</summary>
    public Conv2d(IBackend backend, string name, int inChannels, int outChannels, int kernelH, int kernelW,
        int strideH = 1, int strideW = 1, Padding2d padding = default, bool bias = true) : base(backend, name)
    {
        if (inChannels <= 0 || outChannels <= 0 || kernelH <= 0 || kernelW <= 0 || strideH <= 0 || strideW <= 0)
            throw new ArgumentException($"Conv2d '{name}': channels {inChannels}->{outChannels}, kernel {kernelH}x{kernelW}, stride {strideH}x{strideW} must be positive.");
        InChannels = inChannels; OutChannels = outChannels; KernelH = kernelH; KernelW = kernelW;
        StrideH = strideH; StrideW = strideW; Padding = padding;
        Weight = new Parameter(backend, name + ".weight", new Shape(outChannels, inChannels, kernelH, kernelW),
            inChannels * kernelH * kernelW, outChannels * kernelH * kernelW);
        Bias = bias ? new Parameter(backend, name + ".bias", new Shape(outChannels), inChannels * kernelH * kernelW, outChannels) : null;
        _parameters = Bias is null ? [Weight] : [Weight, Bias];
    }

    /// <summary>Input channels.</summary>
    public int InChannels { get; }

    /// <summary>Output channels.</summary>
    public int OutChannels { get; }

    /// <summary>Kernel height.</summary>
    public int KernelH { get; }

    /// <summary>Kernel width.</summary>
    public int KernelW { get; }

    /// <summary>Vertical stride.</summary>
    public int StrideH { get; }

    /// <summary>Horizontal stride.</summary>
    public int StrideW { get; }

    /// <summary>Zero padding (explicit or SAME).</summary>
    public Padding2d Padding { get; }

    /// <summary>The weight <c>[out, in, kh, kw]</c>.</summary>
    public Parameter Weight { get; }

    /// <summary>The bias <c>[out]</c>, or null.</summary>
    public Parameter? Bias { get; }

    /// <inheritdoc />
    public override IReadOnlyList<Parameter> Parameters => _parameters;

    /// <inheritdoc />
    public override Shape OutputShape(Shape input)
    {
        var g = Geometry(input);
        return new Shape(g.Batch, g.OutChannels, g.OutH, g.OutW);
    }

    /// <summary>The geometry for an input of shape <paramref name="input"/>.</summary>
    public Conv2dGeometry Geometry(Shape input)
    {
        RequireRank4(input);
        if (input.C != InChannels)
            throw new ArgumentException($"Conv2d '{Name}': input {input} has {input.C} channels, the layer expects {InChannels}.");
        return Conv2dGeometry.Create(input.N, input.C, input.H, input.W, OutChannels, KernelH, KernelW, StrideH, StrideW, Padding);
    }

    /// <inheritdoc />
    public override Tensor Forward(Tensor x, bool training)
    {
        // x [N, InC, H, W] -> y [N, OutC, OutH, OutW]
        CheckBackend(x, "input");
        _g = Geometry(x.Shape);
        var y = Ensure(ref _y, new Shape(_g.Batch, _g.OutChannels, _g.OutH, _g.OutW));
        Backend.Conv2dForward(x, Weight.Value, Bias?.Value, _g, y);
        _x = x;
        return y;
    }

    /// <inheritdoc />
    public override Tensor? Backward(Tensor dy, bool needInputGradient = true)
    {
        // dy [N, OutC, OutH, OutW] -> dx [N, InC, H, W], dW [OutC, InC, KH, KW], db [OutC]
        if (_x is null) throw NoForward();
        Tensor? dx = needInputGradient ? Ensure(ref _dx, _x.Shape) : null;
        Backend.Conv2dBackward(_x, Weight.Value, dy, _g, dx, Weight.Grad, Bias?.Grad);
        return dx;
    }
}
