namespace MusicGenre.Features.Fft;

/// <summary>
/// Bluestein's chirp-z DFT for lengths with a prime factor above 7: with the chirp <c>w_k = exp(−iπk²/n)</c>,
/// <c>X_k = w_k · Σ_j (x_j·w_j)·conj(w_{k−j})</c>, a linear convolution computed as a cyclic one of smooth length
/// M ≥ 2n − 1 with two inner FFTs (the inverse as <c>conj(FFT(conj(·)))</c>).
/// </summary>
/// <remarks>Not thread-safe (scratch buffers).</remarks>
internal sealed class Bluestein
{
    private readonly int _n;
    private readonly ComplexFftPlan _inner;
    private readonly float[] _chirpRe, _chirpIm;   // w_k, k < n
    private readonly float[] _kernelRe, _kernelIm; // FFT_M(conj(w)) / M
    private readonly float[] _re, _im;             // scratch, M

    public Bluestein(int n, SimdWidth maxWidth)
    {
        _n = n;

        // 1. The smallest 2/3/5/7-smooth M ≥ 2n − 1 (so the inner plan is pure mixed radix).
        int m = 2 * n - 1;
        while (!ComplexFftPlan.IsSmooth(m))
            m++;
        _inner = new ComplexFftPlan(m, maxWidth);

        // 2. Chirp in double; k² is reduced mod 2n in integers first so the angle stays exact for large k.
        _chirpRe = new float[n];
        _chirpIm = new float[n];
        var bRe = new float[m];
        var bIm = new float[m];
        for (int k = 0; k < n; k++)
        {
            long e = (long)k * k % (2L * n);
            double angle = -Math.PI * e / n;
            double c = Math.Cos(angle), s = Math.Sin(angle);
            _chirpRe[k] = (float)c;
            _chirpIm[k] = (float)s;

            // 3. Kernel b_k = conj(w_k) at k and at M − k (negative lags), scaled by 1/M for the inverse.
            bRe[k] = (float)(c / m);
            bIm[k] = (float)(-s / m);
            if (k > 0)
            {
                bRe[m - k] = bRe[k];
                bIm[m - k] = bIm[k];
            }
        }

        _inner.Forward(bRe, bIm, bRe, bIm);
        _kernelRe = bRe;
        _kernelIm = bIm;
        _re = new float[m];
        _im = new float[m];
    }

    /// <summary>Forward DFT of n points; spans hold exactly n elements and may alias.</summary>
    public void Forward(ReadOnlySpan<float> inRe, ReadOnlySpan<float> inIm, Span<float> outRe, Span<float> outIm)
    {
        int n = _n, m = _re.Length;
        float[] re = _re, im = _im;

        // 1. a_j = x_j · w_j, zero-padded to M.
        for (int j = 0; j < n; j++)
        {
            float xr = inRe[j], xi = inIm[j], wr = _chirpRe[j], wi = _chirpIm[j];
            re[j] = xr * wr - xi * wi;
            im[j] = xr * wi + xi * wr;
        }

        Array.Clear(re, n, m - n);
        Array.Clear(im, n, m - n);

        // 2. A = FFT(a); A·B, conjugated for the inverse trick.
        _inner.Forward(re, im, re, im);
        for (int k = 0; k < m; k++)
        {
            float ar = re[k], ai = im[k], br = _kernelRe[k], bi = _kernelIm[k];
            re[k] = ar * br - ai * bi;
            im[k] = -(ar * bi + ai * br);
        }

        // 3. conv = conj(FFT(conj(A·B))) (1/M already in B); X_k = w_k · conv_k.
        _inner.Forward(re, im, re, im);
        for (int k = 0; k < n; k++)
        {
            float cr = re[k], ci = -im[k], wr = _chirpRe[k], wi = _chirpIm[k];
            outRe[k] = cr * wr - ci * wi;
            outIm[k] = cr * wi + ci * wr;
        }
    }
}
