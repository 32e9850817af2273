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
}
