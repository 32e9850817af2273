using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace MusicGenre.Simd;

/// <summary><see cref="ISimdOps{TV}"/> over <see cref="Vector512{T}"/>: 16 float lanes, each lane an independent element.</summary>
internal readonly struct Vec512Ops : ISimdOps<Vector512<float>>
{
    public static int Count => Vector512<float>.Count;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Load(ref float src, nuint index) => Vector512.LoadUnsafe(ref src, index);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector512<float> value, ref float dst, nuint index) => value.StoreUnsafe(ref dst, index);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Broadcast(float x) => Vector512.Create(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Add(Vector512<float> a, Vector512<float> b) => a + b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Sub(Vector512<float> a, Vector512<float> b) => a - b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Mul(Vector512<float> a, Vector512<float> b) => a * b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> MulAdd(Vector512<float> a, Vector512<float> b, Vector512<float> c) => Vector512.MultiplyAddEstimate(a, b, c);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Max(Vector512<float> a, Vector512<float> b) => Vector512.Max(a, b);

    /// <summary>The halves folded together with a lane-wise maximum until one lane is left.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float MaxAcross(Vector512<float> v) => Vec256Ops.MaxAcross(Vector256.Max(v.GetLower(), v.GetUpper()));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Abs(Vector512<float> v) => Vector512.Abs(v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool AllLessOrEqual(Vector512<float> a, Vector512<float> b) => Vector512.LessThanOrEqualAll(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Reverse(Vector512<float> v) => Vector512.Shuffle(v, Vector512.Create(15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0));

    /// <summary>
    /// A 4 × 4 transpose of 128-bit blocks: with AVX-512, two block shuffles pair blocks {0, 1} and {2, 3} of
    /// (b0, b1) and (b2, b3), two more pick the even and odd blocks of those pairs; elsewhere the 256-bit halves.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreBlocks4(Vector512<float> b0, Vector512<float> b1, Vector512<float> b2, Vector512<float> b3, ref float dst, nuint index)
    {
        if (Avx512F.IsSupported)
        {
            // 0x44 = blocks (0, 1) of the first, (0, 1) of the second; 0xEE = blocks (2, 3), (2, 3).
            Vector512<float> p01 = Avx512F.Shuffle4x128(b0, b1, 0x44), p23 = Avx512F.Shuffle4x128(b2, b3, 0x44);
            Vector512<float> q01 = Avx512F.Shuffle4x128(b0, b1, 0xEE), q23 = Avx512F.Shuffle4x128(b2, b3, 0xEE);
            // 0x88 = blocks (0, 2) of each: [b0.g, b1.g, b2.g, b3.g] for g = 0 (or 2); 0xDD = blocks (1, 3): g = 1 (or 3).
            Avx512F.Shuffle4x128(p01, p23, 0x88).StoreUnsafe(ref dst, index);
            Avx512F.Shuffle4x128(p01, p23, 0xDD).StoreUnsafe(ref dst, index + 16);
            Avx512F.Shuffle4x128(q01, q23, 0x88).StoreUnsafe(ref dst, index + 32);
            Avx512F.Shuffle4x128(q01, q23, 0xDD).StoreUnsafe(ref dst, index + 48);
            return;
        }

        Vec256Ops.StoreBlocks4(b0.GetLower(), b1.GetLower(), b2.GetLower(), b3.GetLower(), ref dst, index);
        Vec256Ops.StoreBlocks4(b0.GetUpper(), b1.GetUpper(), b2.GetUpper(), b3.GetUpper(), ref dst, index + 32);
    }

    /// <summary>The 256-bit transpose on each half: lanes 0..7 fill the first 32 floats, lanes 8..15 the next 32.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreInterleaved4(Vector512<float> b0, Vector512<float> b1, Vector512<float> b2, Vector512<float> b3, ref float dst, nuint index)
    {
        Vec256Ops.StoreInterleaved4(b0.GetLower(), b1.GetLower(), b2.GetLower(), b3.GetLower(), ref dst, index);
        Vec256Ops.StoreInterleaved4(b0.GetUpper(), b1.GetUpper(), b2.GetUpper(), b3.GetUpper(), ref dst, index + 32);
    }

    /// <summary>
    /// The inverse of <see cref="StoreInterleaved4"/>. With AVX-512, two-source permutes in two rounds: the first splits
    /// each pair of loaded registers (8 groups of 4) into phases (0, 1) and (2, 3), 8 lanes each; the second joins the
    /// 8-lane halves of the two pairs. Elsewhere the 256-bit split on each half.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> GreaterThan(Vector512<float> a, Vector512<float> b) => Vector512.GreaterThan(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Equal(Vector512<float> a, Vector512<float> b) => Vector512.Equals(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> IsNaN(Vector512<float> v) => Vector512.IsNaN(v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Select(Vector512<float> mask, Vector512<float> a, Vector512<float> b) => Vector512.ConditionalSelect(mask, a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> And(Vector512<float> a, Vector512<float> b) => a & b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Or(Vector512<float> a, Vector512<float> b) => a | b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> AndNot(Vector512<float> a, Vector512<float> b) => Vector512.AndNot(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Not(Vector512<float> v) => ~v;

    /// <summary>
    /// Stride-2 split of 32 floats. AVX-512: one two-source permute (vpermt2ps) per phase, indices ≥ 16 reading the second
    /// register. Elsewhere: the 256-bit split of each half.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void LoadDeinterleaved2(ref float src, nuint index, out Vector512<float> even, out Vector512<float> odd)
    {
        if (Avx512F.IsSupported)
        {
            Vector512<float> a = Vector512.LoadUnsafe(ref src, index), b = Vector512.LoadUnsafe(ref src, index + 16);
            var evens = Vector512.Create(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
            even = Avx512F.PermuteVar16x32x2(a, evens, b);
            odd = Avx512F.PermuteVar16x32x2(a, evens + Vector512<int>.One, b);
            return;
        }
        Vec256Ops.LoadDeinterleaved2(ref src, index, out var e0, out var o0);
        Vec256Ops.LoadDeinterleaved2(ref src, index + 16, out var e1, out var o1);
        even = Vector512.Create(e0, e1); odd = Vector512.Create(o0, o1);
    }

    /// <summary>The inverse of <see cref="LoadDeinterleaved2"/>: two two-source permutes pair lanes 0–7, then 8–15.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreInterleaved2(Vector512<float> even, Vector512<float> odd, ref float dst, nuint index)
    {
        if (Avx512F.IsSupported)
        {
            var low = Vector512.Create(0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
            Avx512F.PermuteVar16x32x2(even, low, odd).StoreUnsafe(ref dst, index);
            Avx512F.PermuteVar16x32x2(even, low + Vector512.Create(8), odd).StoreUnsafe(ref dst, index + 16);
            return;
        }
        Vec256Ops.StoreInterleaved2(even.GetLower(), odd.GetLower(), ref dst, index);
        Vec256Ops.StoreInterleaved2(even.GetUpper(), odd.GetUpper(), ref dst, index + 16);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void LoadDeinterleaved4(ref float src, nuint index, out Vector512<float> b0, out Vector512<float> b1, out Vector512<float> b2, out Vector512<float> b3)
    {
        if (Avx512F.IsSupported)
        {
            Vector512<float> l0 = Vector512.LoadUnsafe(ref src, index), l1 = Vector512.LoadUnsafe(ref src, index + 16);
            Vector512<float> l2 = Vector512.LoadUnsafe(ref src, index + 32), l3 = Vector512.LoadUnsafe(ref src, index + 48);
            // Phase 0 of the 8 groups in lanes 0..7 and phase 1 in lanes 8..15 (indices ≥ 16 read the second source).
            var phases01 = Vector512.Create(0, 4, 8, 12, 16, 20, 24, 28, 1, 5, 9, 13, 17, 21, 25, 29);
            var phases23 = phases01 + Vector512.Create(2);
            Vector512<float> a01 = Avx512F.PermuteVar16x32x2(l0, phases01, l1), a23 = Avx512F.PermuteVar16x32x2(l0, phases23, l1);
            Vector512<float> c01 = Avx512F.PermuteVar16x32x2(l2, phases01, l3), c23 = Avx512F.PermuteVar16x32x2(l2, phases23, l3);
            // Lower 8 lanes of each pair, then upper 8 lanes of each pair.
            var lower = Vector512.Create(0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23);
            var upper = lower + Vector512.Create(8);
            b0 = Avx512F.PermuteVar16x32x2(a01, lower, c01);
            b1 = Avx512F.PermuteVar16x32x2(a01, upper, c01);
            b2 = Avx512F.PermuteVar16x32x2(a23, lower, c23);
            b3 = Avx512F.PermuteVar16x32x2(a23, upper, c23);
            return;
        }

        Vec256Ops.LoadDeinterleaved4(ref src, index, out var l0b, out var l1b, out var l2b, out var l3b);
        Vec256Ops.LoadDeinterleaved4(ref src, index + 32, out var h0, out var h1, out var h2, out var h3);
        b0 = Vector512.Create(l0b, h0); b1 = Vector512.Create(l1b, h1); b2 = Vector512.Create(l2b, h2); b3 = Vector512.Create(l3b, h3);
    }
}
