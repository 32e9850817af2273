using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace MusicGenre.Simd;

/// <summary><see cref="ISimdOps{TV}"/> over <see cref="Vector256{T}"/>: 8 float lanes, each lane an independent element.</summary>
internal readonly struct Vec256Ops : ISimdOps<Vector256<float>>
{
    public static int Count => Vector256<float>.Count;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Load(ref float src, nuint index) => Vector256.LoadUnsafe(ref src, index);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector256<float> value, ref float dst, nuint index) => value.StoreUnsafe(ref dst, index);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Broadcast(float x) => Vector256.Create(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Add(Vector256<float> a, Vector256<float> b) => a + b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Sub(Vector256<float> a, Vector256<float> b) => a - b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Mul(Vector256<float> a, Vector256<float> b) => a * b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> MulAdd(Vector256<float> a, Vector256<float> b, Vector256<float> c) => Vector256.MultiplyAddEstimate(a, b, c);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Max(Vector256<float> a, Vector256<float> b) => Vector256.Max(a, b);

    /// <summary>The halves folded together with a lane-wise maximum until one lane is left.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float MaxAcross(Vector256<float> v) => Vec128Ops.MaxAcross(Vector128.Max(v.GetLower(), v.GetUpper()));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Abs(Vector256<float> v) => Vector256.Abs(v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool AllLessOrEqual(Vector256<float> a, Vector256<float> b) => Vector256.LessThanOrEqualAll(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Reverse(Vector256<float> v) => Vector256.Shuffle(v, Vector256.Create(7, 6, 5, 4, 3, 2, 1, 0));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> GreaterThan(Vector256<float> a, Vector256<float> b) => Vector256.GreaterThan(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Equal(Vector256<float> a, Vector256<float> b) => Vector256.Equals(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> IsNaN(Vector256<float> v) => Vector256.IsNaN(v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Select(Vector256<float> mask, Vector256<float> a, Vector256<float> b) => Vector256.ConditionalSelect(mask, a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> And(Vector256<float> a, Vector256<float> b) => a & b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Or(Vector256<float> a, Vector256<float> b) => a | b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> AndNot(Vector256<float> a, Vector256<float> b) => Vector256.AndNot(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Not(Vector256<float> v) => ~v;

    private static readonly Vector256<int> EvenLanes = Vector256.Create(0, 2, 4, 6, 0, 2, 4, 6);
    private static readonly Vector256<int> OddLanes = Vector256.Create(1, 3, 5, 7, 1, 3, 5, 7);
    private static readonly Vector256<int> Interleave = Vector256.Create(0, 4, 1, 5, 2, 6, 3, 7);

    /// <summary>
    /// Stride-2 split of 16 floats: each register's even (odd) lanes gathered into its low half by a cross-lane permute
    /// (vpermps), and the two low halves joined.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void LoadDeinterleaved2(ref float src, nuint index, out Vector256<float> even, out Vector256<float> odd)
    {
        Vector256<float> a = Vector256.LoadUnsafe(ref src, index), b = Vector256.LoadUnsafe(ref src, index + 8);
        even = Vector256.Create(Vector256.Shuffle(a, EvenLanes).GetLower(), Vector256.Shuffle(b, EvenLanes).GetLower());
        odd = Vector256.Create(Vector256.Shuffle(a, OddLanes).GetLower(), Vector256.Shuffle(b, OddLanes).GetLower());
    }

    /// <summary>
    /// The inverse of <see cref="LoadDeinterleaved2"/>: the low halves of even and odd side by side, permuted to
    /// (e0 o0 e1 o1 …), then the high halves.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreInterleaved2(Vector256<float> even, Vector256<float> odd, ref float dst, nuint index)
    {
        Vector256.Shuffle(Vector256.Create(even.GetLower(), odd.GetLower()), Interleave).StoreUnsafe(ref dst, index);
        Vector256.Shuffle(Vector256.Create(even.GetUpper(), odd.GetUpper()), Interleave).StoreUnsafe(ref dst, index + 8);
    }

    /// <summary>Two blocks per register: the low halves of the four side by side, then the high halves.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreBlocks4(Vector256<float> b0, Vector256<float> b1, Vector256<float> b2, Vector256<float> b3, ref float dst, nuint index)
    {
        // Block 0 (low halves) of all four, then block 1 (high halves): [b0.lo b1.lo] [b2.lo b3.lo] [b0.hi b1.hi] [b2.hi b3.hi].
        Vector256.Create(b0.GetLower(), b1.GetLower()).StoreUnsafe(ref dst, index);
        Vector256.Create(b2.GetLower(), b3.GetLower()).StoreUnsafe(ref dst, index + 8);
        Vector256.Create(b0.GetUpper(), b1.GetUpper()).StoreUnsafe(ref dst, index + 16);
        Vector256.Create(b2.GetUpper(), b3.GetUpper()).StoreUnsafe(ref dst, index + 24);
    }

    /// <summary>
    /// 4×8 transpose. AVX works per 128-bit half: unpack low/high ps interleaves (b0, b1) and (b2, b3), unpack
    /// low/high pd joins those pairs into [b0_l b1_l b2_l b3_l] for l ∈ {0,4}, {1,5}, {2,6}, {3,7}, and
    /// Permute2x128 regroups the halves in lane order. Without AVX: the 128-bit version on each half.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreInterleaved4(Vector256<float> b0, Vector256<float> b1, Vector256<float> b2, Vector256<float> b3, ref float dst, nuint index)
    {
        if (Avx.IsSupported)
        {
            Vector256<double> lo01 = Avx.UnpackLow(b0, b1).AsDouble(), hi01 = Avx.UnpackHigh(b0, b1).AsDouble();
            Vector256<double> lo23 = Avx.UnpackLow(b2, b3).AsDouble(), hi23 = Avx.UnpackHigh(b2, b3).AsDouble();
            Vector256<float> l04 = Avx.UnpackLow(lo01, lo23).AsSingle(), l15 = Avx.UnpackHigh(lo01, lo23).AsSingle();
            Vector256<float> l26 = Avx.UnpackLow(hi01, hi23).AsSingle(), l37 = Avx.UnpackHigh(hi01, hi23).AsSingle();
            Avx.Permute2x128(l04, l15, 0x20).StoreUnsafe(ref dst, index);
            Avx.Permute2x128(l26, l37, 0x20).StoreUnsafe(ref dst, index + 8);
            Avx.Permute2x128(l04, l15, 0x31).StoreUnsafe(ref dst, index + 16);
            Avx.Permute2x128(l26, l37, 0x31).StoreUnsafe(ref dst, index + 24);
            return;
        }

        Vec128Ops.StoreInterleaved4(b0.GetLower(), b1.GetLower(), b2.GetLower(), b3.GetLower(), ref dst, index);
        Vec128Ops.StoreInterleaved4(b0.GetUpper(), b1.GetUpper(), b2.GetUpper(), b3.GetUpper(), ref dst, index + 16);
    }

    /// <summary>
    /// The inverse of <see cref="StoreInterleaved4"/>: 128-bit block shuffles pair group g with group g + 4 (groups of 4
    /// floats), then the 128-bit transpose of <see cref="Vec128Ops.LoadDeinterleaved4"/> runs in both halves at once.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void LoadDeinterleaved4(ref float src, nuint index, out Vector256<float> b0, out Vector256<float> b1, out Vector256<float> b2, out Vector256<float> b3)
    {
        if (Avx.IsSupported)
        {
            Vector256<float> l0 = Vector256.LoadUnsafe(ref src, index), l1 = Vector256.LoadUnsafe(ref src, index + 8);
            Vector256<float> l2 = Vector256.LoadUnsafe(ref src, index + 16), l3 = Vector256.LoadUnsafe(ref src, index + 24);
            // Groups (0, 4), (1, 5), (2, 6), (3, 7): each register now holds one group per 128-bit half.
            Vector256<float> g04 = Avx.Permute2x128(l0, l2, 0x20), g15 = Avx.Permute2x128(l0, l2, 0x31);
            Vector256<float> g26 = Avx.Permute2x128(l1, l3, 0x20), g37 = Avx.Permute2x128(l1, l3, 0x31);
            Vector256<double> lo01 = Avx.UnpackLow(g04, g15).AsDouble(), hi01 = Avx.UnpackHigh(g04, g15).AsDouble();
            Vector256<double> lo23 = Avx.UnpackLow(g26, g37).AsDouble(), hi23 = Avx.UnpackHigh(g26, g37).AsDouble();
            b0 = Avx.UnpackLow(lo01, lo23).AsSingle();
            b1 = Avx.UnpackHigh(lo01, lo23).AsSingle();
            b2 = Avx.UnpackLow(hi01, hi23).AsSingle();
            b3 = Avx.UnpackHigh(hi01, hi23).AsSingle();
            return;
        }

        Vec128Ops.LoadDeinterleaved4(ref src, index, out var l0b, out var l1b, out var l2b, out var l3b);
        Vec128Ops.LoadDeinterleaved4(ref src, index + 16, out var h0, out var h1, out var h2, out var h3);
        b0 = Vector256.Create(l0b, h0); b1 = Vector256.Create(l1b, h1); b2 = Vector256.Create(l2b, h2); b3 = Vector256.Create(l3b, h3);
    }
}
