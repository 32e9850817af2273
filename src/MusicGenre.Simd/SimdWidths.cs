using System.Runtime.Intrinsics;

namespace MusicGenre.Simd;

/// <summary>Hardware detection for <see cref="SimdWidth"/>.</summary>
internal static class SimdWidths
{
    /// <summary>The widest path this process accelerates (respects <c>DOTNET_EnableAVX512=0</c> and friends).</summary>
    public static SimdWidth Best { get; } =
        Vector512.IsHardwareAccelerated ? SimdWidth.V512
        : Vector256.IsHardwareAccelerated ? SimdWidth.V256
        : Vector128.IsHardwareAccelerated ? SimdWidth.V128
        : SimdWidth.Scalar;

    /// <summary>The narrower of <paramref name="requested"/> and <see cref="Best"/>.</summary>
    public static SimdWidth Clamp(SimdWidth requested) => (SimdWidth)Math.Min((int)requested, (int)Best);
}
