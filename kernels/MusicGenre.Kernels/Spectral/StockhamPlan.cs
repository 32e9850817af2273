namespace MusicGenre.Kernels.Spectral;

/// <summary>
/// Radices and twiddle table of a length-N complex FFT done as Stockham passes. Radices: 4s first, then 2, 3, 5, 7,
/// then any remaining prime factors (correct for every N ≥ 1; a large prime factor p costs N·p per pass). Twiddles
/// <c>exp(−2πi·n/N)</c> are computed in double and rounded once to float. Immutable, thread-safe.
/// </summary>
internal sealed class StockhamPlan
{
    /// <summary>Builds the plan for length <paramref name="n"/> (≥ 1).</summary>
    public StockhamPlan(int n)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 1);
        N = n;
        Radices = Factor(n);
        TwiddleRe = new float[n];
        TwiddleIm = new float[n];
        for (int i = 0; i < n; i++)
        {
            double angle = -2.0 * Math.PI * i / n;
            TwiddleRe[i] = (float)Math.Cos(angle);
            TwiddleIm[i] = (float)Math.Sin(angle);
        }
    }

    /// <summary>Transform length.</summary>
    public int N { get; }

    /// <summary>Radix of each pass, in execution order (empty for N = 1).</summary>
    public int[] Radices { get; }

    /// <summary>Real parts of <c>exp(−2πi·n/N)</c>.</summary>
    public float[] TwiddleRe { get; }

    /// <summary>Imaginary parts of <c>exp(−2πi·n/N)</c>.</summary>
    public float[] TwiddleIm { get; }

    private static int[] Factor(int n)
    {
        var radices = new List<int>();
        while (n % 4 == 0) { radices.Add(4); n /= 4; }
        foreach (int p in new[] { 2, 3, 5, 7 })
            while (n % p == 0) { radices.Add(p); n /= p; }
        for (int p = 11; (long)p * p <= n; p += 2)
            while (n % p == 0) { radices.Add(p); n /= p; }
        if (n > 1) radices.Add(n);
        return radices.ToArray();
    }
}
