using ILGPU;
using ILGPU.Algorithms;

namespace MusicGenre.Kernels.Nn;

internal static partial class NnKernels
{
    /// <summary>x[i] = value.</summary>
    internal static void Fill(Index1D index, ArrayView<float> x, float value, int length, int stride)
    {
        for (int i = index.X; i < length; i += stride) x[i] = value;
    }

    /// <summary>y[i] = x[i].</summary>
    internal static void Copy(Index1D index, ArrayView<float> x, ArrayView<float> y, int length, int stride)
    {
        for (int i = index.X; i < length; i += stride) y[i] = x[i];
    }

    /// <summary>x[i] *= factor.</summary>
    internal static void Scale(Index1D index, ArrayView<float> x, float factor, int length, int stride)
    {
        for (int i = index.X; i < length; i += stride) x[i] *= factor;
    }

    /// <summary>y = max(x, 0); NaN propagates (a NaN is not &gt; 0 and is kept as is).</summary>
    internal static void Relu(Index1D index, ArrayView<float> x, ArrayView<float> y, int length, int stride)
    {
        for (int i = index.X; i < length; i += stride)
        {
            float v = x[i];
            y[i] = v > 0f || float.IsNaN(v) ? v : 0f;
        }
    }

    /// <summary>dx = dy where the forward output y &gt; 0, else 0.</summary>
    internal static void ReluBackward(Index1D index, ArrayView<float> y, ArrayView<float> dy, ArrayView<float> dx, int length, int stride)
    {
        for (int i = index.X; i < length; i += stride)
        {
            dx[i] = y[i] > 0f ? dy[i] : 0f;
        }
    }

    /// <summary>
    /// Inverted dropout: mask[i] = scale when the draw of (seed, i) (<see cref="DropoutDraw.Uniform"/>, the
    /// backend-independent rule) is below keep, else 0; y = x·mask.
    /// </summary>
    internal static void Dropout(Index1D index, ArrayView<float> x, ArrayView<float> mask, ArrayView<float> y,
        ulong seed, float keep, float scale, int length, int stride)
    {
        for (int i = index.X; i < length; i += stride)
        {
            float m = DropoutDraw.Uniform(seed, i) < keep ? scale : 0f;
            mask[i] = m;
            y[i] = x[i] * m;
        }
    }

    /// <summary>c[i] = a[i]·b[i] (dropout backward: dx = dy·mask).</summary>
    internal static void Multiply(Index1D index, ArrayView<float> a, ArrayView<float> b, ArrayView<float> c, int length, int stride)
    {
        for (int i = index.X; i < length; i += stride) c[i] = a[i] * b[i];
    }

    /// <summary>partial[k] = Σ x² over chunk k of <paramref name="chunk"/> elements, in double (fixed order).</summary>
    internal static void SumSquaresChunks(Index1D index, ArrayView<float> x, ArrayView<double> partial, int length, int chunk, int stride)
    {
        int chunks = (int)(((long)length + chunk - 1) / chunk);
        for (int k = index.X; k < chunks; k += stride)
        {
            long start = (long)k * chunk;
            long end = start + chunk < length ? start + chunk : length;
            double acc = 0;
            for (long i = start; i < end; i++) acc += (double)x[i] * x[i];
            partial[k] = acc;
        }
    }

    /// <summary>PyTorch SGD: g' = g + wd·p; v = momentum·v + g'; p −= lr·v.</summary>
    internal static void SgdStep(Index1D index, ArrayView<float> p, ArrayView<float> g, ArrayView<float> velocity,
        float lr, float momentum, float weightDecay, int length, int stride)
    {
        for (int i = index.X; i < length; i += stride)
        {
            float grad = g[i] + weightDecay * p[i];
            float v = momentum * velocity[i] + grad;
            velocity[i] = v;
            p[i] -= lr * v;
        }
    }

    /// <summary>
    /// Adam/AdamW as PyTorch's single-tensor path: decoupled p *= 1 − lr·wd (AdamW) or g += wd·p (Adam);
    /// m = m·β1 + g·(1 − β1); v = v·β2 + g·g·(1 − β2); p −= stepSize·m / (sqrt(v)/sqrt(1 − β2ᵗ) + eps).
    /// </summary>
    internal static void AdamStep(Index1D index, ArrayView<float> p, ArrayView<float> g, ArrayView<float> m, ArrayView<float> v,
        AdamParams a, int length, int stride)
    {
        for (int i = index.X; i < length; i += stride)
        {
            float grad = g[i], pi = p[i];
            if (a.Decoupled != 0) pi *= a.Decay;
            else if (a.WeightDecay != 0f) grad += a.WeightDecay * pi;
            float mi = m[i] * a.Beta1 + grad * (1f - a.Beta1);
            float vi = v[i] * a.Beta2 + grad * grad * (1f - a.Beta2);
            m[i] = mi;
            v[i] = vi;
            float denom = XMath.Sqrt(vi) / a.Bc2Sqrt + a.Eps;
            p[i] = pi - a.StepSize * (mi / denom);
        }
    }
}
