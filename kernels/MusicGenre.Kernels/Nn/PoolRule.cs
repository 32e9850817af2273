namespace MusicGenre.Kernels.Nn;

/// <summary>
/// The max-pool rule, one definition for the GPU pooling kernels and the CPU backend's pooling paths (<c>NnScalar</c>,
/// the kernels' test twin, keeps its own): a value takes over from the best so far when it is strictly greater (so the
/// first of equal maxima wins), or when it is NaN and the best is not (NaN propagates, as in PyTorch). Plain comparisons,
/// so ILGPU compiles it into a kernel.
/// </summary>
internal static class PoolRule
{
    /// <summary>True when <paramref name="v"/> replaces <paramref name="best"/> as the window's maximum.</summary>
    public static bool Takes(float v, float best) => v > best || (float.IsNaN(v) && !float.IsNaN(best));
}
