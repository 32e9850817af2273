using MusicGenre.Nn.Tensors;

namespace MusicGenre.Nn.Backends;

/// <summary>
/// An optional capability of a backend: BatchNorm → ReLU → 2×2 stride-2 max-pool (floor mode) as one operation, the
/// block the <c>default</c> network repeats. Fused, the normalised and rectified full-size tensors are never written: the
/// forward reads the input three times (mean, variance, then normalise + pool in one pass) and writes only the pooled
/// output; the backward re-derives each window's arg-max from the input. A backend without it runs the three layers.
/// <para>Same results as the three operations: max(ReLU(z)) = ReLU(max(z)) with the same first-maximum and NaN rules, and
/// the gradient reaches a window's first maximum only where that maximum is &gt; 0 (where ReLU passes it). The BatchNorm
/// sums are taken over the pooled gradient's non-zero positions instead of the whole plane, so they may differ from the
/// unfused sums in the last bits of a double.</para>
/// </summary>
internal interface IBatchNormReluPoolBackend
{
    /// <summary>
    /// Train mode: as <see cref="IBackend.BatchNormForwardTrain"/> (batch statistics, running statistics updated,
    /// <paramref name="saveMean"/>/<paramref name="saveInvStd"/> written), then ReLU and the 2×2 pool into
    /// <paramref name="y"/> <c>[N, C, H/2, W/2]</c>.
    /// </summary>
    void BatchNormReluPoolForwardTrain(Tensor x, Tensor gamma, Tensor beta, Tensor runningMean, Tensor runningVar,
        float momentum, float eps, Tensor saveMean, Tensor saveInvStd, Tensor y);

    /// <summary>Eval mode: as <see cref="IBackend.BatchNormForwardEval"/>, then ReLU and the 2×2 pool into <paramref name="y"/>.</summary>
    void BatchNormReluPoolForwardEval(Tensor x, Tensor gamma, Tensor beta, Tensor runningMean, Tensor runningVar, float eps, Tensor y);

    /// <summary>
    /// Gradients of the train-mode forward from the pooled gradient <paramref name="dy"/>: <paramref name="dx"/>
    /// <c>[N, C, H, W]</c>, <paramref name="dgamma"/> = Σ dz·x̂ and <paramref name="dbeta"/> = Σ dz, where dz is
    /// <paramref name="dy"/> routed to each window's first maximum when that maximum is &gt; 0.
    /// </summary>
    void BatchNormReluPoolBackward(Tensor x, Tensor dy, Tensor gamma, Tensor beta, Tensor saveMean, Tensor saveInvStd,
        Tensor dx, Tensor dgamma, Tensor dbeta);
}
