using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace MusicGenre.Features;

/// <summary>
/// The small fused loops of the feature path. Each has a vector path (Vector512 → 256 → 128, chosen by hardware)
/// and a scalar twin (<c>…Scalar</c>) that the tests compare against. Lanes always hold consecutive elements;
/// tails shorter than the vector run on the scalar code.
/// </summary>
internal static class VectorMath
{
    /// <summary>dst[i] = a[i]·b[i].</summary>
    public static void Multiply(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> dst)
    {
        int n = dst.Length, i = 0;
        ref float ra = ref MemoryMarshal.GetReference(a);
        ref float rb = ref MemoryMarshal.GetReference(b);
        ref float rd = ref MemoryMarshal.GetReference(dst);
        if (a.Length < n || b.Length < n)
            throw new ArgumentException("Multiply: inputs shorter than destination.");
        if (Vector512.IsHardwareAccelerated)
        {
            for (; i + 16 <= n; i += 16)
                (Vector512.LoadUnsafe(ref ra, (nuint)i) * Vector512.LoadUnsafe(ref rb, (nuint)i)).StoreUnsafe(ref rd, (nuint)i);
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            for (; i + 8 <= n; i += 8)
                (Vector256.LoadUnsafe(ref ra, (nuint)i) * Vector256.LoadUnsafe(ref rb, (nuint)i)).StoreUnsafe(ref rd, (nuint)i);
        }
        else if (Vector128.IsHardwareAccelerated)
        {
            for (; i + 4 <= n; i += 4)
                (Vector128.LoadUnsafe(ref ra, (nuint)i) * Vector128.LoadUnsafe(ref rb, (nuint)i)).StoreUnsafe(ref rd, (nuint)i);
        }

        MultiplyScalar(a[i..n], b[i..n], dst[i..n]);
    }

    /// <summary>Scalar twin of <see cref="Multiply"/>.</summary>
    public static void MultiplyScalar(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> dst)
    {
        for (int i = 0; i < dst.Length; i++)
            dst[i] = a[i] * b[i];
    }

    /// <summary>Σ a[i]·b[i] over the length of <paramref name="a"/>; lanes accumulate partial sums, reduced at the end.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        int n = a.Length, i = 0;
        if (b.Length < n)
            throw new ArgumentException("Dot: second input shorter than first.");
        ref float ra = ref MemoryMarshal.GetReference(a);
        ref float rb = ref MemoryMarshal.GetReference(b);
        float sum = 0;
        if (Vector512.IsHardwareAccelerated && n >= 16)
        {
            Vector512<float> acc = Vector512<float>.Zero;
            for (; i + 16 <= n; i += 16)
                acc += Vector512.LoadUnsafe(ref ra, (nuint)i) * Vector512.LoadUnsafe(ref rb, (nuint)i);
            sum = Vector512.Sum(acc);
        }
        else if (Vector256.IsHardwareAccelerated && n >= 8)
        {
            Vector256<float> acc = Vector256<float>.Zero;
            for (; i + 8 <= n; i += 8)
                acc += Vector256.LoadUnsafe(ref ra, (nuint)i) * Vector256.LoadUnsafe(ref rb, (nuint)i);
            sum = Vector256.Sum(acc);
        }
        else if (Vector128.IsHardwareAccelerated && n >= 4)
        {
            Vector128<float> acc = Vector128<float>.Zero;
            for (; i + 4 <= n; i += 4)
                acc += Vector128.LoadUnsafe(ref ra, (nuint)i) * Vector128.LoadUnsafe(ref rb, (nuint)i);
            sum = Vector128.Sum(acc);
        }

        for (; i < n; i++)
            sum += Unsafe.Add(ref ra, i) * Unsafe.Add(ref rb, i);
        return sum;
    }

    /// <summary>Scalar twin of <see cref="Dot"/>.</summary>
    public static float DotScalar(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        float sum = 0;
        for (int i = 0; i < a.Length; i++)
            sum += a[i] * b[i];
        return sum;
    }

    /// <summary>dst[i] += s·x[i] (the MFCC DCT accumulates rows this way).</summary>
    public static void AddScaled(ReadOnlySpan<float> x, float s, Span<float> dst)
    {
        int n = dst.Length, i = 0;
        if (x.Length < n)
            throw new ArgumentException("AddScaled: input shorter than destination.");
        ref float rx = ref MemoryMarshal.GetReference(x);
        ref float rd = ref MemoryMarshal.GetReference(dst);
        if (Vector512.IsHardwareAccelerated)
        {
            var vs = Vector512.Create(s);
            for (; i + 16 <= n; i += 16)
                (Vector512.LoadUnsafe(ref rd, (nuint)i) + vs * Vector512.LoadUnsafe(ref rx, (nuint)i)).StoreUnsafe(ref rd, (nuint)i);
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            var vs = Vector256.Create(s);
            for (; i + 8 <= n; i += 8)
                (Vector256.LoadUnsafe(ref rd, (nuint)i) + vs * Vector256.LoadUnsafe(ref rx, (nuint)i)).StoreUnsafe(ref rd, (nuint)i);
        }
        else if (Vector128.IsHardwareAccelerated)
        {
            var vs = Vector128.Create(s);
            for (; i + 4 <= n; i += 4)
                (Vector128.LoadUnsafe(ref rd, (nuint)i) + vs * Vector128.LoadUnsafe(ref rx, (nuint)i)).StoreUnsafe(ref rd, (nuint)i);
        }

        AddScaledScalar(x[i..n], s, dst[i..n]);
    }

    /// <summary>Scalar twin of <see cref="AddScaled"/>.</summary>
    public static void AddScaledScalar(ReadOnlySpan<float> x, float s, Span<float> dst)
    {
        for (int i = 0; i < dst.Length; i++)
            dst[i] += s * x[i];
    }

    /// <summary>
    /// In place: x[i] = 10·log10(max(x[i], amin)) − offset, returning the maximum result. The log runs as
    /// VectorNNN.Log2 scaled by 10·log10(2) (≈1 ulp accurate, so ≪ 1e-5 dB).
    /// </summary>
    public static float ToDecibels(Span<float> x, float amin, float offset)
    {
        const float TenLog10Of2 = 3.0102999566398120f;
        int n = x.Length, i = 0;
        ref float r = ref MemoryMarshal.GetReference(x);
        float max = float.NegativeInfinity;
        if (Vector512.IsHardwareAccelerated && n >= 16)
        {
            Vector512<float> vmin = Vector512.Create(amin), scale = Vector512.Create(TenLog10Of2), off = Vector512.Create(offset);
            Vector512<float> vmax = Vector512.Create(float.NegativeInfinity);
            for (; i + 16 <= n; i += 16)
            {
                Vector512<float> v = Vector512.Log2(Vector512.Max(Vector512.LoadUnsafe(ref r, (nuint)i), vmin)) * scale - off;
                vmax = Vector512.Max(vmax, v);
                v.StoreUnsafe(ref r, (nuint)i);
            }

            max = Max(Vector256.Max(vmax.GetLower(), vmax.GetUpper()));
        }
        else if (Vector256.IsHardwareAccelerated && n >= 8)
        {
            Vector256<float> vmin = Vector256.Create(amin), scale = Vector256.Create(TenLog10Of2), off = Vector256.Create(offset);
            Vector256<float> vmax = Vector256.Create(float.NegativeInfinity);
            for (; i + 8 <= n; i += 8)
            {
                Vector256<float> v = Vector256.Log2(Vector256.Max(Vector256.LoadUnsafe(ref r, (nuint)i), vmin)) * scale - off;
                vmax = Vector256.Max(vmax, v);
                v.StoreUnsafe(ref r, (nuint)i);
            }

            max = Max(vmax);
        }

        for (; i < n; i++)
        {
            float v = MathF.Log2(MathF.Max(Unsafe.Add(ref r, i), amin)) * TenLog10Of2 - offset;
            Unsafe.Add(ref r, i) = v;
            max = MathF.Max(max, v);
        }

        return max;
    }

    /// <summary>Scalar twin of <see cref="ToDecibels"/> (MathF.Log10).</summary>
    public static float ToDecibelsScalar(Span<float> x, float amin, float offset)
    {
        float max = float.NegativeInfinity;
        for (int i = 0; i < x.Length; i++)
        {
            x[i] = 10f * MathF.Log10(MathF.Max(x[i], amin)) - offset;
            max = MathF.Max(max, x[i]);
        }

        return max;
    }

    /// <summary>x[i] = max(x[i], floor).</summary>
    public static void ClampBelow(Span<float> x, float floor)
    {
        int n = x.Length, i = 0;
        ref float r = ref MemoryMarshal.GetReference(x);
        if (Vector512.IsHardwareAccelerated)
        {
            var f = Vector512.Create(floor);
            for (; i + 16 <= n; i += 16)
                Vector512.Max(Vector512.LoadUnsafe(ref r, (nuint)i), f).StoreUnsafe(ref r, (nuint)i);
        }

        for (; i < n; i++)
            Unsafe.Add(ref r, i) = MathF.Max(Unsafe.Add(ref r, i), floor);
    }

    /// <summary>Largest element (NaN-free input assumed); −∞ for an empty span.</summary>
    public static float Max(ReadOnlySpan<float> x)
    {
        float m = float.NegativeInfinity;
        foreach (float v in x)
            m = MathF.Max(m, v);
        return m;
    }

    private static float Max(Vector256<float> v)
    {
        float m = float.NegativeInfinity;
        for (int i = 0; i < Vector256<float>.Count; i++)
            m = MathF.Max(m, v[i]);
        return m;
    }
}
