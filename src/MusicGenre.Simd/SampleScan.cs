using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace MusicGenre.Simd;

/// <summary>
/// Finds the first value that is NaN, ±∞ or larger in magnitude than a bound: the one check behind the audio-sample rule
/// (<see cref="IndexOfBadSample"/>: the decoder's float samples, in-memory samples given to prediction and to feature
/// extraction) and the feature store's finite check.
/// </summary>
internal static class SampleScan
{
    /// <summary>
    /// Largest audio sample magnitude accepted wherever audio enters (a float file, samples in memory): 10⁶, 120 dB above
    /// full scale (±1). Integer PCM written as floats without scaling (±32768) passes; values past this are damage, and
    /// past ~10¹⁵ the power spectrum overflows float32 into NaN features that would otherwise flow silently into
    /// predictions and feature stores.
    /// </summary>
    public const float MaxSample = 1e6f;

    /// <summary>The audio-sample rule as messages state it (after "samples"), naming the limit.</summary>
    public const string SampleRule = "must be finite and within ±1e6 (full scale is ±1)";

    /// <summary>Index of the first audio sample that breaks the rule — NaN, ±∞ or |x| &gt; <see cref="MaxSample"/> — or −1.</summary>
    public static int IndexOfBadSample(ReadOnlySpan<float> x) => IndexOfOutside(x, MaxSample);

    /// <summary>
    /// Index of the first x[i] with !(|x[i]| ≤ <paramref name="bound"/>) — NaN and ±∞ always qualify — or −1, at the
    /// widest path <paramref name="width"/> allows (<see cref="SimdWidth.Scalar"/>: the scalar twin). Each register
    /// holds consecutive samples and tests |x| ≤ bound in every lane (false for NaN); the first register that fails
    /// anywhere, and the tail shorter than a register, are left to the scalar loop, which finds the exact index.
    /// </summary>
    public static int IndexOfOutside(ReadOnlySpan<float> x, float bound, SimdWidth width = SimdWidth.V512) =>
        SimdWidths.Clamp(width) switch
        {
            SimdWidth.V512 => IndexOfOutside<Vec512Ops, System.Runtime.Intrinsics.Vector512<float>>(x, bound),
            SimdWidth.V256 => IndexOfOutside<Vec256Ops, System.Runtime.Intrinsics.Vector256<float>>(x, bound),
            SimdWidth.V128 => IndexOfOutside<Vec128Ops, System.Runtime.Intrinsics.Vector128<float>>(x, bound),
            _ => IndexOfOutside<ScalarOps, float>(x, bound),
        };

    /// <summary>Index of the first NaN or ±∞, or −1 (<see cref="IndexOfOutside(ReadOnlySpan{float}, float, SimdWidth)"/> with the largest finite bound).</summary>
    public static int IndexOfNonFinite(ReadOnlySpan<float> x, SimdWidth width = SimdWidth.V512) => IndexOfOutside(x, float.MaxValue, width);

    private static int IndexOfOutside<TOps, TV>(ReadOnlySpan<float> x, float bound) where TOps : struct, ISimdOps<TV> where TV : struct
    {
        int n = x.Length, i = 0;
        ref float r = ref MemoryMarshal.GetReference(x);
        // 1. Whole registers while every lane is within the bound.
        TV limit = TOps.Broadcast(bound);
        for (; i + TOps.Count <= n; i += TOps.Count)
            if (!TOps.AllLessOrEqual(TOps.Abs(TOps.Load(ref r, (nuint)i)), limit)) break;
        // 2. From the failing register (or the tail) on, one sample at a time.
        for (; i < n; i++)
            if (!(MathF.Abs(Unsafe.Add(ref r, i)) <= bound)) return i;
        return -1;
    }
}
