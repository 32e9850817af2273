namespace MusicGenre.Kernels.Nn;

/// <summary>
/// Scalars of one Adam/AdamW step, each rounded once to float on the host: β1, β2, eps, weight decay, the decoupled
/// decay factor <c>1 − lr·wd</c>, <c>lr / (1 − β1ᵗ)</c>, <c>sqrt(1 − β2ᵗ)</c> and whether the decay is decoupled (AdamW).
/// </summary>
internal readonly struct AdamParams
{
    public AdamParams(float beta1, float beta2, float eps, float weightDecay, float decay, float stepSize, float bc2Sqrt, int decoupled)
    {
        Beta1 = beta1; Beta2 = beta2; Eps = eps; WeightDecay = weightDecay; Decay = decay; StepSize = stepSize; Bc2Sqrt = bc2Sqrt; Decoupled = decoupled;
    }

    public readonly float Beta1, Beta2, Eps, WeightDecay, Decay, StepSize, Bc2Sqrt;
    public readonly int Decoupled;
}
