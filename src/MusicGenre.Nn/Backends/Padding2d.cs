namespace MusicGenre.Nn.Backends;

/// <summary>
/// Zero padding of a 2-D convolution: explicit top/bottom/left/right amounts, or TensorFlow <c>SAME</c>
/// (resolved per input size: output = ceil(in / stride), total pad = max((out − 1)·stride + k − in, 0), the smaller half
/// at the top/left, e.g. a 4×4 kernel at stride 1 pads top/left 1, bottom/right 2).
/// </summary>
internal readonly record struct Padding2d(int Top, int Bottom, int Left, int Right, bool IsSame = false)
{
    /// <summary>No padding (PyTorch <c>padding=0</c>, TensorFlow <c>VALID</c>).</summary>
    public static Padding2d None => default;

    /// <summary>TensorFlow <c>SAME</c> padding, resolved from the input size by <see cref="Resolve"/>.</summary>
    public static Padding2d Same => new(0, 0, 0, 0, true);

    /// <summary>The same padding <paramref name="p"/> on all four sides (PyTorch <c>padding=p</c>).</summary>
    public static Padding2d Symmetric(int p) => new(p, p, p, p);

    /// <summary>Explicit padding for an input of <paramref name="inH"/>×<paramref name="inW"/>; SAME is computed here.</summary>
    public Padding2d Resolve(int inH, int inW, int kernelH, int kernelW, int strideH, int strideW)
    {
        if (!IsSame) return this;
        (int top, int bottom) = SameSplit(inH, kernelH, strideH);
        (int left, int right) = SameSplit(inW, kernelW, strideW);
        return new Padding2d(top, bottom, left, right);
    }

    private static (int Before, int After) SameSplit(int size, int kernel, int stride)
    {
        int outSize = (size + stride - 1) / stride;
        int total = Math.Max((outSize - 1) * stride + kernel - size, 0);
        return (total / 2, total - total / 2);
    }
}
