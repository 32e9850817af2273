using ILGPU;
using ILGPU.Runtime;
using MusicGenre.Kernels.Nn;
using MusicGenre.Kernels.Runtime;
using MusicGenre.Nn.Tensors;

namespace MusicGenre.Nn.Backends.Gpu;

internal sealed partial class GpuBackend
{
    private const int SumChunk = 4096;

    /// <inheritdoc />
    public void ReluForward(Tensor x, Tensor y)
    {
        Same(x, y, "ReluForward");
        _relu(L(x.Length), V(x), V(y), x.Length, L(x.Length));
    }

    /// <inheritdoc />
    public void ReluBackward(Tensor y, Tensor dy, Tensor dx)
    {
        Same(y, dy, "ReluBackward"); Same(y, dx, "ReluBackward");
        _reluBackward(L(y.Length), V(y), V(dy), V(dx), y.Length, L(y.Length));
    }

    /// <inheritdoc />
    public void DropoutForward(Tensor x, float keepProbability, ulong seed, Tensor mask, Tensor y)
    {
        Same(x, mask, "DropoutForward"); Same(x, y, "DropoutForward");
        Require(keepProbability > 0 && keepProbability <= 1, "DropoutForward", $"keep probability {keepProbability} must be in (0, 1].");
        _dropout(L(x.Length), V(x), V(mask), V(y), seed, keepProbability, 1f / keepProbability, x.Length, L(x.Length));
    }

    /// <inheritdoc />
    public void DropoutBackward(Tensor dy, Tensor mask, Tensor dx)
    {
        Same(dy, mask, "DropoutBackward"); Same(dy, dx, "DropoutBackward");
        _multiply(L(dy.Length), V(dy), V(mask), V(dx), dy.Length, L(dy.Length));
    }

    /// <inheritdoc />
    public void SgdStep(Tensor p, Tensor g, Tensor velocity, float learningRate, float momentum, float weightDecay)
    {
        Same(p, g, "SgdStep"); Same(p, velocity, "SgdStep");
        _sgd(L(p.Length), V(p), V(g), V(velocity), learningRate, momentum, weightDecay, p.Length, L(p.Length));
    }

    /// <inheritdoc />
    public void AdamStep(Tensor p, Tensor g, Tensor m, Tensor v, in AdamStepParameters hp)
    {
        Same(p, g, "AdamStep"); Same(p, m, "AdamStep"); Same(p, v, "AdamStep");
        Require(hp.Step >= 1, "AdamStep", $"step must be >= 1 (got {hp.Step}).");
        // Scalars rounded once to float on the host, as the CPU backend and PyTorch's single-tensor Adam.
        var a = new AdamParams(hp.Beta1, hp.Beta2, hp.Epsilon, hp.WeightDecay, 1f - hp.LearningRate * hp.WeightDecay,
            hp.StepSize, hp.BiasCorrection2Sqrt, hp.Decoupled ? 1 : 0);
        _adam(L(p.Length), V(p), V(g), V(m), V(v), a, p.Length, L(p.Length));
    }

    /// <inheritdoc />
    public double SumOfSquares(Tensor x)
    {
        // 1. Fixed chunks summed in double on the device; 2. chunk sums added in order on the host (deterministic).
        int chunks = Math.Max((x.Length + SumChunk - 1) / SumChunk, 1);
        var partial = Scratch<double>(chunks);
        _sumSquares(L(chunks), V(x), partial, x.Length, SumChunk, L(chunks));
        double total = 0;
        foreach (double s in DeviceScratch.Download(partial)) total += s;
        return total;
    }

    /// <inheritdoc />
    public void Scale(Tensor x, float factor) => _scale(L(x.Length), V(x), factor, x.Length, L(x.Length));
}
