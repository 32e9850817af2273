namespace MusicGenre.Features.Tests.Gpu;

/// <summary>O(n²) double-precision DFT: the reference the FFT kernels are checked against.</summary>
internal static class DftOracle
{
    /// <summary>X[k] = Σ x[j]·exp(−2πi·jk/n) of one frame.</summary>
    public static (double[] Re, double[] Im) Forward(ReadOnlySpan<float> re, ReadOnlySpan<float> im)
    {
        int n = re.Length;
        var outRe = new double[n];
        var outIm = new double[n];
        for (int k = 0; k < n; k++)
        {
            double sr = 0, si = 0;
            for (int j = 0; j < n; j++)
            {
                // (j·k) mod n keeps the angle small, so cos/sin stay exact to double rounding.
                double a = -2.0 * Math.PI * ((long)j * k % n) / n;
                double c = Math.Cos(a), s = Math.Sin(a);
                sr += re[j] * c - im[j] * s;
                si += re[j] * s + im[j] * c;
            }
            outRe[k] = sr;
            outIm[k] = si;
        }
        return (outRe, outIm);
    }

    /// <summary>‖actual − expected‖₂ / ‖expected‖₂ (0 when both are zero).</summary>
    public static double RelativeError(ReadOnlySpan<float> re, ReadOnlySpan<float> im, double[] eRe, double[] eIm)
    {
        double num = 0, den = 0;
        for (int i = 0; i < eRe.Length; i++)
        {
            double dr = re[i] - eRe[i], di = im[i] - eIm[i];
            num += dr * dr + di * di;
            den += eRe[i] * eRe[i] + eIm[i] * eIm[i];
        }
        return den == 0 ? Math.Sqrt(num) : Math.Sqrt(num / den);
    }
}
