namespace MusicGenre.Kernels.Nn;

/// <summary>
/// The backend-independent dropout draw, one definition for the CPU backend (<c>DropoutMask</c>) and the GPU kernel
/// (<see cref="NnKernels.Dropout"/>): z = seed + (index + 1)·φ (φ = 0x9E3779B97F4A7C15), three SplitMix64 mixing
/// rounds, top 24 bits / 2²⁴. A pure function of (seed, index), so CPU and GPU draw the same mask and a resumed run
/// draws what an uninterrupted one would. Plain integer arithmetic, so ILGPU compiles it into the kernel.
/// </summary>
internal static class DropoutDraw
{
    /// <summary>The SplitMix64 increment φ.</summary>
    public const ulong Golden = 0x9E3779B97F4A7C15UL;

    /// <summary>A float in [0, 1) on a 2⁻²⁴ grid (exactly representable) for element <paramref name="index"/> under <paramref name="seed"/>.</summary>
    public static float Uniform(ulong seed, long index)
    {
        ulong z = seed + (ulong)(index + 1) * Golden;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        z ^= z >> 31;
        return (z >> 40) * (1.0f / 16777216f);
    }
}
