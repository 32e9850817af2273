using MusicGenre.Nn.Tensors;

namespace MusicGenre.Nn.Backends.Cpu;

internal sealed partial class CpuBackend
{
    /// <inheritdoc />
    public void SgdStep(Tensor p, Tensor g, Tensor velocity, float learningRate, float momentum, float weightDecay)
    {
        Same(p, g, "SgdStep"); Same(p, velocity, "SgdStep");
        var ps = D(p); var gs = D(g); var vs = D(velocity);
        Chunks(p.Length, (o, n) =>
        {
            for (int i = o; i < o + n; i++)
            {
                float grad = gs[i] + weightDecay * ps[i];
                float v = momentum * vs[i] + grad;
                vs[i] = v;
                ps[i] -= learningRate * v;
            }
        });
    }

    /// <inheritdoc />
    public void AdamStep(Tensor p, Tensor g, Tensor m, Tensor v, in AdamStepParameters hp)
    {
        Same(p, g, "AdamStep"); Same(p, m, "AdamStep"); Same(p, v, "AdamStep");
        Require(hp.Step >= 1, "AdamStep", $"step must be >= 1 (got {hp.Step}).");
        var ps = D(p); var gs = D(g); var ms = D(m); var vs = D(v);
        // Scalars rounded once to float, as PyTorch's single-tensor Adam passes Python floats to float kernels.
        float lr = hp.LearningRate, b1 = hp.Beta1, b2 = hp.Beta2, eps = hp.Epsilon, wd = hp.WeightDecay;
        float stepSize = hp.StepSize, bc2Sqrt = hp.BiasCorrection2Sqrt, decay = 1f - lr * wd;
        bool decoupled = hp.Decoupled;
        Chunks(p.Length, (o, n) =>
        {
            for (int i = o; i < o + n; i++)
            {
                float grad = gs[i];
                if (decoupled) ps[i] *= decay;
                else if (wd != 0f) grad += wd * ps[i];
                float mi = ms[i] * b1 + grad * (1f - b1);
                float vi = vs[i] * b2 + grad * grad * (1f - b2);
                ms[i] = mi; vs[i] = vi;
                float denom = MathF.Sqrt(vi) / bc2Sqrt + eps;
                ps[i] -= stepSize * (mi / denom);
            }
        });
    }
}
