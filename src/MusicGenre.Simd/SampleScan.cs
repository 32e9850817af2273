using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

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
    /// Index of the first x[i] with !(|x[i]| ≤ <paramref name="bound"/>) — NaN and ±∞ always qualify — or −1.
    /// Vector lanes (16 or 8 floats) compare |x| ≤ bound, which is false for NaN; a block that fails anywhere is left to
    /// the scalar loop, which finds the exact index. <paramref name="vector"/> false runs only that loop (the scalar twin).
    /// </summary>
    public static int IndexOfOutside(ReadOnlySpan<float> x, float bound, bool vector = true)
    {
        int n = x.Length, i = 0;
        ref float r = ref MemoryMarshal.GetReference(x);
        if (vector && Vector512.IsHardwareAccelerated)
        {
            var limit = Vector512.Create(bound);
            for (; i + 16 <= n; i += 16)
                if (!Vector512.LessThanOrEqualAll(Vector512.Abs(Vector512.LoadUnsafe(ref r, (nuint)i)), limit)) break;
        }
        else if (vector && Vector256.IsHardwareAccelerated)
        {
            var limit = Vector256.Create(bound);
            for (; i + 8 <= n; i += 8)
                if (!Vector256.LessThanOrEqualAll(Vector256.Abs(Vector256.LoadUnsafe(ref r, (nuint)i)), limit)) break;
        }
        for (; i < n; i++)
            if (!(MathF.Abs(Unsafe.Add(ref r, i)) <= bound)) return i;
        return -1;
    }

    /// <summary>Index of the first NaN or ±∞, or −1 (<see cref="IndexOfOutside"/> with the largest finite bound).</summary>
    public static int IndexOfNonFinite(ReadOnlySpan<float> x, bool vector = true) => IndexOfOutside(x, float.MaxValue, vector);
}
