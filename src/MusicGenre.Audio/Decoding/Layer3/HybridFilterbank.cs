using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace MusicGenre.Audio.Decoding.Layer3;

/// <summary>
/// The IMDCT half of layer III's hybrid filterbank (ISO/IEC 11172-3 §2.4.3.4.10): each subband's 18 frequency lines
/// become 36 windowed time samples, whose first half is added to the previous granule's second half.
/// <para>
/// Long blocks: x_i = Σ_{k&lt;18} X_k·cos(π/72·(2i + 19)(2k + 1)), i &lt; 36, windowed by block type 0 (normal), 1 (start)
/// or 3 (stop). Only 18 of the 36 outputs are distinct: x_{17−i} = −x_i (i ≤ 8) and x_{53−i} = x_i (18 ≤ i ≤ 26).
/// Short blocks (type 2): three 12-point IMDCTs y_i = Σ_{k&lt;6} X_{3k+w}·cos(π/24·(2i + 7)(2k + 1)), windowed by
/// sin(π/12·(i + ½)) and overlapped at 6 + 6w. Mixed blocks: subbands 0 and 1 long (type 0), the rest short.
/// </para>
/// <para>
/// SIMD lanes: the input is transposed so that lane = subband (<c>X[k·32 + sb]</c>); every output row i is then a
/// broadcast-coefficient multiply-add over 32 subbands at once. The overlapped output rows <c>[t·32 + sb]</c> are
/// exactly the synthesis filterbank's input slots.
/// </para>
/// </summary>
internal static class HybridFilterbank
{
    /// <summary>The distinct long-block outputs: i = 0..8 and 18..26.</summary>
    private static readonly int[] LongRows = [0, 1, 2, 3, 4, 5, 6, 7, 8, 18, 19, 20, 21, 22, 23, 24, 25, 26];

    /// <summary><c>[r·18 + k]</c> = cos(π/72·(2i + 19)(2k + 1)) for i = LongRows[r].</summary>
    private static readonly float[] LongCos = BuildLongCos();

    /// <summary><c>[i·6 + k]</c> = cos(π/24·(2i + 7)(2k + 1)).</summary>
    private static readonly float[] ShortCos = BuildShortCos();

    /// <summary>Long windows by block type (2 unused): <c>[type·36 + i]</c>.</summary>
    private static readonly float[] LongWindows = BuildLongWindows();

    /// <summary>sin(π/12·(i + ½)), i &lt; 12.</summary>
    private static readonly float[] ShortWindow = [.. Enumerable.Range(0, 12).Select(i => (float)Math.Sin(Math.PI / 12 * (i + 0.5)))];

    /// <summary>
    /// IMDCT and windowing of one granule of one channel: <paramref name="lines"/> (576, subband-major, short blocks
    /// already reordered) → <paramref name="z"/> (36 rows of 32 subbands) using <paramref name="scratch"/> (≥ 576 + 1152).
    /// </summary>
    public static void Transform(ReadOnlySpan<float> lines, int blockType, bool mixed, Span<float> z, Span<float> scratch, SimdWidth width)
    {
        switch (SimdWidths.Clamp(width))
        {
            case SimdWidth.V512: Transform<Vector512<float>, Vec512Ops>(lines, blockType, mixed, z, scratch); break;
            case SimdWidth.V256: Transform<Vector256<float>, Vec256Ops>(lines, blockType, mixed, z, scratch); break;
            case SimdWidth.V128: Transform<Vector128<float>, Vec128Ops>(lines, blockType, mixed, z, scratch); break;
            default: Transform<float, ScalarOps>(lines, blockType, mixed, z, scratch); break;
        }
    }

    /// <summary>
    /// Overlap-add: <c>slots[t] = prev[t] + weight·z[t]</c> and <c>prev[t] = weight·z[18 + t]</c> (rows of 32); with
    /// <paramref name="accumulate"/>, adds a second channel's z to what a first call wrote (<c>slots[t] += weight·z[t]</c>,
    /// <c>prev[t] += weight·z[18 + t]</c>) — the mono downmix of channels whose block types differ.
    /// </summary>
    public static void Overlap(ReadOnlySpan<float> z, float weight, Span<float> prev, Span<float> slots, bool accumulate, SimdWidth width)
    {
        if (z.Length < 36 * 32 || prev.Length < 18 * 32 || slots.Length < 18 * 32) throw new ArgumentException("buffers too small");
        switch (SimdWidths.Clamp(width))
        {
            case SimdWidth.V512: Overlap<Vector512<float>, Vec512Ops>(z, weight, prev, slots, accumulate); break;
            case SimdWidth.V256: Overlap<Vector256<float>, Vec256Ops>(z, weight, prev, slots, accumulate); break;
            case SimdWidth.V128: Overlap<Vector128<float>, Vec128Ops>(z, weight, prev, slots, accumulate); break;
            default: Overlap<float, ScalarOps>(z, weight, prev, slots, accumulate); break;
        }
    }

    /// <summary>Frequency inversion of the synthesis input: odd time slots of odd subbands change sign.</summary>
    public static void InvertOddSubbands(Span<float> slots)
    {
        if (slots.Length < 18 * 32) throw new ArgumentException("18 slots of 32 expected", nameof(slots));
        ref float s = ref MemoryMarshal.GetReference(slots);
        for (int t = 1; t < 18; t += 2)
            for (int sb = 1; sb < 32; sb += 2)
                Unsafe.Add(ref s, 32 * t + sb) = -Unsafe.Add(ref s, 32 * t + sb);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // optimised from the first call (see ISimdOps)
    private static void Overlap<TV, TOps>(ReadOnlySpan<float> z, float weight, Span<float> prev, Span<float> slots, bool accumulate)
        where TV : struct where TOps : ISimdOps<TV>
    {
        nuint w = (nuint)TOps.Count;
        ref float zs = ref MemoryMarshal.GetReference(z);
        ref float ps = ref MemoryMarshal.GetReference(prev);
        ref float ss = ref MemoryMarshal.GetReference(slots);
        TV k = TOps.Broadcast(weight);
        for (nuint i = 0; i < 18 * 32; i += w)
        {
            TV head = TOps.Load(ref zs, i), tail = TOps.Mul(k, TOps.Load(ref zs, 18 * 32 + i));
            if (accumulate)
            {
                TOps.Store(TOps.MulAdd(k, head, TOps.Load(ref ss, i)), ref ss, i);
                TOps.Store(TOps.Add(TOps.Load(ref ps, i), tail), ref ps, i);
            }
            else
            {
                TOps.Store(TOps.MulAdd(k, head, TOps.Load(ref ps, i)), ref ss, i);
                TOps.Store(tail, ref ps, i);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Transform<TV, TOps>(ReadOnlySpan<float> lines, int blockType, bool mixed, Span<float> z, Span<float> scratch)
        where TV : struct where TOps : ISimdOps<TV>
    {
        // 1. Transpose to lane = subband: X[k·32 + sb] = lines[18·sb + k].
        if (lines.Length < 576 || z.Length < 36 * 32 || scratch.Length < 576 + 36 * 32) throw new ArgumentException("buffers too small");
        var x = scratch[..576];
        ref float src = ref MemoryMarshal.GetReference(lines);
        ref float dst = ref MemoryMarshal.GetReference(x);
        for (int sb = 0; sb < 32; sb++)
            for (int k = 0; k < 18; k++)
                Unsafe.Add(ref dst, k * 32 + sb) = Unsafe.Add(ref src, 18 * sb + k);

        if (blockType != 2)
        {
            Long<TV, TOps>(x, blockType, z);
            return;
        }
        Short<TV, TOps>(x, z);
        if (mixed)
        {
            // Subbands 0 and 1 of a mixed block are long blocks with the normal window.
            var zLong = scratch.Slice(576, 36 * 32);
            Long<TV, TOps>(x, 0, zLong);
            for (int i = 0; i < 36; i++)
            {
                z[i * 32] = zLong[i * 32];
                z[i * 32 + 1] = zLong[i * 32 + 1];
            }
        }
    }

    /// <summary>Long-block IMDCT + window: two rows × two blocks of lanes per pass (four independent accumulators).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // optimised from the first call (see ISimdOps)
    private static void Long<TV, TOps>(ReadOnlySpan<float> x, int blockType, Span<float> z) where TV : struct where TOps : ISimdOps<TV>
    {
        nuint w = (nuint)TOps.Count;
        ref float xs = ref MemoryMarshal.GetReference(x);
        ref float zs = ref MemoryMarshal.GetReference(z);
        ref float cos = ref MemoryMarshal.GetArrayDataReference(LongCos);
        var win = LongWindows.AsSpan(36 * blockType, 36);
        for (int r = 0; r < 18; r += 2)
        {
            int i0 = LongRows[r], i1 = LongRows[r + 1];
            for (nuint b = 0; b < 32; b += 2 * w)
            {
                TV a00 = default, a01 = default, a10 = default, a11 = default;
                for (int k = 0; k < 18; k++)
                {
                    TV x0 = TOps.Load(ref xs, (nuint)(k * 32) + b), x1 = TOps.Load(ref xs, (nuint)(k * 32) + b + w);
                    TV c0 = TOps.Broadcast(Unsafe.Add(ref cos, r * 18 + k)), c1 = TOps.Broadcast(Unsafe.Add(ref cos, (r + 1) * 18 + k));
                    a00 = TOps.MulAdd(c0, x0, a00);
                    a01 = TOps.MulAdd(c0, x1, a01);
                    a10 = TOps.MulAdd(c1, x0, a10);
                    a11 = TOps.MulAdd(c1, x1, a11);
                }
                StoreLong<TV, TOps>(a00, a01, i0, win, ref zs, b);
                StoreLong<TV, TOps>(a10, a11, i1, win, ref zs, b);
            }
        }
    }

    /// <summary>Writes output row i and its mirror (x_{17−i} = −x_i for i ≤ 8, x_{53−i} = x_i for 18 ≤ i ≤ 26), windowed.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreLong<TV, TOps>(TV lo, TV hi, int i, ReadOnlySpan<float> win, ref float zs, nuint b) where TV : struct where TOps : ISimdOps<TV>
    {
        nuint w = (nuint)TOps.Count;
        int mirror = i < 9 ? 17 - i : 53 - i;
        TV wi = TOps.Broadcast(win[i]), wm = TOps.Broadcast(i < 9 ? -win[mirror] : win[mirror]);
        TOps.Store(TOps.Mul(lo, wi), ref zs, (nuint)(i * 32) + b);
        TOps.Store(TOps.Mul(hi, wi), ref zs, (nuint)(i * 32) + b + w);
        TOps.Store(TOps.Mul(lo, wm), ref zs, (nuint)(mirror * 32) + b);
        TOps.Store(TOps.Mul(hi, wm), ref zs, (nuint)(mirror * 32) + b + w);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // optimised from the first call (see ISimdOps)
    private static void Short<TV, TOps>(ReadOnlySpan<float> x, Span<float> z) where TV : struct where TOps : ISimdOps<TV>
    {
        int w = TOps.Count;
        ref float xs = ref MemoryMarshal.GetReference(x);
        ref float zs = ref MemoryMarshal.GetReference(z);
        z[..(36 * 32)].Clear();
        for (int win = 0; win < 3; win++)
        {
            for (int i = 0; i < 12; i++)
            {
                nuint row = (nuint)((6 + 6 * win + i) * 32);
                TV sw = TOps.Broadcast(ShortWindow[i]);
                for (int b = 0; b < 32; b += w)
                {
                    TV acc = default;
                    for (int k = 0; k < 6; k++)
                        acc = TOps.MulAdd(TOps.Broadcast(ShortCos[i * 6 + k]), TOps.Load(ref xs, (nuint)((3 * k + win) * 32 + b)), acc);
                    TOps.Store(TOps.MulAdd(acc, sw, TOps.Load(ref zs, row + (nuint)b)), ref zs, row + (nuint)b);
                }
            }
        }
    }

    private static float[] BuildLongCos()
    {
        var c = new float[18 * 18];
        for (int r = 0; r < 18; r++)
            for (int k = 0; k < 18; k++)
                c[r * 18 + k] = (float)Math.Cos(Math.PI / 72 * (2 * LongRows[r] + 19) * (2 * k + 1));
        return c;
    }

    private static float[] BuildShortCos()
    {
        var c = new float[12 * 6];
        for (int i = 0; i < 12; i++)
            for (int k = 0; k < 6; k++)
                c[i * 6 + k] = (float)Math.Cos(Math.PI / 24 * (2 * i + 7) * (2 * k + 1));
        return c;
    }

    private static float[] BuildLongWindows()
    {
        var w = new float[4 * 36];
        for (int i = 0; i < 36; i++)
        {
            double normal = Math.Sin(Math.PI / 36 * (i + 0.5));
            w[i] = (float)normal;
            // Start (1): normal rising half, flat, the short window's falling half, zeros.
            w[36 + i] = (float)(i < 18 ? normal : i < 24 ? 1 : i < 30 ? Math.Sin(Math.PI / 12 * (i - 18 + 0.5)) : 0);
            // Stop (3): zeros, the short window's rising half, flat, normal falling half.
            w[108 + i] = (float)(i < 6 ? 0 : i < 12 ? Math.Sin(Math.PI / 12 * (i - 6 + 0.5)) : i < 18 ? 1 : normal);
        }
        return w;
    }
}
