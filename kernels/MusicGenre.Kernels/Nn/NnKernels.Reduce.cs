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

    /// <summary>Largest group the per-channel reduction's shared tree is sized for.</summary>
    public const int ChannelGroupMax = 256;

    /// <summary>
    /// Per-channel partial sums of an <c>[N, channels, inner]</c> tensor in double: mode 0 Σ a, mode 1 Σ (a − mean[c])²,
    /// mode 2 Σ b·(a − mean[c]). An explicitly grouped kernel: group (q, c) — grid x = part q, grid y = channel c — sums
    /// the channel's rows n of part q (the N rows split into <paramref name="parts"/> contiguous runs); its threads
    /// (a power of two, ≤ <see cref="ChannelGroupMax"/>) stride along each row (consecutive threads, consecutive
    /// addresses), then add their sums in a fixed shared-memory tree. Writes <c>partial[q, c]</c>;
    /// <see cref="ChannelFinish"/> adds the parts in order. Deterministic.
    /// </summary>
    internal static void ChannelPartial(
        ArrayView<float> a, ArrayView<float> b,  // [N, channels, inner] (b used by mode 2 only)
        ArrayView<float> mean,                   // [channels] (modes 1, 2)
        ArrayView<double> partial,               // [parts, channels]
        int batch, int channels, int inner, int parts, int mode)
    {
        var tree = SharedMemory.Allocate<double>(ChannelGroupMax);
        int q = Grid.IdxX, c = Grid.IdxY, t = Group.IdxX, threads = Group.DimX;
        int n0 = (int)((long)batch * q / parts), n1 = (int)((long)batch * (q + 1) / parts);
        float mu = mode == 0 ? 0f : mean[c];

        // 1. This thread's share: elements t, t + threads, … of each row.
        double acc = 0;
        for (int n = n0; n < n1; n++)
        {
            int row = (n * channels + c) * inner;
            for (int r = t; r < inner; r += threads)
            {
                double d = a[row + r] - mu;
                acc += mode == 0 ? d : mode == 1 ? d * d : b[row + r] * d;
            }
        }

        // 2. The group's sum: a halving tree over shared memory.
        tree[t] = acc;
        Group.Barrier();
        for (int half = threads / 2; half > 0; half /= 2)
        {
            if (t < half) tree[t] += tree[t + half];
            Group.Barrier();
        }
        if (t == 0) partial[q * channels + c] = tree[0];
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
