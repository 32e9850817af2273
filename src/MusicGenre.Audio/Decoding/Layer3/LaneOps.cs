using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace MusicGenre.Audio.Decoding.Layer3;

/// <summary>
/// Lane-wise float arithmetic for one vector width. The layer III filterbanks work on 32 lanes at a time (one per
/// subband, or one per output sample) and are written once against this interface; the JIT specialises each struct
/// instantiation (<see cref="Lanes512"/>, <see cref="Lanes256"/>, <see cref="Lanes128"/> and the scalar twin
/// <see cref="LanesScalar"/>), so the calls inline to single instructions.
/// </summary>
internal interface ILaneOps<TV> where TV : struct
{
    /// <summary>Float lanes per register.</summary>
    static abstract int Count { get; }

    static abstract TV Load(ref float src, nuint index);

    static abstract void Store(TV value, ref float dst, nuint index);

    static abstract TV Broadcast(float x);

    static abstract TV Add(TV a, TV b);

    static abstract TV Mul(TV a, TV b);

    /// <summary>a·b + c (fused where the hardware has it).</summary>
    static abstract TV MulAdd(TV a, TV b, TV c);
}

/// <summary>Which <see cref="ILaneOps{TV}"/> width a filterbank runs at.</summary>
internal enum LaneWidth
{
    /// <summary>One float at a time: the scalar twin.</summary>
    Scalar = 1,

    /// <summary>Vector128: 4 lanes.</summary>
    V128 = 4,

    /// <summary>Vector256: 8 lanes.</summary>
    V256 = 8,

    /// <summary>Vector512: 16 lanes.</summary>
    V512 = 16,
}

/// <summary>Hardware detection for <see cref="LaneWidth"/>.</summary>
internal static class LaneWidths
{
    /// <summary>The widest width this process accelerates (respects <c>DOTNET_EnableAVX512=0</c> and friends).</summary>
    public static LaneWidth Best { get; } =
        Vector512.IsHardwareAccelerated ? LaneWidth.V512
        : Vector256.IsHardwareAccelerated ? LaneWidth.V256
        : Vector128.IsHardwareAccelerated ? LaneWidth.V128
        : LaneWidth.Scalar;

    /// <summary>The narrower of <paramref name="requested"/> and <see cref="Best"/>.</summary>
    public static LaneWidth Clamp(LaneWidth requested) => (LaneWidth)Math.Min((int)requested, (int)Best);
}

internal readonly struct LanesScalar : ILaneOps<float>
{
    public static int Count => 1;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Load(ref float src, nuint index) => Unsafe.Add(ref src, index);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(float value, ref float dst, nuint index) => Unsafe.Add(ref dst, index) = value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Broadcast(float x) => x;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Add(float a, float b) => a + b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Mul(float a, float b) => a * b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float MulAdd(float a, float b, float c) => a * b + c;
}

internal readonly struct Lanes128 : ILaneOps<Vector128<float>>
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
    public static Vector128<float> Mul(Vector128<float> a, Vector128<float> b) => a * b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> MulAdd(Vector128<float> a, Vector128<float> b, Vector128<float> c) => Vector128.MultiplyAddEstimate(a, b, c);
}

internal readonly struct Lanes256 : ILaneOps<Vector256<float>>
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
    public static Vector256<float> Mul(Vector256<float> a, Vector256<float> b) => a * b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> MulAdd(Vector256<float> a, Vector256<float> b, Vector256<float> c) => Vector256.MultiplyAddEstimate(a, b, c);
}

internal readonly struct Lanes512 : ILaneOps<Vector512<float>>
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
    public static Vector512<float> Mul(Vector512<float> a, Vector512<float> b) => a * b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> MulAdd(Vector512<float> a, Vector512<float> b, Vector512<float> c) => Vector512.MultiplyAddEstimate(a, b, c);
}
