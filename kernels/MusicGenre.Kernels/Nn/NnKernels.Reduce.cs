using ILGPU;

namespace MusicGenre.Kernels.Nn;

internal static partial class NnKernels
{
    /// <summary>out[k] = Σ_q partial[q, k] over <paramref name="parts"/> slices, in slice order.</summary>
    internal static void SumParts(
        Index1D index,
        ArrayView<float> partial,  // [parts, count]
        ArrayView<float> output,   // [count]
        int count, int parts, int stride)
    {
        for (int k = index.X; k < count; k += stride)
        {
            float acc = 0f;
            for (int q = 0; q < parts; q++) acc += partial[q * count + k];
            output[k] = acc;
        }
    }

    /// <summary>
    /// Per-channel partial sums of an <c>[N, channels, inner]</c> tensor in double, over <paramref name="parts"/>
    /// contiguous slices of the channel's N·inner elements: mode 0 Σ a, mode 1 Σ (a − mean[c])², mode 2
    /// Σ b·(a − mean[c]). Writes <c>partial[q, c]</c>; <see cref="ChannelFinish"/> adds the slices.
    /// </summary>
    internal static void ChannelPartial(
        Index1D index,
        ArrayView<float> a, ArrayView<float> b,  // [N, channels, inner] (b used by mode 2 only)
        ArrayView<float> mean,                   // [channels] (modes 1, 2)
        ArrayView<double> partial,               // [parts, channels]
        int batch, int channels, int inner, int parts, int mode, int stride)
    {
        int m = batch * inner;
        for (int e = index.X; e < parts * channels; e += stride)
        {
            int q = e / channels, c = e - q * channels;
            int s0 = (int)((long)m * q / parts), s1 = (int)((long)m * (q + 1) / parts);
            float mu = mode == 0 ? 0f : mean[c];
            double acc = 0;
            for (int s = s0; s < s1; s++)
            {
                int n = s / inner;
                int idx = (n * channels + c) * inner + (s - n * inner);
                double d = a[idx] - mu;
                acc += mode == 0 ? d : mode == 1 ? d * d : b[idx] * d;
            }
            partial[e] = acc;
        }
    }

    /// <summary>
    /// output[c] = (float)(scale·Σ_q partial[q, c]), times factor[c] when useFactor ≠ 0 (slices added in order).
    /// </summary>
    internal static void ChannelFinish(
        Index1D index,
        ArrayView<double> partial,  // [parts, channels]
        ArrayView<float> factor,    // [channels] (when useFactor != 0)
        ArrayView<float> output,    // [channels]
        int channels, int parts, double scale, int useFactor, int stride)
    {
        for (int c = index.X; c < channels; c += stride)
        {
            double acc = 0;
            for (int q = 0; q < parts; q++) acc += partial[q * channels + c];
            acc *= scale;
            if (useFactor != 0) acc *= factor[c];
            output[c] = (float)acc;
        }
    }
}
