namespace MusicGenre.Nn.Backends;

/// <summary>Hyper-parameters of one Adam/AdamW step <paramref name="Step"/> (t ≥ 1).</summary>
/// <param name="LearningRate">lr.</param>
/// <param name="Beta1">β1 (0.9).</param>
/// <param name="Beta2">β2 (0.999).</param>
/// <param name="Epsilon">eps added to the bias-corrected sqrt(v) (1e-8).</param>
/// <param name="WeightDecay">Weight decay (0 = none).</param>
/// <param name="Decoupled">True for AdamW (p *= 1 − lr·wd before the update), false for Adam's L2 (g += wd·p).</param>
/// <param name="Step">The 1-based step number t used in the bias corrections.</param>
internal readonly record struct AdamStepParameters(float LearningRate, float Beta1, float Beta2, float Epsilon,
    float WeightDecay, bool Decoupled, long Step)
{
    /// <summary>lr / (1 − β1ᵗ), computed in double then rounded once (PyTorch computes it as a Python float).</summary>
    public float StepSize => (float)(LearningRate / (1.0 - Math.Pow(Beta1, Step)));

    /// <summary>sqrt(1 − β2ᵗ), computed in double then rounded once.</summary>
    public float BiasCorrection2Sqrt => (float)Math.Sqrt(1.0 - Math.Pow(Beta2, Step));
}
