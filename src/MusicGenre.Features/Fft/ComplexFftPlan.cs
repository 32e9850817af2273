using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace MusicGenre.Features.Fft;

/// <summary>
/// A forward complex DFT of one fixed length n, <c>X[k] = Σ x[j]·exp(−2πi·jk/n)</c>, on split (separate real and
/// imaginary) float arrays. Lengths whose factors are all 2, 3, 5 or 7 run as Stockham mixed-radix passes (radix 4
/// preferred over 2·2); any other length uses Bluestein's chirp-z algorithm on a 2/3/5/7-smooth inner plan.
/// Twiddles are computed once in double precision. Transforms allocate nothing.
/// </summary>
/// <remarks>Not thread-safe: a plan owns scratch buffers. Use one plan per thread.</remarks>
internal sealed partial class ComplexFftPlan
{
    private readonly FftStage[] _stages;
    private readonly float[] _aRe, _aIm, _bRe, _bIm;
    private readonly Bluestein? _bluestein;
    private readonly SimdWidth _width;

    /// <summary>Plans a transform of <paramref name="length"/> points.</summary>
    /// <param name="length">Transform length, ≥ 1.</param>
    /// <param name="maxWidth">Widest vector path to use (clamped to the hardware); <see cref="SimdWidth.Scalar"/> for the scalar twin.</param>
    public ComplexFftPlan(int length, SimdWidth maxWidth = SimdWidth.V512)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(length, 1);
        Length = length;
        _width = SimdWidths.Clamp(maxWidth);

        // 1. Factor n into radices 4, 2, 3, 5, 7; a leftover factor means Bluestein.
        List<int> radices = Factor(length, out int rest);
        if (rest != 1)
        {
            _stages = [];
            _aRe = _aIm = _bRe = _bIm = [];
            _bluestein = new Bluestein(length, maxWidth);
            return;
        }

        // 2. Largest radix first: the stride S grows fastest, so the later passes get full-width vectors sooner.
        radices.Sort((a, b) => b.CompareTo(a));
        _stages = new FftStage[radices.Count];
        int stride = 1, sub = length;
        for (int i = 0; i < radices.Count; i++)
        {
            _stages[i] = new FftStage(radices[i], sub, stride);
            stride *= radices[i];
            sub /= radices[i];
        }

        // 3. Two ping-pong buffers for the intermediate passes.
        _aRe = new float[length];
        _aIm = new float[length];
        _bRe = new float[length];
        _bIm = new float[length];
    }

    /// <summary>Transform length n.</summary>
    public int Length { get; }

    /// <summary>True when the length has a prime factor above 7 and the plan runs Bluestein's algorithm.</summary>
    public bool IsBluestein => _bluestein is not null;

    /// <summary>The vector width actually used.</summary>
    public SimdWidth Width => _width;

    /// <summary>True when <paramref name="n"/> factors completely into 2, 3, 5 and 7.</summary>
    public static bool IsSmooth(int n)
    {
        Factor(n, out int rest);
        return rest == 1;
    }

    /// <summary>
    /// Computes the DFT of (<paramref name="inRe"/>, <paramref name="inIm"/>) into (<paramref name="outRe"/>,
    /// <paramref name="outIm"/>). All spans hold at least n elements; output may alias input (in-place).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // optimised from the first call (see ISimdOps)
    public void Forward(ReadOnlySpan<float> inRe, ReadOnlySpan<float> inIm, Span<float> outRe, Span<float> outIm)
    {
        int n = Length;
        if (inRe.Length < n || inIm.Length < n || outRe.Length < n || outIm.Length < n)
            throw new ArgumentException($"FFT of length {n} needs spans of at least {n} elements (got in {inRe.Length}/{inIm.Length}, out {outRe.Length}/{outIm.Length}).");

        if (_bluestein is not null)
        {
            _bluestein.Forward(inRe[..n], inIm[..n], outRe[..n], outIm[..n]);
            return;
        }

        if (_stages.Length == 0)
        {
            // n == 1: the DFT is the identity.
            outRe[0] = inRe[0];
            outIm[0] = inIm[0];
            return;
        }

        // Pass i reads src and writes dst: the first reads the input, the last writes the output, the ones between
        // alternate between the two scratch pairs. Only the first pass touches the input and only the last pass
        // writes the output, so in-place use is safe (a single pass loads all its inputs before it stores).
        ReadOnlySpan<float> srcRe = inRe, srcIm = inIm;
        for (int i = 0; i < _stages.Length; i++)
        {
            bool last = i == _stages.Length - 1;
            Span<float> dstRe = last ? outRe : (i % 2 == 0 ? _aRe : _bRe);
            Span<float> dstIm = last ? outIm : (i % 2 == 0 ? _aIm : _bIm);
            RunStage(_stages[i], srcRe, srcIm, dstRe, dstIm);
            srcRe = dstRe;
            srcIm = dstIm;
        }
    }

    /// <summary>Splits n into radices (4 first, then 2, 3, 5, 7); <paramref name="rest"/> is what is left over.</summary>
    private static List<int> Factor(int n, out int rest)
    {
        var radices = new List<int>();
        foreach (int r in (ReadOnlySpan<int>)[4, 2, 3, 5, 7])
        {
            while (n % r == 0)
            {
                radices.Add(r);
                n /= r;
            }
        }

        rest = n;
        Debug.Assert(rest >= 1);
        return radices;
    }
}
