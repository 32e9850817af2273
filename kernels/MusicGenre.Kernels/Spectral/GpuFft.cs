using ILGPU;
using ILGPU.Runtime;
using MusicGenre.Kernels.Runtime;

namespace MusicGenre.Kernels.Spectral;

/// <summary>
/// Batched forward complex FFT of one length on an accelerator: the twiddle table lives on the device and each
/// Stockham pass is one launch over every (element, frame). Data is split re/im, frame-major <c>[frames, N]</c>.
/// </summary>
/// <remarks>Not thread-safe (launches on the accelerator's default stream).</remarks>
internal sealed class GpuFft : IDisposable
{
    private readonly Accelerator _accelerator;
    private readonly MemoryBuffer1D<float, Stride1D.Dense> _twRe, _twIm;
    private readonly Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, StockhamParams, int> _pass;

    /// <summary>Plans length <paramref name="n"/> and uploads its twiddles.</summary>
    public GpuFft(Accelerator accelerator, int n)
    {
        _accelerator = accelerator;
        Plan = new StockhamPlan(n);
        // A failure part-way (device memory, kernel compilation) releases what was already allocated.
        try
        {
            _twRe = accelerator.Allocate1D(Plan.TwiddleRe);
            _twIm = accelerator.Allocate1D(Plan.TwiddleIm);
            _pass = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, StockhamParams, int>(SpectralKernels.StockhamPass);
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>The radices and twiddles.</summary>
    public StockhamPlan Plan { get; }

    /// <summary>
    /// Transforms <paramref name="frames"/> frames held in (<paramref name="re"/>, <paramref name="im"/>), using
    /// (<paramref name="scratchRe"/>, <paramref name="scratchIm"/>) as the other ping-pong half. Returns true when the
    /// result ended in the scratch pair (odd pass count), false when it is back in (re, im).
    /// </summary>
    public bool Forward(ArrayView<float> re, ArrayView<float> im, ArrayView<float> scratchRe, ArrayView<float> scratchIm, int frames)
    {
        int n = Plan.N;
        int threads = GridStride.Threads(_accelerator, (long)n * frames);
        var (srcRe, srcIm, dstRe, dstIm) = (re, im, scratchRe, scratchIm);
        int span = 1;
        foreach (int radix in Plan.Radices)
        {
            _pass(threads, srcRe, srcIm, _twRe.View, _twIm.View, dstRe, dstIm, new StockhamParams(n, radix, span, frames), threads);
            (srcRe, dstRe) = (dstRe, srcRe);
            (srcIm, dstIm) = (dstIm, srcIm);
            span *= radix;
        }
        return (Plan.Radices.Length & 1) == 1;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _twRe?.Dispose(); // null only when the constructor failed before allocating it
        _twIm?.Dispose();
    }
}
