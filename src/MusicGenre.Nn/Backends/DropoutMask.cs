namespace MusicGenre.Nn.Backends;

/// <summary>
/// The backend-independent dropout mask: element i is kept when the top 24 bits of SplitMix64(seed + i·φ) / 2²⁴ are
/// below the keep probability (φ = 0x9E3779B97F4A7C15). A pure function of (seed, index), so CPU and GPU draw the same
/// mask and a resumed run draws what an uninterrupted one would.
/// </summary>
internal static class DropoutMask
{
    /// <summary>The SplitMix64 increment φ.</summary>
    public const ulong Golden = 0x9E3779B97F4A7C15UL;

    /// <summary>True when element <paramref name="index"/> survives under <paramref name="seed"/>.</summary>
    public static bool Keep(ulong seed, long index, float keepProbability)
    {
        ulong z = seed + (ulong)(index + 1) * Golden;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        z ^= z >> 31;
        // Top 24 bits → a float in [0, 1) on a 2^-24 grid, exactly representable.
        float u = (z >> 40) * (1.0f / 16777216f);
        return u < keepProbability;
    }
}
