using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace MusicGenre.Features.Fft;

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
    public static Vector512<float> Reverse(Vector512<float> v) => Vector512.Shuffle(v, Vector512.Create(15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0));

    /// <summary>The 256-bit transpose on each half: lanes 0..7 fill the first 32 floats, lanes 8..15 the next 32.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreInterleaved4(Vector512<float> b0, Vector512<float> b1, Vector512<float> b2, Vector512<float> b3, ref float dst, nuint index)
    {
        Vec256Ops.StoreInterleaved4(b0.GetLower(), b1.GetLower(), b2.GetLower(), b3.GetLower(), ref dst, index);
        Vec256Ops.StoreInterleaved4(b0.GetUpper(), b1.GetUpper(), b2.GetUpper(), b3.GetUpper(), ref dst, index + 32);
    }
}
