using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace MusicGenre.Simd;

/// <summary><see cref="ISimdOps{TV}"/> over <see cref="Vector128{T}"/>: 4 float lanes, each lane an independent element.</summary>
internal readonly struct Vec128Ops : ISimdOps<Vector128<float>>
{
    public static int Count => Vector128<float>.Count;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Load(ref float src, nuint index) => Vector128.LoadUnsafe(ref src, index);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector128<float> value, ref float dst, nuint index) => value.StoreUnsafe(ref dst, index);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Broadcast(float x) => Vector128.Create(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Add(Vector128<float> a, Vector128<float> b) => a + b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Sub(Vector128<float> a, Vector128<float> b) => a - b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Mul(Vector128<float> a, Vector128<float> b) => a * b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> MulAdd(Vector128<float> a, Vector128<float> b, Vector128<float> c) => Vector128.MultiplyAddEstimate(a, b, c);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Max(Vector128<float> a, Vector128<float> b) => Vector128.Max(a, b);

    /// <summary>The halves folded together with a lane-wise maximum until one lane is left.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float MaxAcross(Vector128<float> v) => MathF.Max(MathF.Max(v[0], v[1]), MathF.Max(v[2], v[3]));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Abs(Vector128<float> v) => Vector128.Abs(v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool AllLessOrEqual(Vector128<float> a, Vector128<float> b) => Vector128.LessThanOrEqualAll(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Reverse(Vector128<float> v) => Vector128.Shuffle(v, Vector128.Create(3, 2, 1, 0));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> GreaterThan(Vector128<float> a, Vector128<float> b) => Vector128.GreaterThan(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Equal(Vector128<float> a, Vector128<float> b) => Vector128.Equals(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> IsNaN(Vector128<float> v) => Vector128.IsNaN(v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Select(Vector128<float> mask, Vector128<float> a, Vector128<float> b) => Vector128.ConditionalSelect(mask, a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> And(Vector128<float> a, Vector128<float> b) => a & b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Or(Vector128<float> a, Vector128<float> b) => a | b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> AndNot(Vector128<float> a, Vector128<float> b) => Vector128.AndNot(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Not(Vector128<float> v) => ~v;

    /// <summary>
    /// Stride-2 split of 8 floats. SSE: one shuffle per phase picks lanes (0, 2) or (1, 3) of each register; ARM64: the
    /// unzip instructions (UZP1/UZP2) do the same. Elsewhere: element reads.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void LoadDeinterleaved2(ref float src, nuint index, out Vector128<float> even, out Vector128<float> odd)
    {
        Vector128<float> a = Vector128.LoadUnsafe(ref src, index), b = Vector128.LoadUnsafe(ref src, index + 4);
        if (Sse.IsSupported)
        {
            even = Sse.Shuffle(a, b, 0b10_00_10_00); // [a0 a2 b0 b2]
            odd = Sse.Shuffle(a, b, 0b11_01_11_01);  // [a1 a3 b1 b3]
            return;
        }
        if (AdvSimd.Arm64.IsSupported)
        {
            even = AdvSimd.Arm64.UnzipEven(a, b);
            odd = AdvSimd.Arm64.UnzipOdd(a, b);
            return;
        }
        even = Vector128.Create(a[0], a[2], b[0], b[2]);
        odd = Vector128.Create(a[1], a[3], b[1], b[3]);
    }

    /// <summary>The inverse of <see cref="LoadDeinterleaved2"/>: SSE unpack low/high (ARM64 ZIP1/ZIP2) pair the lanes up.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreInterleaved2(Vector128<float> even, Vector128<float> odd, ref float dst, nuint index)
    {
        if (Sse.IsSupported)
        {
            Sse.UnpackLow(even, odd).StoreUnsafe(ref dst, index);       // [e0 o0 e1 o1]
            Sse.UnpackHigh(even, odd).StoreUnsafe(ref dst, index + 4);  // [e2 o2 e3 o3]
            return;
        }
        if (AdvSimd.Arm64.IsSupported)
        {
            AdvSimd.Arm64.ZipLow(even, odd).StoreUnsafe(ref dst, index);
            AdvSimd.Arm64.ZipHigh(even, odd).StoreUnsafe(ref dst, index + 4);
            return;
        }
        for (int l = 0; l < 4; l++)
        {
            Unsafe.Add(ref dst, index + (nuint)(2 * l)) = even.GetElement(l);
            Unsafe.Add(ref dst, index + (nuint)(2 * l + 1)) = odd.GetElement(l);
        }
    }

    /// <summary>One block per register: the four registers one after another.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreBlocks4(Vector128<float> b0, Vector128<float> b1, Vector128<float> b2, Vector128<float> b3, ref float dst, nuint index)
    {
        b0.StoreUnsafe(ref dst, index);
        b1.StoreUnsafe(ref dst, index + 4);
        b2.StoreUnsafe(ref dst, index + 8);
        b3.StoreUnsafe(ref dst, index + 12);
    }

    /// <summary>
    /// 4×4 transpose. SSE: unpack low/high interleaves (b0, b1) and (b2, b3) element-wise, then MoveLowToHigh /
    /// MoveHighToLow join the 64-bit halves into [b0_l, b1_l, b2_l, b3_l]. Elsewhere: element stores.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreInterleaved4(Vector128<float> b0, Vector128<float> b1, Vector128<float> b2, Vector128<float> b3, ref float dst, nuint index)
    {
        if (Sse.IsSupported)
        {
            Vector128<float> lo01 = Sse.UnpackLow(b0, b1), hi01 = Sse.UnpackHigh(b0, b1);   // [b0_0 b1_0 b0_1 b1_1], [.._2 .._3]
            Vector128<float> lo23 = Sse.UnpackLow(b2, b3), hi23 = Sse.UnpackHigh(b2, b3);
            Sse.MoveLowToHigh(lo01, lo23).StoreUnsafe(ref dst, index);
            Sse.MoveHighToLow(lo23, lo01).StoreUnsafe(ref dst, index + 4);
            Sse.MoveLowToHigh(hi01, hi23).StoreUnsafe(ref dst, index + 8);
            Sse.MoveHighToLow(hi23, hi01).StoreUnsafe(ref dst, index + 12);
            return;
        }

        for (int l = 0; l < 4; l++)
        {
            Unsafe.Add(ref dst, index + (nuint)(4 * l)) = b0.GetElement(l);
            Unsafe.Add(ref dst, index + (nuint)(4 * l + 1)) = b1.GetElement(l);
            Unsafe.Add(ref dst, index + (nuint)(4 * l + 2)) = b2.GetElement(l);
            Unsafe.Add(ref dst, index + (nuint)(4 * l + 3)) = b3.GetElement(l);
        }
    }

    /// <summary>
    /// A 4 × 4 transpose of the four loaded registers (one per group of 4 floats): unpack pairs rows 0/1 and 2/3 element
    /// by element, then the 64-bit halves are joined.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void LoadDeinterleaved4(ref float src, nuint index, out Vector128<float> b0, out Vector128<float> b1, out Vector128<float> b2, out Vector128<float> b3)
    {
        Vector128<float> r0 = Vector128.LoadUnsafe(ref src, index), r1 = Vector128.LoadUnsafe(ref src, index + 4);
        Vector128<float> r2 = Vector128.LoadUnsafe(ref src, index + 8), r3 = Vector128.LoadUnsafe(ref src, index + 12);
        if (Sse.IsSupported)
        {
            Vector128<float> lo01 = Sse.UnpackLow(r0, r1), hi01 = Sse.UnpackHigh(r0, r1);   // [r0_0 r1_0 r0_1 r1_1], [.._2 .._3]
            Vector128<float> lo23 = Sse.UnpackLow(r2, r3), hi23 = Sse.UnpackHigh(r2, r3);
            b0 = Sse.MoveLowToHigh(lo01, lo23);
            b1 = Sse.MoveHighToLow(lo23, lo01);
            b2 = Sse.MoveLowToHigh(hi01, hi23);
            b3 = Sse.MoveHighToLow(hi23, hi01);
            return;
        }

        b0 = Vector128.Create(r0[0], r1[0], r2[0], r3[0]);
        b1 = Vector128.Create(r0[1], r1[1], r2[1], r3[1]);
        b2 = Vector128.Create(r0[2], r1[2], r2[2], r3[2]);
        b3 = Vector128.Create(r0[3], r1[3], r2[3], r3[3]);
    }
}
