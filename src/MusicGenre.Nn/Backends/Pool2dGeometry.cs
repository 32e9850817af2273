namespace MusicGenre.Nn.Backends;

/// <summary>
/// Sizes of a 2-D max pooling without padding: input <c>[N, C, InH, InW]</c>, output <c>[N, C, OutH, OutW]</c>.
/// In ceil mode the last window may hang over the edge; it is clipped to the input (never padded), as PyTorch
/// <c>MaxPool2d(ceil_mode=True)</c> and TensorFlow <c>SAME</c> pooling with kernel = stride.
/// </summary>
internal readonly record struct Pool2dGeometry(int Batch, int Channels, int InH, int InW,
    int KernelH, int KernelW, int StrideH, int StrideW, int OutH, int OutW)
{
    /// <summary>Builds and validates a geometry.</summary>
    /// <exception cref="ArgumentException">Non-positive sizes or a kernel larger than the input.</exception>
    public static Pool2dGeometry Create(int batch, int channels, int inH, int inW, int kernelH, int kernelW,
        int strideH, int strideW, bool ceilMode)
    {
        if (batch <= 0 || channels <= 0 || inH <= 0 || inW <= 0)
            throw new ArgumentException($"MaxPool2d: input [{batch},{channels},{inH},{inW}] must be positive.");
        if (kernelH <= 0 || kernelW <= 0 || strideH <= 0 || strideW <= 0)
            throw new ArgumentException($"MaxPool2d: kernel {kernelH}x{kernelW} and stride {strideH}x{strideW} must be positive.");
        if (kernelH > inH || kernelW > inW)
        {
            if (!ceilMode)
                throw new ArgumentException($"MaxPool2d: kernel {kernelH}x{kernelW} is larger than the input {inH}x{inW}.");
        }
        return new Pool2dGeometry(batch, channels, inH, inW, kernelH, kernelW, strideH, strideW,
            OutSize(inH, kernelH, strideH, ceilMode), OutSize(inW, kernelW, strideW, ceilMode));
    }

    // PyTorch's rule: floor or ceil of (in − k)/s + 1; in ceil mode a window that would start past the input is dropped.
    private static int OutSize(int size, int kernel, int stride, bool ceil)
    {
        int span = Math.Max(size - kernel, 0);
        int o = (ceil ? (span + stride - 1) / stride : span / stride) + 1;
        if (ceil && (o - 1) * stride >= size) o--;
        return o;
    }
}
