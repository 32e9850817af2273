namespace MusicGenre.Nn.Backends;

/// <summary>
/// Sizes of one 2-D convolution (cross-correlation, no kernel flip, as PyTorch): input <c>[N, InC, InH, InW]</c>, weight
/// <c>[OutC, InC, KH, KW]</c>, output <c>[N, OutC, OutH, OutW]</c>, explicit zero padding, stride.
/// </summary>
internal readonly record struct Conv2dGeometry(
    int Batch, int InChannels, int InH, int InW,
    int OutChannels, int KernelH, int KernelW,
    int StrideH, int StrideW,
    int PadTop, int PadLeft, int OutH, int OutW)
{
    /// <summary>Builds and validates a geometry; padding may be SAME (resolved here).</summary>
    /// <exception cref="ArgumentException">Non-positive sizes or an empty output.</exception>
    public static Conv2dGeometry Create(int batch, int inChannels, int inH, int inW, int outChannels,
        int kernelH, int kernelW, int strideH, int strideW, Padding2d padding)
    {
        if (batch <= 0 || inChannels <= 0 || inH <= 0 || inW <= 0 || outChannels <= 0)
            throw new ArgumentException($"Conv2d: input [{batch},{inChannels},{inH},{inW}] and {outChannels} output channels must all be positive.");
        if (kernelH <= 0 || kernelW <= 0 || strideH <= 0 || strideW <= 0)
            throw new ArgumentException($"Conv2d: kernel {kernelH}x{kernelW} and stride {strideH}x{strideW} must be positive.");
        var p = padding.Resolve(inH, inW, kernelH, kernelW, strideH, strideW);
        if (p.Top < 0 || p.Bottom < 0 || p.Left < 0 || p.Right < 0)
            throw new ArgumentException($"Conv2d: padding {p} must be non-negative.");
        int outH = (inH + p.Top + p.Bottom - kernelH) / strideH + 1;
        int outW = (inW + p.Left + p.Right - kernelW) / strideW + 1;
        if (inH + p.Top + p.Bottom < kernelH || inW + p.Left + p.Right < kernelW)
            throw new ArgumentException($"Conv2d: kernel {kernelH}x{kernelW} is larger than the padded input {inH + p.Top + p.Bottom}x{inW + p.Left + p.Right}.");
        return new Conv2dGeometry(batch, inChannels, inH, inW, outChannels, kernelH, kernelW, strideH, strideW, p.Top, p.Left, outH, outW);
    }

    /// <summary>Multiply-adds of the forward pass (×2 for FLOPs).</summary>
    public long MultiplyAdds => (long)Batch * OutChannels * OutH * OutW * InChannels * KernelH * KernelW;
}
