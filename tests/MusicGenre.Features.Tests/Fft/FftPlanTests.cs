using MusicGenre.Features.Fft;
using MusicGenre.Features.Tests.Reference;

namespace MusicGenre.Features.Tests.Fft;

public class FftPlanTests
{
    private const double MaxRelativeError = 1e-5;

    private static readonly SimdWidth[] Widths = [SimdWidth.Scalar, SimdWidth.V128, SimdWidth.V256, SimdWidth.V512];

    /// <summary>Every n in 1..300 plus powers of two, 2205 = 3²·5·7², and the prime 4099 (Bluestein).</summary>
    public static IEnumerable<int> Lengths => Enumerable.Range(1, 300).Concat([1024, 2048, 2205, 4096, 4099]);

    private static float[] RandomSignal(Random rng, int n)
    {
        var x = new float[n];
        for (int i = 0; i < n; i++)
            x[i] = (float)(rng.NextDouble() * 2 - 1);
        return x;
    }

    [Fact]
    public void RealFftMatchesDoubleDftForEveryLengthAndWidth()
    {
        var rng = new Random(20261125);
        var failures = new List<string>();
        double worst = 0;
        foreach (int n in Lengths)
        {
            float[] x = RandomSignal(rng, n);
            int bins = n / 2 + 1;
            (double[] eRe, double[] eIm) = NaiveDft.Forward(x, new float[n], bins);
            foreach (SimdWidth w in Widths)
            {
                var plan = new RealFftPlan(n, w);
                var re = new float[bins];
                var im = new float[bins];
                plan.Forward(x, re, im);
                double err = NaiveDft.RelativeError(eRe, eIm, re, im);
                worst = Math.Max(worst, err);
                if (!(err <= MaxRelativeError))
                    failures.Add($"n={n} {w}: relative error {err:G3}");

                // The fused power output is |X|² of the same bins.
                var power = new float[bins];
                plan.ForwardPower(x, power);
                for (int k = 0; k < bins; k++)
                {
                    double e = eRe[k] * eRe[k] + eIm[k] * eIm[k];
                    if (!(Math.Abs(power[k] - e) <= 4 * MaxRelativeError * Math.Max(e, 1e-3 * n)))
                    {
                        failures.Add($"n={n} {w}: power[{k}] {power[k]} vs {e}");
                        break;
                    }
                }
            }
        }

        Assert.True(failures.Count == 0, $"worst {worst:G3}; " + string.Join("; ", failures.Take(20)));
    }

    [Fact]
    public void ComplexFftMatchesDoubleDftForEveryLengthAndWidth()
    {
        var rng = new Random(7);
        var failures = new List<string>();
        foreach (int n in Lengths)
        {
            float[] re = RandomSignal(rng, n), im = RandomSignal(rng, n);
            (double[] eRe, double[] eIm) = NaiveDft.Forward(re, im, n);
            foreach (SimdWidth w in Widths)
            {
                var plan = new ComplexFftPlan(n, w);
                var oRe = new float[n];
                var oIm = new float[n];
                plan.Forward(re, im, oRe, oIm);
                double err = NaiveDft.RelativeError(eRe, eIm, oRe, oIm);
                if (!(err <= MaxRelativeError))
                    failures.Add($"n={n} {w}: relative error {err:G3}");
            }
        }

        Assert.True(failures.Count == 0, string.Join("; ", failures.Take(20)));
    }

    [Fact]
    public void VectorPathsEqualScalarTwinBitForBit()
    {
        // Every vector lane does exactly the scalar twin's operations in the same order (no FMA contraction), so
        // the outputs must be identical, including the tails where S is not a multiple of the width.
        var rng = new Random(99);
        foreach (int n in Lengths)
        {
            float[] re = RandomSignal(rng, n), im = RandomSignal(rng, n);
            var sRe = new float[n];
            var sIm = new float[n];
            new ComplexFftPlan(n, SimdWidth.Scalar).Forward(re, im, sRe, sIm);
            foreach (SimdWidth w in Widths.Skip(1))
            {
                var vRe = new float[n];
                var vIm = new float[n];
                new ComplexFftPlan(n, w).Forward(re, im, vRe, vIm);
                Assert.True(sRe.AsSpan().SequenceEqual(vRe) && sIm.AsSpan().SequenceEqual(vIm), $"n={n} {w} differs from the scalar twin");
            }
        }
    }

    [Fact]
    public void FusedWindowEqualsMultiplyThenTransform()
    {
        var rng = new Random(17);
        foreach (int n in Enumerable.Range(1, 70).Concat([1024, 2048, 2205]))
        {
            foreach (SimdWidth w in Widths)
            {
                float[] x = RandomSignal(rng, n), win = RandomSignal(rng, n);
                var product = new float[n];
                for (int i = 0; i < n; i++)
                    product[i] = x[i] * win[i];
                var plan = new RealFftPlan(n, w);
                var expected = new float[n / 2 + 1];
                var actual = new float[n / 2 + 1];
                plan.ForwardPower(product, expected);
                plan.ForwardPower(x, win, actual);
                Assert.True(expected.AsSpan().SequenceEqual(actual), $"n={n} {w}");
            }
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(64)]
    [InlineData(2205)]
    [InlineData(257)]
    public void InPlaceEqualsOutOfPlace(int n)
    {
        var rng = new Random(n);
        float[] re = RandomSignal(rng, n), im = RandomSignal(rng, n);
        var plan = new ComplexFftPlan(n);
        var oRe = new float[n];
        var oIm = new float[n];
        plan.Forward(re, im, oRe, oIm);
        plan.Forward(re, im, re, im);
        Assert.Equal(oRe, re);
        Assert.Equal(oIm, im);
    }

    [Fact]
    public void PlansAreReusableAndDeterministic()
    {
        var rng = new Random(3);
        float[] x = RandomSignal(rng, 2205);
        var plan = new RealFftPlan(2205);
        var a = new float[1103];
        var b = new float[1103];
        var c = new float[1103];
        var d = new float[1103];
        plan.Forward(x, a, b);
        plan.Forward(RandomSignal(rng, 2205), c, d);
        plan.Forward(x, c, d);
        Assert.Equal(a, c);
        Assert.Equal(b, d);
    }

    [Fact]
    public void SpecialValuesPropagate()
    {
        var plan = new RealFftPlan(16);
        var x = new float[16];
        x[3] = float.NaN;
        var p = new float[9];
        plan.ForwardPower(x, p);
        Assert.All(p, v => Assert.True(float.IsNaN(v)));

        // An impulse has a flat unit spectrum; a constant concentrates at DC.
        Array.Clear(x);
        x[0] = 1;
        plan.ForwardPower(x, p);
        Assert.All(p, v => Assert.Equal(1f, v, 6));
        Array.Fill(x, 1f);
        plan.ForwardPower(x, p);
        Assert.Equal(256f, p[0], 3);
        Assert.All(p.Skip(1), v => Assert.True(v < 1e-10f));
    }

    [Fact]
    public void WrongSizesThrowClearly()
    {
        var plan = new RealFftPlan(32);
        var ex = Assert.Throws<ArgumentException>(() => plan.Forward(new float[31], new float[17], new float[17]));
        Assert.Contains("32", ex.Message);
        Assert.Throws<ArgumentException>(() => plan.Forward(new float[32], new float[16], new float[17]));
        Assert.Throws<ArgumentException>(() => new ComplexFftPlan(8).Forward(new float[8], new float[8], new float[7], new float[8]));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RealFftPlan(0));
    }

    [Theory]
    [InlineData(4099)]
    [InlineData(11)]
    [InlineData(2205)]
    public void BluesteinIsUsedOnlyForNonSmoothLengths(int n)
    {
        Assert.Equal(!ComplexFftPlan.IsSmooth(n), new ComplexFftPlan(n).IsBluestein);
    }
}
