using ILGPU;
using ILGPU.Algorithms;

namespace MusicGenre.Kernels.Nn;

internal static partial class NnKernels
{
    // DenseForward and the dense dx and dw are ConvGemmKernel's products on a 1 × 1 image (GpuBackend.DenseAsConv).

    /// <summary>db[o] = Σ_n dy[n, o].</summary>
    internal static void DenseBackwardBias(Index1D index, ArrayView<float> dy, ArrayView<float> db, int batch, int outputs, int stride)
    {
        for (int o = index.X; o < outputs; o += stride)
        {
            float acc = 0f;
            for (int n = 0; n < batch; n++) acc += dy[n * outputs + o];
            db[o] = acc;
        }
    }

    /// <summary>
    /// Row r of logits <c>[N, K]</c>: probs = exp(z − max)/Σ exp(z − max); when labels are given (hasLabels ≠ 0)
    /// rowLoss[r] = log Σ exp(z − max) − (z[label] − max), the cross-entropy of that row.
    /// </summary>
    internal static void SoftmaxRows(
        Index1D index,
        ArrayView<float> logits, ArrayView<float> probs,  // [N, K]
        ArrayView<int> labels, ArrayView<float> rowLoss,  // [N]
        int rows, int classes, int hasLabels, int stride)
    {
        for (int r = index.X; r < rows; r += stride)
        {
            int start = r * classes;
            float max = logits[start];
            for (int k = 1; k < classes; k++) max = XMath.Max(max, logits[start + k]);
            float sum = 0f;
            for (int k = 0; k < classes; k++) sum += XMath.Exp(logits[start + k] - max);
            float inv = 1f / sum;
            for (int k = 0; k < classes; k++) probs[start + k] = XMath.Exp(logits[start + k] - max) * inv;
            if (hasLabels != 0) rowLoss[r] = XMath.Log(sum) - (logits[start + labels[r]] - max);
        }
    }

    /// <summary>dlogits[n, k] = (probs[n, k] − [k == label n]) / N.</summary>
    internal static void SoftmaxCrossEntropyBackward(
        Index1D index,
        ArrayView<float> probs, ArrayView<int> labels, ArrayView<float> dlogits,
        int rows, int classes, float invN, int stride)
    {
        for (int e = index.X; e < rows * classes; e += stride)
        {
            int r = e / classes, k = e - r * classes;
            dlogits[e] = (probs[e] - (k == labels[r] ? 1f : 0f)) * invN;
        }
    }
}
