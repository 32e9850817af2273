namespace MusicGenre.Kernels.Nn;

/// <summary>
/// Scalar twins of <see cref="NnKernels"/>, written as plain host loops in the most direct form (scatter where the
/// kernels gather), so that the kernels' randomized equivalence tests compare two independent derivations.
/// </summary>
internal static class NnScalar
{
    /// <summary>Twin of <see cref="NnKernels.ConvGemmKernel"/> in <see cref="ConvGemmMode.Forward"/> (bias may be null).</summary>
    public static void ConvForward(float[] x, float[] w, float[]? b, float[] y, in ConvParams p)
    {
        for (int n = 0; n < p.N; n++)
            for (int o = 0; o < p.OC; o++)
                for (int i = 0; i < p.OH; i++)
                    for (int j = 0; j < p.OW; j++)
                    {
                        float acc = 0f;
                        for (int c = 0; c < p.C; c++)
                            for (int u = 0; u < p.KH; u++)
                                for (int v = 0; v < p.KW; v++)
                                {
                                    int h = i * p.SH - p.PT + u, col = j * p.SW - p.PL + v;
                                    if (h >= 0 && h < p.H && col >= 0 && col < p.W)
                                        acc += x[((n * p.C + c) * p.H + h) * p.W + col] * w[((o * p.C + c) * p.KH + u) * p.KW + v];
                                }
                        y[((n * p.OC + o) * p.OH + i) * p.OW + j] = b is null ? acc : acc + b[o];
                    }
    }

    /// <summary>Twin of <see cref="NnKernels.ConvGemmKernel"/>'s two gradient products (and db): scatters every dy element into dx and dw; db sums dy.</summary>
    public static void ConvBackward(float[] x, float[] w, float[] dy, float[] dx, float[] dw, float[] db, in ConvParams p)
    {
        Array.Clear(dx); Array.Clear(dw); Array.Clear(db);
        for (int n = 0; n < p.N; n++)
            for (int o = 0; o < p.OC; o++)
                for (int i = 0; i < p.OH; i++)
                    for (int j = 0; j < p.OW; j++)
                    {
                        float g = dy[((n * p.OC + o) * p.OH + i) * p.OW + j];
                        db[o] += g;
                        for (int c = 0; c < p.C; c++)
                            for (int u = 0; u < p.KH; u++)
                                for (int v = 0; v < p.KW; v++)
                                {
                                    int h = i * p.SH - p.PT + u, col = j * p.SW - p.PL + v;
                                    if (h < 0 || h >= p.H || col < 0 || col >= p.W) continue;
                                    int xi = ((n * p.C + c) * p.H + h) * p.W + col, wi = ((o * p.C + c) * p.KH + u) * p.KW + v;
                                    dx[xi] += g * w[wi];
                                    dw[wi] += g * x[xi];
                                }
                    }
    }

    /// <summary>Twin of the max-pool kernels: y = window max, dx[arg-max] += dy (first maximum wins, NaN propagates).</summary>
    public static void MaxPool(float[] x, float[] dy, float[] y, float[] dx, in PoolParams p)
    {
        Array.Clear(dx);
        for (int plane = 0; plane < p.N * p.C; plane++)
            for (int i = 0; i < p.OH; i++)
                for (int j = 0; j < p.OW; j++)
                {
                    int best = -1;
                    for (int h = i * p.SH; h < Math.Min(i * p.SH + p.KH, p.H); h++)
                        for (int col = j * p.SW; col < Math.Min(j * p.SW + p.KW, p.W); col++)
                        {
                            int k = (plane * p.H + h) * p.W + col;
                            if (best < 0 || x[k] > x[best] || (float.IsNaN(x[k]) && !float.IsNaN(x[best]))) best = k;
                        }
                    int o = (plane * p.OH + i) * p.OW + j;
                    y[o] = x[best];
                    dx[best] += dy[o];
                }
    }

    /// <summary>
    /// Twin of the BatchNorm train kernels: forward (y, mean, invStd, running stats updated in place) and backward
    /// (dx, dgamma, dbeta), x <c>[N, C, inner]</c>.
    /// </summary>
    public static void BatchNormTrain(float[] x, float[] dy, float[] gamma, float[] beta, float[] runningMean, float[] runningVar,
        float momentum, float eps, int batch, int channels, int inner,
        float[] y, float[] mean, float[] invStd, float[] dx, float[] dgamma, float[] dbeta)
    {
        int m = batch * inner;
        for (int c = 0; c < channels; c++)
        {
            var values = Enumerable.Range(0, batch).SelectMany(n => Enumerable.Range((n * channels + c) * inner, inner)).ToArray();
            double muD = values.Sum(e => (double)x[e]) / m;
            double variance = values.Sum(e => (x[e] - muD) * (x[e] - muD)) / m;
            float mu = (float)muD, s = (float)(1.0 / Math.Sqrt(variance + eps));
            mean[c] = mu;
            invStd[c] = s;
            runningMean[c] = (1f - momentum) * runningMean[c] + momentum * mu;
            runningVar[c] = (1f - momentum) * runningVar[c] + momentum * (float)(m > 1 ? variance * m / (m - 1) : variance);
            double sumDy = 0, dot = 0;
            foreach (int e in values)
            {
                y[e] = (x[e] - mu) * s * gamma[c] + beta[c];
                sumDy += dy[e];
                dot += (double)dy[e] * (x[e] - mu);
            }
            dgamma[c] = (float)(dot * s);
            dbeta[c] = (float)sumDy;
            foreach (int e in values)
                dx[e] = (float)(gamma[c] * s * (dy[e] - sumDy / m - (x[e] - mu) * s * dgamma[c] / m));
        }
    }

    /// <summary>Twin of the dense layer on the GPU (ConvGemmKernel on a 1 × 1 image, DenseBackwardBias): y = x·wᵀ + b, dx = dy·w, dw = dyᵀ·x, db = Σₙ dy.</summary>
    public static void Dense(float[] x, float[] w, float[] b, float[] dy, int batch, int inputs, int outputs,
        float[] y, float[] dx, float[] dw, float[] db)
    {
        Array.Clear(dx); Array.Clear(dw); Array.Clear(db);
        for (int n = 0; n < batch; n++)
            for (int o = 0; o < outputs; o++)
            {
                float acc = 0f;
                for (int i = 0; i < inputs; i++) acc += x[n * inputs + i] * w[o * inputs + i];
                y[n * outputs + o] = acc + b[o];
                float g = dy[n * outputs + o];
                db[o] += g;
                for (int i = 0; i < inputs; i++)
                {
                    dx[n * inputs + i] += g * w[o * inputs + i];
                    dw[o * inputs + i] += g * x[n * inputs + i];
                }
            }
    }

    /// <summary>Twin of softmax cross-entropy (double): probs, mean loss and dlogits = (probs − onehot)/N.</summary>
    public static float SoftmaxCrossEntropy(float[] logits, int[] labels, int rows, int classes, float[] probs, float[] dlogits)
    {
        double total = 0;
        for (int r = 0; r < rows; r++)
        {
            var z = logits.AsSpan(r * classes, classes);
            double max = double.NegativeInfinity, sum = 0;
            foreach (float v in z) max = Math.Max(max, v);
            foreach (float v in z) sum += Math.Exp(v - max);
            for (int k = 0; k < classes; k++)
            {
                probs[r * classes + k] = (float)(Math.Exp(z[k] - max) / sum);
                dlogits[r * classes + k] = (probs[r * classes + k] - (k == labels[r] ? 1f : 0f)) / rows;
            }
            total += Math.Log(sum) - (z[labels[r]] - max);
        }
        return (float)(total / rows);
    }

    /// <summary>Twin of the global pooling kernels over rows of <paramref name="inner"/> values: mean, max, and their backward.</summary>
    public static void GlobalPools(float[] x, float[] dy, int rows, int inner, float[] mean, float[] max, float[] dxMean, float[] dxMax)
    {
        Array.Clear(dxMax);
        for (int r = 0; r < rows; r++)
        {
            float s = 0f;
            int best = r * inner;
            for (int k = 0; k < inner; k++)
            {
                s += x[r * inner + k];
                float v = x[r * inner + k];
                if (v > x[best] || (float.IsNaN(v) && !float.IsNaN(x[best]))) best = r * inner + k;
            }
            mean[r] = s / inner;
            max[r] = x[best];
            dxMax[best] = dy[r];
            for (int k = 0; k < inner; k++) dxMean[r * inner + k] = dy[r] / inner;
        }
    }

    /// <summary>Twin of ReLU forward/backward.</summary>
    public static void Relu(float[] x, float[] dy, float[] y, float[] dx)
    {
        for (int i = 0; i < x.Length; i++)
        {
            y[i] = x[i] > 0f || float.IsNaN(x[i]) ? x[i] : 0f;
            dx[i] = y[i] > 0f ? dy[i] : 0f;
        }
    }

    /// <summary>Twin of <see cref="NnKernels.SgdStep"/>.</summary>
    public static void Sgd(float[] p, float[] g, float[] velocity, float lr, float momentum, float weightDecay)
    {
        for (int i = 0; i < p.Length; i++)
        {
            float grad = g[i] + weightDecay * p[i];
            velocity[i] = momentum * velocity[i] + grad;
            p[i] -= lr * velocity[i];
        }
    }

    /// <summary>Twin of <see cref="NnKernels.AdamStep"/>.</summary>
    public static void Adam(float[] p, float[] g, float[] m, float[] v, in AdamParams a)
    {
        for (int i = 0; i < p.Length; i++)
        {
            float grad = g[i];
            if (a.Decoupled != 0) p[i] *= a.Decay;
            else if (a.WeightDecay != 0f) grad += a.WeightDecay * p[i];
            m[i] = m[i] * a.Beta1 + grad * (1f - a.Beta1);
            v[i] = v[i] * a.Beta2 + grad * grad * (1f - a.Beta2);
            p[i] -= a.StepSize * (m[i] / (MathF.Sqrt(v[i]) / a.Bc2Sqrt + a.Eps));
        }
    }
}
