using ILGPU;

namespace MusicGenre.Kernels.Spectral;

/// <summary>
/// ILGPU kernels of the spectral front end (framing + window, mixed-radix Stockham FFT pass, power, mel projection,
/// power_to_db). Kernels are grid-stride loops over a flat index (launch
/// size = stride, see <see cref="Runtime.GridStride"/>): one element per thread on a GPU, few threads on the simulator. Shared by CUDA and
/// OpenCL (plain float arithmetic, no backend intrinsics); scalar twins are in <see cref="SpectralScalar"/>.
/// </summary>
internal static partial class SpectralKernels
{
    /// <summary>
    /// Cuts every frame t (global over segments) and multiplies sample i by the window: element
    /// <c>e = t·NFft + i</c> of <c>re/im</c> (im = 0), the complex FFT input. Grid-stride over all elements.
    /// </summary>
    internal static void FrameWindow(
        Index1D index,
        ArrayView<float> signal,  // [samples]
        ArrayView<float> window,  // [NFft], already centred/zero-padded to NFft
        ArrayView<float> re,      // [TotalFrames, NFft]
        ArrayView<float> im,      // [TotalFrames, NFft]
        FrameParams p, int stride)
    {
        long total = (long)p.TotalFrames * p.NFft;
        for (long o = index.X; o < total; o += stride)
        {
            int t = (int)(o / p.NFft), i = (int)(o - (long)t * p.NFft);

            // 1. Position inside the segment's (virtually) padded copy.
            int segment = t / p.FramesPerSegment;
            int s = (t - segment * p.FramesPerSegment) * p.Hop + i - p.PadLeft;

            // 2. Outside the segment: zeros, or numpy 'reflect' (edge sample not repeated; host guarantees pad < length).
            float x = 0f;
            if (s < 0 || s >= p.SegmentLength)
            {
                if (p.PadMode == FrameParams.PadReflect)
                {
                    s = s < 0 ? -s : 2 * (p.SegmentLength - 1) - s;
                    x = signal[(long)segment * p.SegmentHop + s];
                }
            }
            else
            {
                x = signal[(long)segment * p.SegmentHop + s];
            }

            re[o] = x * window[i];
            im[o] = 0f;
        }
    }

    /// <summary>
    /// One Stockham autosort pass (decimation in time, any radix), grid-stride over every (frame t, output o):
    /// element o of frame t is <c>Σ_r src[j + r·N/R] · W_N^(r·k·N/(Span·R))</c> with <c>k = o mod (Span·R)</c> and
    /// <c>j = (o / (Span·R))·Span + o mod Span</c>: the twiddle and the R-point DFT folded into one table lookup.
    /// <paramref name="twRe"/>/<paramref name="twIm"/> hold <c>exp(−2πi·n/N)</c> for n &lt; N, rounded from double.
    /// Cost per pass is N·R per frame, so large prime factors are correct but slow.
    /// </summary>
    internal static void StockhamPass(
        Index1D index,
        ArrayView<float> srcRe, ArrayView<float> srcIm,  // [Frames, N]
        ArrayView<float> twRe, ArrayView<float> twIm,    // [N]
        ArrayView<float> dstRe, ArrayView<float> dstIm,  // [Frames, N]
        StockhamParams p, int stride)
    {
        long total = (long)p.Frames * p.N;
        for (long e = index.X; e < total; e += stride)
        {
            int t = (int)(e / p.N), o = (int)(e - (long)t * p.N);

            // 1. Which butterfly (j) and which of its outputs (k) this element is.
            int width = p.Span * p.Radix;
            int k = o % width;
            int j = o / width * p.Span + o % p.Span;
            int inputStride = p.N / p.Radix;
            int step = k * (p.N / width);  // < N: twiddle exponent advance per input r

            // 2. Accumulate the R inputs; the table index walks r·step modulo N without overflow.
            long frame = (long)t * p.N;
            float accRe = 0f, accIm = 0f;
            int w = 0;
            for (int r = 0; r < p.Radix; r++)
            {
                long src = frame + j + r * inputStride;
                float xr = srcRe[src], xi = srcIm[src];
                float cr = twRe[w], ci = twIm[w];
                accRe += xr * cr - xi * ci;
                accIm += xr * ci + xi * cr;
                w += step;
                if (w >= p.N) w -= p.N;
            }

            dstRe[e] = accRe;
            dstIm[e] = accIm;
        }
    }

    /// <summary>Power of every bin f ≤ N/2 of every frame t: <c>re² + im²</c> into <c>[frames, nFreq]</c> (grid-stride).</summary>
    internal static void Power(
        Index1D index,
        ArrayView<float> re, ArrayView<float> im,  // [frames, n]
        ArrayView<float> power,                    // [frames, nFreq]
        int n, int nFreq, int frames, int stride)
    {
        long total = (long)frames * nFreq;
        for (long e = index.X; e < total; e += stride)
        {
            int t = (int)(e / nFreq), f = (int)(e - (long)t * nFreq);
            long src = (long)t * n + f;
            float a = re[src], b = im[src];
            power[e] = a * a + b * b;
        }
    }
}
