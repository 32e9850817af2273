namespace MusicGenre.Nn.Backends;

/// <summary>
/// The backend-independent dropout mask: element i is kept when its draw (<see cref="Kernels.Nn.DropoutDraw.Uniform"/>,
/// the same function the GPU kernel calls) is below the keep probability.
/// </summary>
internal static class DropoutMask
{
    /// <summary>The SplitMix64 increment φ, also used to space the seeds of successive dropout calls and layers.</summary>
    public const ulong Golden = Kernels.Nn.DropoutDraw.Golden;

    /// <summary>True when element <paramref name="index"/> survives under <paramref name="seed"/>.</summary>
    public static bool Keep(ulong seed, long index, float keepProbability) => Kernels.Nn.DropoutDraw.Uniform(seed, index) < keepProbability;
}
