namespace MusicGenre.Features.Fft;

/// <summary>
/// One Stockham pass of a mixed-radix plan. The pass sees the signal as <c>S</c> interleaved sub-transforms of
/// length <c>L = Radix·M</c>; butterfly (p, q) reads <c>x[q + S·(p + j·M)]</c> for j &lt; Radix and writes
/// <c>y[q + S·(Radix·p + k)] = w^(k·p) · DFT_Radix(a)[k]</c> with <c>w = exp(−2πi/L)</c>.
/// </summary>
internal sealed class FftStage
{
    public FftStage(int radix, int length, int stride)
    {
        Radix = radix;
        Length = length;
        M = length / radix;
        Stride = stride;

        // Twiddles w^(k·p), k = 1..Radix−1, stored [p, k−1]; computed in double from the exactly reduced integer
        // angle (k·p mod L) so every stored float is the correctly rounded value.
        TwRe = new float[M * (radix - 1)];
        TwIm = new float[M * (radix - 1)];
        TwReByK = new float[M * (radix - 1)];
        TwImByK = new float[M * (radix - 1)];
        for (int p = 0; p < M; p++)
        {
            for (int k = 1; k < radix; k++)
            {
                long e = (long)k * p % length;
                double angle = -2.0 * Math.PI * e / length;
                TwRe[p * (radix - 1) + k - 1] = (float)Math.Cos(angle);
                TwIm[p * (radix - 1) + k - 1] = (float)Math.Sin(angle);
                TwReByK[(k - 1) * M + p] = TwRe[p * (radix - 1) + k - 1];
                TwImByK[(k - 1) * M + p] = TwIm[p * (radix - 1) + k - 1];
            }
        }

        // The radix-4 pass with stride 4 runs lanes over (p, q): each p's twiddle repeated for its 4 lanes q.
        if (radix == 4 && stride == 4)
        {
            TwRe4ByK = new float[4 * TwReByK.Length];
            TwIm4ByK = new float[4 * TwImByK.Length];
            for (int i = 0; i < TwReByK.Length; i++)
            {
                TwRe4ByK.AsSpan(4 * i, 4).Fill(TwReByK[i]);
                TwIm4ByK.AsSpan(4 * i, 4).Fill(TwImByK[i]);
            }
        }
    }

    /// <summary>Butterfly size: 2, 3, 4, 5 or 7.</summary>
    public int Radix { get; }

    /// <summary>Length L of each sub-transform at this pass.</summary>
    public int Length { get; }

    /// <summary>L / Radix: butterflies per sub-transform.</summary>
    public int M { get; }

    /// <summary>Distance S between consecutive elements of one sub-transform (product of earlier radices).</summary>
    public int Stride { get; }

    /// <summary>Real parts of the twiddles, [p, k−1].</summary>
    public float[] TwRe { get; }

    /// <summary>Imaginary parts of the twiddles, [p, k−1].</summary>
    public float[] TwIm { get; }

    /// <summary>The same twiddles laid out [k − 1, p], so consecutive p load as one vector (first pass).</summary>
    public float[] TwReByK { get; }

    /// <summary>Imaginary parts laid out [k − 1, p].</summary>
    public float[] TwImByK { get; }

    /// <summary>Radix 4 with stride 4 only: <see cref="TwReByK"/> with every element repeated 4 times, [k − 1, p, q].</summary>
    public float[]? TwRe4ByK { get; }

    /// <summary>Radix 4 with stride 4 only: <see cref="TwImByK"/> repeated the same way.</summary>
    public float[]? TwIm4ByK { get; }
}
