namespace MusicGenre.Features.Tests;

/// <summary>Seeded randomized equivalence of each vector loop with its scalar twin over lengths 0..256 and a few large ones.</summary>
public class VectorMathTests
{
    public static IEnumerable<int> Lengths => Enumerable.Range(0, 257).Concat([1025, 4099]);

    private static float[] Random(Random rng, int n, float lo, float hi)
    {
        var x = new float[n];
        for (int i = 0; i < n; i++)
            x[i] = lo + (hi - lo) * (float)rng.NextDouble();
        return x;
    }

    /// <summary>Every width's path (the machine's widest first, then narrower ones, then the scalar twin).</summary>
    private static readonly SimdWidth[] Widths = [SimdWidth.V512, SimdWidth.V256, SimdWidth.V128, SimdWidth.Scalar];

    [Fact]
    public void Multiply_EveryWidth_IsTheElementwiseProduct_BitForBit()
    {
        var rng = new Random(1234);
        foreach (int n in Lengths)
        {
            // Inputs longer than the destination: only dst.Length elements are written.
            float[] a = Random(rng, n + 3, -2, 2), b = Random(rng, n + 5, -2, 2);
            var expected = new float[n];
            for (int i = 0; i < n; i++) expected[i] = a[i] * b[i];
            foreach (var width in Widths)
            {
                var v = Enumerable.Repeat(float.NaN, n + 2).ToArray();
                VectorMath.Multiply(a, b, v.AsSpan(0, n), width);
                Assert.True(expected.AsSpan().SequenceEqual(v.AsSpan(0, n)), $"Multiply {width} n={n}");
                Assert.True(float.IsNaN(v[n]) && float.IsNaN(v[n + 1]), $"Multiply {width} n={n} wrote past its destination");
            }
        }

        // In place (dst is one of the inputs) and too-short inputs.
        float[] x = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17];
        VectorMath.Multiply(x, x, x);
        Assert.Equal(Enumerable.Range(1, 17).Select(i => (float)(i * i)), x);
        Assert.Throws<ArgumentException>(() => VectorMath.Multiply(new float[3], new float[4], new float[4]));
    }

    [Fact]
    public void ToDecibels_EveryWidth_MatchesTheLog10Twin_AndClampsAtAmin()
    {
        var rng = new Random(99);
        foreach (int n in Lengths)
        {
            float[] x = Random(rng, n, 0, 1000);
            if (n > 3)
            {
                x[1] = 0;
                x[2] = 1e-30f;
            }

            float[] s = (float[])x.Clone();
            float ms = VectorMath.ToDecibelsScalar(s, 1e-10f, 3f);
            foreach (var width in Widths)
            {
                float[] v = (float[])x.Clone();
                float mv = VectorMath.ToDecibels(v, 1e-10f, 3f, width);
                Close.Assert(s, v, 1e-5, 1e-6, $"dB {width} n={n}");
                // The returned maximum is the largest value written, exactly.
                Assert.Equal(n == 0 ? float.NegativeInfinity : v.Max(), mv);
                Assert.True(Math.Abs(ms - mv) <= 1e-4 || ms == mv, $"max {width} n={n}: {mv} vs {ms}");
                if (n > 3)
                    Assert.True(Math.Abs(v[1] + 103f) <= 1e-4 && v[2] == v[1], $"amin clamp {width}: {v[1]}, {v[2]}");
            }
        }
    }

    [Fact]
    public void ClampBelow_EveryWidth_IsMaxWithTheFloor_BitForBit()
    {
        var rng = new Random(7);
        foreach (int n in Lengths)
        {
            float[] x = Random(rng, n, -100, 0);
            if (n > 2) { x[0] = -80f; x[1] = float.NegativeInfinity; }
            var expected = x.Select(v => MathF.Max(v, -80f)).ToArray();
            foreach (var width in Widths)
            {
                float[] v = (float[])x.Clone();
                VectorMath.ClampBelow(v, -80f, width);
                Assert.True(expected.AsSpan().SequenceEqual(v), $"ClampBelow {width} n={n}");
                Assert.True(v.All(e => e >= -80f), $"ClampBelow {width} n={n}: a value below the floor");
            }
        }
    }
}
