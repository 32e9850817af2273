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

    /// <summary>
    /// The widest accelerated width whose register holds at most <paramref name="count"/> lanes (<see cref="SimdWidth.Scalar"/>
    /// below 4): for kernels that need one whole register of work, so that a short row — e.g. the 8 windows of a pooled
    /// 16-pixel row where a 512-bit register holds 16 — runs at 256 or 128 bits instead of in the scalar twin.
    /// </summary>
    public static SimdWidth Fitting(int count)
    {
        var width = Best;
        while (width != SimdWidth.Scalar && count < (int)width) width = width == SimdWidth.V128 ? SimdWidth.Scalar : (SimdWidth)((int)width / 2);
        return width;
    }

    /// <summary>The narrower of <paramref name="requested"/> and <see cref="Best"/>.</summary>
    public static SimdWidth Clamp(SimdWidth requested) => (SimdWidth)Math.Min((int)requested, (int)Best);
}
