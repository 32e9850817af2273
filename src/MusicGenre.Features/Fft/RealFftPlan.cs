using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace MusicGenre.Features.Fft;

/// <summary>
/// Forward DFT of a real signal of any length n ≥ 1, returning the n/2 + 1 non-negative-frequency bins (numpy's
/// <c>rfft</c>). Even n packs the signal as n/2 complex points <c>z_k = x_2k + i·x_2k+1</c>, runs one complex FFT of
/// n/2 and splits the result; odd n runs a complex FFT of n with a zero imaginary part.
/// </summary>
/// <remarks>Not thread-safe: the plan owns scratch buffers. Transforms allocate nothing.</remarks>
internal sealed class RealFftPlan
{
    private readonly ComplexFftPlan _complex;
    private readonly float[] _zRe, _zIm;   // packed input / complex spectrum
    private readonly float[] _twRe, _twIm; // exp(−2πik/n), k ≤ n/2 (even n only)
    private readonly SimdWidth _width;

    /// <summary>Plans a real transform of <paramref name="length"/> points.</summary>
    public RealFftPlan(int length, SimdWidth maxWidth = SimdWidth.V512)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(length, 1);
        Length = length;
        _width = SimdWidths.Clamp(maxWidth);
        IsPacked = length % 2 == 0;
        int inner = IsPacked ? length / 2 : length;
        _complex = new ComplexFftPlan(inner, maxWidth);
        _zRe = new float[inner];
        _zIm = new float[inner];
        _twRe = [];
        _twIm = [];
        if (IsPacked)
        {
            int h = length / 2;
            _twRe = new float[h + 1];
            _twIm = new float[h + 1];
            for (int k = 0; k <= h; k++)
            {
                double angle = -2.0 * Math.PI * k / length;
                _twRe[k] = (float)Math.Cos(angle);
                _twIm[k] = (float)Math.Sin(angle);
            }
        }
    }

    /// <summary>Signal length n.</summary>
    public int Length { get; }

    /// <summary>Number of output bins, n/2 + 1.</summary>
    public int BinCount => Length / 2 + 1;

    /// <summary>True for even n (half-length complex FFT plus split); false for odd n (full-length complex FFT).</summary>
    public bool IsPacked { get; }

    /// <summary>The complex plan underneath (length n/2 or n).</summary>
    internal ComplexFftPlan Complex => _complex;

    /// <summary>Computes bins 0..n/2 of the DFT of <paramref name="input"/> (n samples) into <paramref name="re"/> and <paramref name="im"/>.</summary>
    public void Forward(ReadOnlySpan<float> input, Span<float> re, Span<float> im)
    {
        Check(input, re, im);
        Transform(input);
        if (IsPacked)
        {
            Split(re, im);
        }
        else
        {
            _zRe.AsSpan(0, BinCount).CopyTo(re);
            _zIm.AsSpan(0, BinCount).CopyTo(im);
        }
    }

    /// <summary>Computes the power spectrum <c>|X_k|²</c>, k = 0..n/2, of <paramref name="input"/> into <paramref name="power"/>.</summary>
    public void ForwardPower(ReadOnlySpan<float> input, Span<float> power)
    {
        Check(input, power, power);
        Transform(input);
        if (IsPacked)
        {
            SplitPower(power);
        }
        else
        {
            for (int k = 0; k < BinCount; k++)
                power[k] = _zRe[k] * _zRe[k] + _zIm[k] * _zIm[k];
        }
    }

    private void Check(ReadOnlySpan<float> input, Span<float> a, Span<float> b)
    {
        if (input.Length != Length)
            throw new ArgumentException($"Real FFT plan of length {Length} got {input.Length} input samples.", nameof(input));
        if (a.Length < BinCount || b.Length < BinCount)
            throw new ArgumentException($"Real FFT of length {Length} needs {BinCount} output bins, destination has {Math.Min(a.Length, b.Length)}.");
    }

    /// <summary>Packs (even n) or copies (odd n) the input and runs the complex FFT in place on the scratch.</summary>
    private void Transform(ReadOnlySpan<float> input)
    {
        if (IsPacked)
            Deinterleave(input, _zRe, _zIm, _width);
        else
        {
            input.CopyTo(_zRe);
            Array.Clear(_zIm);
        }

        _complex.Forward(_zRe, _zIm, _zRe, _zIm);
    }

    /// <summary>
    /// re[k] = x[2k], im[k] = x[2k+1]. Vector path: two loads of W lanes hold W complex points interleaved; a
    /// shuffle across the pair picks the even lanes and the odd lanes. The tail (fewer than W points) is scalar.
    /// </summary>
    internal static void Deinterleave(ReadOnlySpan<float> x, Span<float> re, Span<float> im, SimdWidth width)
    {
        int h = x.Length / 2, k = 0;
        ref float src = ref MemoryMarshal.GetReference(x);
        ref float dr = ref MemoryMarshal.GetReference(re);
        ref float di = ref MemoryMarshal.GetReference(im);
        if (width >= SimdWidth.V512 && Avx512F.IsSupported)
        {
            Vector512<int> even = Vector512.Create(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
            Vector512<int> odd = even + Vector512<int>.One;
            for (; k + 16 <= h; k += 16)
            {
                Vector512<float> lo = Vector512.LoadUnsafe(ref src, (nuint)(2 * k));
                Vector512<float> hi = Vector512.LoadUnsafe(ref src, (nuint)(2 * k + 16));
                Avx512F.PermuteVar16x32x2(lo, even, hi).StoreUnsafe(ref dr, (nuint)k);
                Avx512F.PermuteVar16x32x2(lo, odd, hi).StoreUnsafe(ref di, (nuint)k);
            }
        }

        for (; k < h; k++)
        {
            Unsafe.Add(ref dr, k) = Unsafe.Add(ref src, 2 * k);
            Unsafe.Add(ref di, k) = Unsafe.Add(ref src, 2 * k + 1);
        }
    }

    /// <summary>
    /// Even n: with Z = FFT(z), h = n/2 and C = conj(Z[(h − k) mod h]), the real spectrum is
    /// <c>X_k = (Z_k + C)/2 − (i/2)·w^k·(Z_k − C)</c>, w = exp(−2πi/n).
    /// </summary>
    private void Split(Span<float> re, Span<float> im)
    {
        int h = Length / 2;
        for (int k = 0; k <= h; k++)
        {
            Bin(k, h, out float xr, out float xi);
            re[k] = xr;
            im[k] = xi;
        }
    }

    private void SplitPower(Span<float> power)
    {
        int h = Length / 2;
        for (int k = 0; k <= h; k++)
        {
            Bin(k, h, out float xr, out float xi);
            power[k] = xr * xr + xi * xi;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Bin(int k, int h, out float xr, out float xi)
    {
        int k0 = k == h ? 0 : k, kc = k == 0 ? 0 : h - k;
        float zr = _zRe[k0], zi = _zIm[k0], cr = _zRe[kc], ci = -_zIm[kc];
        float er = 0.5f * (zr + cr), ei = 0.5f * (zi + ci);

        // O = −(i/2)·(Z − C) = ((Zi − Ci)/2, −(Zr − Cr)/2); X = E + w^k·O.
        float or = 0.5f * (zi - ci), oi = -0.5f * (zr - cr);
        float wr = _twRe[k], wi = _twIm[k];
        xr = er + (or * wr - oi * wi);
        xi = ei + (or * wi + oi * wr);
    }
}
