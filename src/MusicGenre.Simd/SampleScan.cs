using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace MusicGenre.Simd;

/// <summary>
/// Finds the first value that is NaN, ±∞ or larger in magnitude than a bound: the one check behind the audio-sample rule
/// (<see cref="IndexOfBadSample"/>: the decoder's float samples, in-memory samples given to prediction and to feature
/// extraction) and the feature store's finite check; and sums a clip's samples and their squares for its level
/// (<see cref="SumAndSquares"/>).
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

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // optimised from the first call (see ISimdOps)
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

    /// <summary>Lanes of <see cref="SumAndSquares"/>: x[i] goes to lane i mod 8 of each sum.</summary>
    public const int SumLanes = 8;

    /// <summary>
    /// Σx and Σx² in double, in one fixed order at every width (<see cref="SimdWidth.Scalar"/>: the scalar twin): lane j of
    /// 8 adds x[j], x[j + 8], x[j + 16], … of the whole blocks of 8 in turn; then the lanes 0..7 are added in order, then
    /// the tail of fewer than 8 samples one by one. A float's square is exact in double, so a fused multiply-add would
    /// round as the separate ones do, and every width gives the same bits. Eight independent chains instead of one also
    /// keep the additions from waiting on each other (a 30 s clip: 86 µs instead of the sequential loop's 565 µs,
    /// SignalLevelBench on Zen 4).
    /// </summary>
    public static (double Sum, double Squares) SumAndSquares(ReadOnlySpan<float> x, SimdWidth width = SimdWidth.V512)
    {
        Span<double> sum = stackalloc double[SumLanes], squares = stackalloc double[SumLanes];
        int blocks = x.Length / SumLanes * SumLanes;
        switch (SimdWidths.Clamp(width))
        {
            case SimdWidth.V512: LaneSums512(x[..blocks], sum, squares); break;
            case SimdWidth.V256: LaneSums256(x[..blocks], sum, squares); break;
            case SimdWidth.V128: LaneSums128(x[..blocks], sum, squares); break;
            default: LaneSumsScalar(x[..blocks], sum, squares); break;
        }
        double s = 0, q = 0;
        for (int j = 0; j < SumLanes; j++) { s += sum[j]; q += squares[j]; }
        foreach (float v in x[blocks..]) { s += v; q += (double)v * v; }
        return (s, q);
    }

    /// <summary>The scalar twin: the 8 lanes as 8 accumulators.</summary>
    private static void LaneSumsScalar(ReadOnlySpan<float> x, Span<double> sum, Span<double> squares)
    {
        for (int i = 0; i < x.Length; i += SumLanes)
            for (int j = 0; j < SumLanes; j++)
            {
                double v = x[i + j];
                sum[j] += v;
                squares[j] += v * v;
            }
    }

    /// <summary>16 floats a step widened to two registers of 8 doubles (lanes 0..7 each), added one after the other.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // optimised from the first call (see ISimdOps)
    private static void LaneSums512(ReadOnlySpan<float> x, Span<double> sum, Span<double> squares)
    {
        ref float r = ref MemoryMarshal.GetReference(x);
        Vector512<double> s = Vector512<double>.Zero, q = Vector512<double>.Zero;
        int i = 0;
        for (; i + 16 <= x.Length; i += 16)
        {
            var (lo, hi) = Vector512.Widen(Vector512.LoadUnsafe(ref r, (nuint)i));
            s += lo; q += lo * lo;
            s += hi; q += hi * hi;
        }
        if (i < x.Length) // one block of 8 left
        {
            var lo = Vector512.WidenLower(Vector256.LoadUnsafe(ref r, (nuint)i).ToVector512Unsafe());
            s += lo; q += lo * lo;
        }
        s.CopyTo(sum);
        q.CopyTo(squares);
    }

    /// <summary>8 floats a step widened to lanes 0..3 and 4..7.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // optimised from the first call (see ISimdOps)
    private static void LaneSums256(ReadOnlySpan<float> x, Span<double> sum, Span<double> squares)
    {
        ref float r = ref MemoryMarshal.GetReference(x);
        Vector256<double> s0 = Vector256<double>.Zero, s1 = s0, q0 = s0, q1 = s0;
        for (int i = 0; i < x.Length; i += 8)
        {
            var (lo, hi) = Vector256.Widen(Vector256.LoadUnsafe(ref r, (nuint)i));
            s0 += lo; q0 += lo * lo;
            s1 += hi; q1 += hi * hi;
        }
        s0.CopyTo(sum); s1.CopyTo(sum[4..]);
        q0.CopyTo(squares); q1.CopyTo(squares[4..]);
    }

    /// <summary>8 floats a step as two registers of 4, each widened to two lanes' pairs: lanes 0–1, 2–3, 4–5, 6–7.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // optimised from the first call (see ISimdOps)
    private static void LaneSums128(ReadOnlySpan<float> x, Span<double> sum, Span<double> squares)
    {
        ref float r = ref MemoryMarshal.GetReference(x);
        Vector128<double> s0 = Vector128<double>.Zero, s1 = s0, s2 = s0, s3 = s0, q0 = s0, q1 = s0, q2 = s0, q3 = s0;
        for (int i = 0; i < x.Length; i += 8)
        {
            var (a, b) = Vector128.Widen(Vector128.LoadUnsafe(ref r, (nuint)i));
            var (c, d) = Vector128.Widen(Vector128.LoadUnsafe(ref r, (nuint)i + 4));
            s0 += a; q0 += a * a;
            s1 += b; q1 += b * b;
            s2 += c; q2 += c * c;
            s3 += d; q3 += d * d;
        }
        s0.CopyTo(sum); s1.CopyTo(sum[2..]); s2.CopyTo(sum[4..]); s3.CopyTo(sum[6..]);
        q0.CopyTo(squares); q1.CopyTo(squares[2..]); q2.CopyTo(squares[4..]); q3.CopyTo(squares[6..]);
    }
}
