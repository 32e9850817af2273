using System.Runtime.CompilerServices;

namespace MusicGenre.Simd;

/// <summary>The scalar twin of the vector <see cref="ISimdOps{TV}"/> structs: one float per "register".</summary>
internal readonly struct ScalarOps : ISimdOps<float>
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
    public static float Sub(float a, float b) => a - b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Mul(float a, float b) => a * b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float MulAdd(float a, float b, float c) => a * b + c;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Max(float a, float b) => MathF.Max(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float MaxAcross(float v) => v;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Abs(float v) => MathF.Abs(v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool AllLessOrEqual(float a, float b) => a <= b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Reverse(float v) => v;

    public static void StoreBlocks4(float b0, float b1, float b2, float b3, ref float dst, nuint index) =>
        throw new NotSupportedException("A scalar lane is not a 128-bit block.");

    // Masks are floats whose bits are all ones (a NaN) or all zeros, as one lane of a vector mask.
    private static readonly float AllOnes = BitConverter.Int32BitsToSingle(-1);

    private static float Mask(bool condition) => condition ? AllOnes : 0f;

    private static int Bits(float v) => BitConverter.SingleToInt32Bits(v);

    private static float FromBits(int bits) => BitConverter.Int32BitsToSingle(bits);

    public static float GreaterThan(float a, float b) => Mask(a > b);

    public static float Equal(float a, float b) => Mask(a == b);

    public static float IsNaN(float v) => Mask(float.IsNaN(v));

    public static float Select(float mask, float a, float b) => FromBits((Bits(mask) & Bits(a)) | (~Bits(mask) & Bits(b)));

    public static float And(float a, float b) => FromBits(Bits(a) & Bits(b));

    public static float Or(float a, float b) => FromBits(Bits(a) | Bits(b));

    public static float AndNot(float a, float b) => FromBits(Bits(a) & ~Bits(b));

    public static float Not(float v) => FromBits(~Bits(v));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void LoadDeinterleaved2(ref float src, nuint index, out float even, out float odd)
    {
        even = Unsafe.Add(ref src, index);
        odd = Unsafe.Add(ref src, index + 1);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreInterleaved2(float even, float odd, ref float dst, nuint index)
    {
        Unsafe.Add(ref dst, index) = even;
        Unsafe.Add(ref dst, index + 1) = odd;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreInterleaved4(float b0, float b1, float b2, float b3, ref float dst, nuint index)
    {
        Unsafe.Add(ref dst, index) = b0;
        Unsafe.Add(ref dst, index + 1) = b1;
        Unsafe.Add(ref dst, index + 2) = b2;
        Unsafe.Add(ref dst, index + 3) = b3;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void LoadDeinterleaved4(ref float src, nuint index, out float b0, out float b1, out float b2, out float b3)
    {
        b0 = Unsafe.Add(ref src, index);
        b1 = Unsafe.Add(ref src, index + 1);
        b2 = Unsafe.Add(ref src, index + 2);
        b3 = Unsafe.Add(ref src, index + 3);
    }
}
