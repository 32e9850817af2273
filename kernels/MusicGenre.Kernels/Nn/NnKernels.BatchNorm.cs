using ILGPU;
using ILGPU.Algorithms;

namespace MusicGenre.Kernels.Nn;

internal static partial class NnKernels
{
    /// <summary>
    /// Per channel c of x <c>[N, C, inner]</c>: batch mean and biased variance (two passes, accumulated in double like
    /// PyTorch's CPU kernel, so long channels keep full float accuracy), written as
    /// mean[c] and invStd[c] = 1/sqrt(var + eps); running stats updated in place with the unbiased variance.
    /// </summary>
    internal static void BatchNormStats(
        Index1D index,
        ArrayView<float> x,                                       // [N, C, inner]
        ArrayView<float> runningMean, ArrayView<float> runningVar, // [C]
        ArrayView<float> mean, ArrayView<float> invStd,           // [C]
        int batch, int channels, int inner, float momentum, float eps, int stride)
    {
        for (int c = index.X; c < channels; c += stride)
        {

            // 1. Mean.
            double sum = 0;
            for (int n = 0; n < batch; n++)
                for (int k = 0; k < inner; k++) sum += x[(n * channels + c) * inner + k];
            int count = batch * inner;
            double mu = sum / count;

            // 2. Biased variance around the mean (second pass, no cancellation).
            double sq = 0;
            for (int n = 0; n < batch; n++)
                for (int k = 0; k < inner; k++)
                {
                    double d = x[(n * channels + c) * inner + k] - mu;
                    sq += d * d;
                }
            double variance = sq / count;
            mean[c] = (float)mu;
            invStd[c] = (float)(1.0 / XMath.Sqrt(variance + eps));

            // 3. Running statistics (unbiased variance n/(n − 1); a single element leaves it as is, like PyTorch's n − 1 = 0 guard).
            float unbiased = (float)(count > 1 ? variance * count / (count - 1) : variance);
            runningMean[c] = (1f - momentum) * runningMean[c] + momentum * (float)mu;
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

    /// <summary>Per channel: dbeta = Σ dy, dgamma = invStd·Σ dy·(x − mean) over (N, inner), accumulated in double.</summary>
    internal static void BatchNormBackwardReduce(
        Index1D index,
        ArrayView<float> x, ArrayView<float> dy,              // [N, C, inner]
        ArrayView<float> mean, ArrayView<float> invStd,       // [C]
        ArrayView<float> dgamma, ArrayView<float> dbeta,      // [C]
        int batch, int channels, int inner, int stride)
    {
        for (int c = index.X; c < channels; c += stride)
        {
            double sumDy = 0, dot = 0;
            float mu = mean[c];
            for (int n = 0; n < batch; n++)
                for (int k = 0; k < inner; k++)
                {
                    int e = (n * channels + c) * inner + k;
                    sumDy += dy[e];
                    dot += (double)dy[e] * (x[e] - mu);
                }
            dgamma[c] = (float)(dot * invStd[c]);
            dbeta[c] = (float)sumDy;
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
