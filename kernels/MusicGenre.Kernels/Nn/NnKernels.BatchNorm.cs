using ILGPU;
using ILGPU.Algorithms;

namespace MusicGenre.Kernels.Nn;

internal static partial class NnKernels
{
    /// <summary>
    /// From the batch variance <c>var[c]</c> (biased, over <paramref name="count"/> = N·inner values, computed by
    /// <see cref="ChannelPartial"/>/<see cref="ChannelFinish"/>): invStd[c] = 1/sqrt(var + eps) and the running
    /// statistics updated in place, the variance unbiased by count/(count − 1) (left as is for a single value).
    /// </summary>
    internal static void BatchNormFinalize(
        Index1D index,
        ArrayView<float> mean, ArrayView<float> variance,           // [C] batch statistics
        ArrayView<float> runningMean, ArrayView<float> runningVar,  // [C] updated in place
        ArrayView<float> invStd,                                    // [C]
        int channels, int count, float momentum, float eps, int stride)
    {
        for (int c = index.X; c < channels; c += stride)
        {
            float v = variance[c];
            invStd[c] = (float)(1.0 / XMath.Sqrt((double)v + eps));
            float unbiased = (float)(count > 1 ? (double)v * count / (count - 1) : v);
            runningMean[c] = (1f - momentum) * runningMean[c] + momentum * mean[c];
            runningVar[c] = (1f - momentum) * runningVar[c] + momentum * unbiased;
        }
    }

    /// <summary>y = (x − mean[c])·invStd[c]·gamma[c] + beta[c] for every element of x <c>[N, C, inner]</c>.</summary>
    internal static void BatchNormApply(
        Index1D index,
        ArrayView<float> x,                                   // [N, C, inner]
        ArrayView<float> mean, ArrayView<float> invStd,       // [C]
        ArrayView<float> gamma, ArrayView<float> beta,        // [C]
        ArrayView<float> y,                                   // [N, C, inner]
        int total, int channels, int inner, int stride)
    {
        for (int e = index.X; e < total; e += stride)
        {
            int c = e / inner % channels;
            y[e] = (x[e] - mean[c]) * invStd[c] * gamma[c] + beta[c];
        }
    }

    /// <summary>invStd[c] = 1/sqrt(var[c] + eps) (eval mode from running variance).</summary>
    internal static void InvStd(Index1D index, ArrayView<float> variance, ArrayView<float> invStd, int channels, float eps, int stride)
    {
        for (int c = index.X; c < channels; c += stride)
        {
            invStd[c] = 1f / XMath.Sqrt(variance[c] + eps);
        }
    }

    /// <summary>dx = gamma·invStd·(dy − dbeta/m − x̂·dgamma/m) with m = N·inner and x̂ = (x − mean)·invStd.</summary>
    internal static void BatchNormBackwardData(
        Index1D index,
        ArrayView<float> x, ArrayView<float> dy,              // [N, C, inner]
        ArrayView<float> gamma, ArrayView<float> mean, ArrayView<float> invStd,  // [C]
        ArrayView<float> dgamma, ArrayView<float> dbeta,      // [C]
        ArrayView<float> dx,                                  // [N, C, inner]
        int total, int channels, int inner, int count, int stride)
    {
        for (int e = index.X; e < total; e += stride)
        {
            int c = e / inner % channels;
            float s = invStd[c], xhat = (x[e] - mean[c]) * s;
            dx[e] = gamma[c] * s * (dy[e] - dbeta[c] / count - xhat * dgamma[c] / count);
        }
    }
}
