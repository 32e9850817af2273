using MusicGenre.Nn.Layers;

namespace MusicGenre.Nn.Optimizers;

/// <summary>Gradient clipping by global L2 norm (PyTorch <c>clip_grad_norm_</c>).</summary>
internal static class GradientClipping
{
    /// <summary>
    /// Scales every gradient by maxNorm / (norm + 1e-6) when the global norm exceeds <paramref name="maxNorm"/>;
    /// returns the norm before clipping. Deterministic: per-tensor sums in a fixed order, combined in list order.
    /// </summary>
    public static double ClipGlobalNorm(IReadOnlyList<Parameter> parameters, float maxNorm)
    {
        if (!(maxNorm > 0)) throw new ArgumentException($"ClipGlobalNorm: maxNorm must be positive (got {maxNorm}).", nameof(maxNorm));
        // 1. Global norm = sqrt of the sum of every gradient's sum of squares.
        double sum = 0;
        foreach (var p in parameters) sum += p.Grad.Backend.SumOfSquares(p.Grad);
        double norm = Math.Sqrt(sum);
        // 2. Scale only when above the limit (the 1e-6 guards a zero norm, as PyTorch).
        double coef = maxNorm / (norm + 1e-6);
        if (coef < 1)
            foreach (var p in parameters) p.Grad.Backend.Scale(p.Grad, (float)coef);
        return norm;
    }
}
