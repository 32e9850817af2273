namespace MusicGenre.Features.Tests.Reference;

/// <summary>The O(n²) double-precision DFT oracle: X[k] = Σ x[j]·exp(−2πi·jk/n), angles reduced exactly mod n.</summary>
internal static class NaiveDft
{
    public static (double[] Re, double[] Im) Forward(ReadOnlySpan<float> re, ReadOnlySpan<float> im, int outputs)
    {
        int n = re.Length;
        var cos = new double[n];
        var sin = new double[n];
        for (int j = 0; j < n; j++)
        {
            cos[j] = Math.Cos(-2.0 * Math.PI * j / n);
            sin[j] = Math.Sin(-2.0 * Math.PI * j / n);
        }

        var outRe = new double[outputs];
        var outIm = new double[outputs];
        for (int k = 0; k < outputs; k++)
        {
            double sr = 0, si = 0;
            for (int j = 0; j < n; j++)
            {
                int e = (int)((long)j * k % n);
                sr += re[j] * cos[e] - im[j] * sin[e];
                si += re[j] * sin[e] + im[j] * cos[e];
            }

            outRe[k] = sr;
            outIm[k] = si;
        }

        return (outRe, outIm);
    }

    /// <summary>‖actual − expected‖₂ / ‖expected‖₂ over all bins (0 when both are zero).</summary>
    public static double RelativeError(double[] eRe, double[] eIm, ReadOnlySpan<float> aRe, ReadOnlySpan<float> aIm)
    {
        double num = 0, den = 0;
        for (int k = 0; k < eRe.Length; k++)
        {
            double dr = aRe[k] - eRe[k], di = aIm[k] - eIm[k];
            num += dr * dr + di * di;
            den += eRe[k] * eRe[k] + eIm[k] * eIm[k];
        }

        return den == 0 ? Math.Sqrt(num) : Math.Sqrt(num / den);
    }
}
