using MusicGenre.Nn.Backends;
using MusicGenre.Nn.Tensors;

namespace MusicGenre.Nn.Layers;

/// <summary>
/// Max pooling without padding (PyTorch <c>MaxPool2d(kernel, stride, ceil_mode)</c>); in ceil mode the partial last
/// window is clipped to the input, never zero-padded (TensorFlow SAME pooling with kernel = stride).
/// </summary>
/// <example><code>var pool = new MaxPool2d(backend, "pool1", 4, 4, ceilMode: true);</code></example>
internal sealed class MaxPool2d : Layer
{
    private Tensor? _x, _y, _dx;
    private Pool2dGeometry _g;

    /// <summary>Creates the layer; stride defaults to the kernel size.</summary>
    public MaxPool2d(IBackend backend, string name, int kernelH, int kernelW, int strideH = 0, int strideW = 0, bool ceilMode = false)
        : base(backend, name)
    {
        KernelH = kernelH; KernelW = kernelW;
        StrideH = strideH == 0 ? kernelH : strideH; StrideW = strideW == 0 ? kernelW : strideW;
        CeilMode = ceilMode;
        if (KernelH <= 0 || KernelW <= 0 || StrideH <= 0 || StrideW <= 0)
            throw new ArgumentException($"MaxPool2d '{name}': kernel {KernelH}x{KernelW} and stride {StrideH}x{StrideW} must be positive.");
    }

    /// <summary>Window height.</summary>
    public int KernelH { get; }

    /// <summary>Window width.</summary>
    public int KernelW { get; }

    /// <summary>Vertical stride.</summary>
    public int StrideH { get; }

    /// <summary>Horizontal stride.</summary>
    public int StrideW { get; }

    /// <summary>Ceil mode (clipped partial last window).</summary>
    public bool CeilMode { get; }

    /// <summary>The geometry for an input of shape <paramref name="input"/>.</summary>
    public Pool2dGeometry Geometry(Shape input)
    {
        RequireRank4(input);
        return Pool2dGeometry.Create(input.N, input.C, input.H, input.W, KernelH, KernelW, StrideH, StrideW, CeilMode);
    }

    /// <inheritdoc />
    public override Shape OutputShape(Shape input)
    {
        var g = Geometry(input);
        return new Shape(g.Batch, g.Channels, g.OutH, g.OutW);
    }

    /// <inheritdoc />
    public override Tensor Forward(Tensor x, bool training)
    {
        // x [N, C, H, W] -> y [N, C, OutH, OutW]
        CheckBackend(x, "input");
        _g = Geometry(x.Shape);
        var y = Ensure(ref _y, new Shape(_g.Batch, _g.Channels, _g.OutH, _g.OutW));
        Backend.MaxPool2dForward(x, _g, y);
        _x = x;
        return y;
    }

    /// <inheritdoc />
    public override Tensor? Backward(Tensor dy, bool needInputGradient = true)
    {
        if (_x is null) throw NoForward();
        if (!needInputGradient) return null;
        var dx = Ensure(ref _dx, _x.Shape);
        Backend.MaxPool2dBackward(_x, dy, _g, dx);
        return dx;
    }
}
