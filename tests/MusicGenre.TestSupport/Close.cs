using System.Globalization;
using Xunit.Sdk;

namespace MusicGenre.TestSupport;

/// <summary>
/// The one owner of numeric tolerances: passes when |a − e| ≤ atol + rtol·|e| for every element; a failure names the
/// tensor, the worst index (by excess over its bound) with both values, and the max abs difference.
/// </summary>
public static class Close
{
    public static void Assert(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, double atol, double rtol, string name)
    {
        var e = new double[expected.Length];
        var a = new double[actual.Length];
        for (int i = 0; i < e.Length; i++) e[i] = expected[i]; // float → double is exact
        for (int i = 0; i < a.Length; i++) a[i] = actual[i];
        Check(e, a, atol, rtol, name, singlePrecision: true);
    }

    /// <summary>The same check in double precision throughout (a double oracle is not rounded to float first).</summary>
    public static void Assert(ReadOnlySpan<double> expected, ReadOnlySpan<double> actual, double atol, double rtol, string name) =>
        Check(expected, actual, atol, rtol, name, singlePrecision: false);

    private static void Check(ReadOnlySpan<double> expected, ReadOnlySpan<double> actual, double atol, double rtol, string name, bool singlePrecision)
    {
        if (expected.Length != actual.Length)
            throw new XunitException($"{name}: length {actual.Length}, expected {expected.Length}");
        int worst = -1; double worstExcess = double.NegativeInfinity, maxAbs = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            double e = expected[i], a = actual[i], d = Math.Abs(a - e);
            if (double.IsNaN(a) != double.IsNaN(e)) { worst = i; worstExcess = double.PositiveInfinity; break; }
            // An infinite expectation is met only by the same infinity (|a − ∞| against a bound of ∞ never exceeds it).
            if (double.IsInfinity(e) || double.IsInfinity(a))
            {
                if (a != e) { worst = i; worstExcess = double.PositiveInfinity; break; }
                continue;
            }
            maxAbs = Math.Max(maxAbs, d);
            double excess = d - (atol + rtol * Math.Abs(e));
            if (excess > worstExcess) { worstExcess = excess; worst = i; }
        }
        if (worst >= 0 && worstExcess > 0)
        {
            string Show(double v) => singlePrecision ? ((float)v).ToString("R", CultureInfo.InvariantCulture) : v.ToString("R", CultureInfo.InvariantCulture);
            throw new XunitException(string.Create(CultureInfo.InvariantCulture,
                $"{name}: worst index {worst}: actual {Show(actual[worst])} expected {Show(expected[worst])} (|diff| {Math.Abs(actual[worst] - expected[worst]):G3} > {atol:G3} + {rtol:G3}·|e|); max |diff| {maxAbs:G3} over {expected.Length} elements"));
        }
    }

    /// <summary>Max |expected| of a dataset, for the goldens' "× max" tolerances.</summary>
    public static double MaxAbs(ReadOnlySpan<float> x)
    {
        double m = 0;
        foreach (float v in x) m = Math.Max(m, Math.Abs(v));
        return m;
    }
}
