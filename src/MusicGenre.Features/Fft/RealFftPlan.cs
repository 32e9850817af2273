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
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // optimised from the first call (see ISimdOps)
    public void Forward(ReadOnlySpan<float> input, Span<float> re, Span<float> im)
    {
        Check(input, re, im);
        Transform(input);
        if (IsPacked)
        {
            Split(re, im, power: false);
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
            Split(power, power, power: true);
        }
        else
        {
            for (int k = 0; k < BinCount; k++)
                power[k] = _zRe[k] * _zRe[k] + _zIm[k] * _zIm[k];
        }
    }

    /// <summary>
    /// <see cref="ForwardPower(ReadOnlySpan{float}, Span{float})"/> of <c>input[j]·window[j]</c>, with the window
    /// multiply fused into the packing pass (used by the STFT: one pass over the frame instead of two).
    /// </summary>
    public void ForwardPower(ReadOnlySpan<float> input, ReadOnlySpan<float> window, Span<float> power)
    {
        Check(input, power, power);
        if (window.Length != Length)
            throw new ArgumentException($"Real FFT plan of length {Length} got a window of {window.Length} samples.", nameof(window));
        if (IsPacked)
        {
            Deinterleave(input, window, _zRe, _zIm, _width);
            _complex.Forward(_zRe, _zIm, _zRe, _zIm);
            Split(power, power, power: true);
        }
        else
        {
            VectorMath.Multiply(input, window, _zRe, _width);
            Array.Clear(_zIm);
            _complex.Forward(_zRe, _zIm, _zRe, _zIm);
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
    /// re[k] = x[2k], im[k] = x[2k+1]. Vector paths: two loads of W lanes hold W complex points interleaved.
    /// AVX-512 picks the even and the odd lanes of the pair with one two-source permute each; AVX shuffles each
    /// 128-bit half to [a0 a2 b0 b2 | a4 a6 b4 b6] and a cross-half permute (Permute4x64, order 0 2 1 3) restores
    /// [a0 a2 a4 a6 b0 b2 b4 b6]. The tail (fewer than W points) is scalar, as is <see cref="SimdWidth.Scalar"/>.
    /// </summary>
    internal static void Deinterleave(ReadOnlySpan<float> x, Span<float> re, Span<float> im, SimdWidth width) =>
        Deinterleave(x, default, re, im, width);

    /// <summary>As above with each sample first multiplied by <paramref name="window"/> (empty: no window).</summary>
    internal static void Deinterleave(ReadOnlySpan<float> x, ReadOnlySpan<float> window, Span<float> re, Span<float> im, SimdWidth width)
    {
        if (!window.IsEmpty)
        {
            DeinterleaveWindowed(x, window, re, im, width);
            return;
        }

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

        if (width >= SimdWidth.V256 && Avx2.IsSupported)
        {
            for (; k + 8 <= h; k += 8)
            {
                Vector256<float> lo = Vector256.LoadUnsafe(ref src, (nuint)(2 * k));
                Vector256<float> hi = Vector256.LoadUnsafe(ref src, (nuint)(2 * k + 8));
                Vector256<double> ev = Avx.Shuffle(lo, hi, 0b10_00_10_00).AsDouble();
                Vector256<double> od = Avx.Shuffle(lo, hi, 0b11_01_11_01).AsDouble();
                Avx2.Permute4x64(ev, 0b11_01_10_00).AsSingle().StoreUnsafe(ref dr, (nuint)k);
                Avx2.Permute4x64(od, 0b11_01_10_00).AsSingle().StoreUnsafe(ref di, (nuint)k);
            }
        }

        for (; k < h; k++)
        {
            Unsafe.Add(ref dr, k) = Unsafe.Add(ref src, 2 * k);
            Unsafe.Add(ref di, k) = Unsafe.Add(ref src, 2 * k + 1);
        }
    }

    /// <summary>re[k] = x[2k]·w[2k], im[k] = x[2k+1]·w[2k+1]: the products are formed in registers, then split as in <see cref="Deinterleave(ReadOnlySpan{float}, Span{float}, Span{float}, SimdWidth)"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // optimised from the first call (see ISimdOps)
    private static void DeinterleaveWindowed(ReadOnlySpan<float> x, ReadOnlySpan<float> window, Span<float> re, Span<float> im, SimdWidth width)
    {
        int h = x.Length / 2, k = 0;
        ref float src = ref MemoryMarshal.GetReference(x);
        ref float win = ref MemoryMarshal.GetReference(window);
        ref float dr = ref MemoryMarshal.GetReference(re);
        ref float di = ref MemoryMarshal.GetReference(im);
        if (width >= SimdWidth.V512 && Avx512F.IsSupported)
        {
            Vector512<int> even = Vector512.Create(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
            Vector512<int> odd = even + Vector512<int>.One;
            for (; k + 16 <= h; k += 16)
            {
                nuint i = (nuint)(2 * k);
                Vector512<float> lo = Vector512.LoadUnsafe(ref src, i) * Vector512.LoadUnsafe(ref win, i);
                Vector512<float> hi = Vector512.LoadUnsafe(ref src, i + 16) * Vector512.LoadUnsafe(ref win, i + 16);
                Avx512F.PermuteVar16x32x2(lo, even, hi).StoreUnsafe(ref dr, (nuint)k);
                Avx512F.PermuteVar16x32x2(lo, odd, hi).StoreUnsafe(ref di, (nuint)k);
            }
        }

        if (width >= SimdWidth.V256 && Avx2.IsSupported)
        {
            for (; k + 8 <= h; k += 8)
            {
                nuint i = (nuint)(2 * k);
                Vector256<float> lo = Vector256.LoadUnsafe(ref src, i) * Vector256.LoadUnsafe(ref win, i);
                Vector256<float> hi = Vector256.LoadUnsafe(ref src, i + 8) * Vector256.LoadUnsafe(ref win, i + 8);
                Vector256<double> ev = Avx.Shuffle(lo, hi, 0b10_00_10_00).AsDouble();
                Vector256<double> od = Avx.Shuffle(lo, hi, 0b11_01_11_01).AsDouble();
                Avx2.Permute4x64(ev, 0b11_01_10_00).AsSingle().StoreUnsafe(ref dr, (nuint)k);
                Avx2.Permute4x64(od, 0b11_01_10_00).AsSingle().StoreUnsafe(ref di, (nuint)k);
            }
        }

        for (; k < h; k++)
        {
            Unsafe.Add(ref dr, k) = Unsafe.Add(ref src, 2 * k) * Unsafe.Add(ref win, 2 * k);
            Unsafe.Add(ref di, k) = Unsafe.Add(ref src, 2 * k + 1) * Unsafe.Add(ref win, 2 * k + 1);
        }
    }

    /// <summary>
    /// Even n: with Z = FFT(z), h = n/2, C_k = conj(Z[(h − k) mod h]) the real spectrum is
    /// <c>X_k = E + w^k·O</c>, <c>E = (Z_k + C_k)/2</c>, <c>O = −(i/2)(Z_k − C_k)</c>, w = exp(−2πi/n).
    /// Bins 0 and h (both read Z_0) are scalar; bins 1..h−1 run on the widest vector path, whose lanes hold
    /// consecutive k while the mirrored operand Z[h − k] is loaded from h − k − W + 1 and lane-reversed; the tail
    /// (fewer than W bins) runs on the scalar twin with the identical formula.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // optimised from the first call (see ISimdOps)
    private void Split(Span<float> re, Span<float> im, bool power)
    {
        int h = Length / 2;
        ref float zr = ref MemoryMarshal.GetArrayDataReference(_zRe);
        ref float zi = ref MemoryMarshal.GetArrayDataReference(_zIm);
        ref float wr = ref MemoryMarshal.GetArrayDataReference(_twRe);
        ref float wi = ref MemoryMarshal.GetArrayDataReference(_twIm);
        ref float dr = ref MemoryMarshal.GetReference(re);
        ref float di = ref MemoryMarshal.GetReference(im);

        // DC and Nyquist: X_0 = Re Z_0 + Im Z_0, X_h = Re Z_0 − Im Z_0, both real.
        float z0r = _zRe[0], z0i = _zIm[0];
        Emit(z0r + z0i, 0f, ref dr, ref di, 0, power);
        Emit(z0r - z0i, 0f, ref dr, ref di, (nuint)h, power);

        int k = 1, w = (int)_width;
        if (w >= 16)
            k = SplitRange<Vec512Ops, Vector512<float>>(ref zr, ref zi, ref wr, ref wi, ref dr, ref di, h, k, power);
        if (w >= 8)
            k = SplitRange<Vec256Ops, Vector256<float>>(ref zr, ref zi, ref wr, ref wi, ref dr, ref di, h, k, power);
        if (w >= 4)
            k = SplitRange<Vec128Ops, Vector128<float>>(ref zr, ref zi, ref wr, ref wi, ref dr, ref di, h, k, power);
        SplitRange<ScalarOps, float>(ref zr, ref zi, ref wr, ref wi, ref dr, ref di, h, k, power);
    }

    /// <summary>Bins k .. while a full register fits below h; returns the first bin not done.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // optimised from the first call (see ISimdOps)
    private static int SplitRange<TOps, TV>(ref float zr, ref float zi, ref float twr, ref float twi, ref float dr, ref float di, int h, int k, bool power)
        where TOps : struct, ISimdOps<TV> where TV : struct
    {
        int w = TOps.Count;
        TV half = TOps.Broadcast(0.5f);
        for (; k + w <= h; k += w)
        {
            nuint i = (nuint)k, mirror = (nuint)(h - k - w + 1);
            TV ar = TOps.Load(ref zr, i), ai = TOps.Load(ref zi, i);
            TV br = TOps.Reverse(TOps.Load(ref zr, mirror)), bi = TOps.Reverse(TOps.Load(ref zi, mirror));

            // C = (br, −bi): E = ((ar + br)/2, (ai − bi)/2), O = ((ai + bi)/2, (br − ar)/2).
            TV er = TOps.Mul(half, TOps.Add(ar, br)), ei = TOps.Mul(half, TOps.Sub(ai, bi));
            TV or = TOps.Mul(half, TOps.Add(ai, bi)), oi = TOps.Mul(half, TOps.Sub(br, ar));
            TV wr = TOps.Load(ref twr, i), wi = TOps.Load(ref twi, i);
            TV xr = TOps.Add(er, TOps.Sub(TOps.Mul(or, wr), TOps.Mul(oi, wi)));
            TV xi = TOps.Add(ei, TOps.Add(TOps.Mul(or, wi), TOps.Mul(oi, wr)));
            if (power)
            {
                TOps.Store(TOps.Add(TOps.Mul(xr, xr), TOps.Mul(xi, xi)), ref dr, i);
            }
            else
            {
                TOps.Store(xr, ref dr, i);
                TOps.Store(xi, ref di, i);
            }
        }

        return k;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Emit(float xr, float xi, ref float dr, ref float di, nuint k, bool power)
    {
        if (power)
        {
            Unsafe.Add(ref dr, k) = xr * xr + xi * xi;
        }
        else
        {
            Unsafe.Add(ref dr, k) = xr;
            Unsafe.Add(ref di, k) = xi;
        }
    }
}
