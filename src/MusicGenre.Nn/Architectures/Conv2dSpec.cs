namespace MusicGenre.Nn.Architectures;

/// <summary>
/// 2-D convolution (cross-correlation, stride 1) with explicit zero padding per side, so TensorFlow's asymmetric
/// 'SAME' padding for even kernels (4×4: 1 before, 2 after) is expressible. Weight OIHW <c>[out, in, kh, kw]</c>.
/// </summary>
internal sealed record Conv2dSpec(string Name, int OutChannels, int KernelH, int KernelW,
    int PadTop, int PadBottom, int PadLeft, int PadRight, bool Bias) : LayerSpec
{
    /// <summary>'SAME' padding for stride 1: total k − 1, the extra row/column after (TensorFlow's rule).</summary>
    public static Conv2dSpec Same(string name, int outChannels, int kernel, bool bias) =>
        new(name, outChannels, kernel, kernel, (kernel - 1) / 2, kernel / 2, (kernel - 1) / 2, kernel / 2, bias);

    /// <inheritdoc />
    public override int[] OutputShape(int[] input)
    {
        RequireImage(input, Name);
        int h = input[1] + PadTop + PadBottom - KernelH + 1, w = input[2] + PadLeft + PadRight - KernelW + 1;
        if (h < 1 || w < 1)
            throw new ArgumentException($"{Name}: input {input[1]}×{input[2]} is smaller than its {KernelH}×{KernelW} kernel.");
        return [OutChannels, h, w];
    }

    /// <inheritdoc />
    public override IEnumerable<TensorSpec> Parameters(int[] input)
    {
        yield return new TensorSpec(Name + ".weight", [OutChannels, input[0], KernelH, KernelW]);
        if (Bias) yield return new TensorSpec(Name + ".bias", [OutChannels]);
    }
}
