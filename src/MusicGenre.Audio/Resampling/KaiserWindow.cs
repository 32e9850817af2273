namespace MusicGenre.Audio.Resampling;

/// <summary>Kaiser window pieces: the modified Bessel function I0 and Kaiser's design formulas (Oppenheim &amp; Schafer 7.5.3).</summary>
internal static class KaiserWindow
{
    /// <summary>I0(x) by its power series Σ ((x/2)^k / k!)², summed until a term no longer changes the result.</summary>
    public static double BesselI0(double x)
    {
        double sum = 1, term = 1, half = x / 2;
        for (int k = 1; k < 500; k++)
        {
            term *= half / k;
            double t2 = term * term;
            sum += t2;
            if (t2 < sum * 1e-17) break;
        }
        return sum;
    }

    /// <summary>β for a stopband attenuation of <paramref name="attenuationDb"/> dB.</summary>
    public static double Beta(double attenuationDb) => attenuationDb > 50
        ? 0.1102 * (attenuationDb - 8.7)
        : attenuationDb >= 21 ? 0.5842 * Math.Pow(attenuationDb - 21, 0.4) + 0.07886 * (attenuationDb - 21) : 0;

    /// <summary>Filter span in samples for the attenuation and a transition width in radians per sample.</summary>
    public static double Length(double attenuationDb, double transitionRadians) => (attenuationDb - 7.95) / (2.285 * transitionRadians);

    /// <summary>w(τ) = I0(β·√(1 − (τ/half)²)) / I0(β) for |τ| ≤ half, else 0.</summary>
    public static double Value(double tau, double half, double beta, double i0Beta)
    {
        double r = tau / half;
        if (r is < -1 or > 1) return 0;
        return BesselI0(beta * Math.Sqrt(1 - r * r)) / i0Beta;
    }
}
