namespace MusicGenre.Simd.Tests;

/// <summary>
/// <see cref="SampleScan"/> at every width against a plain loop: every bad value (NaN, ±∞, past the bound) at every
/// position of every length 0..256 and a few large ones, in the vector body and the tail; values exactly at the bound
/// pass.
/// </summary>
public sealed class SampleScanTests
{
    private static readonly SimdWidth[] Widths = [SimdWidth.V512, SimdWidth.V256, SimdWidth.V128, SimdWidth.Scalar];

    private static IEnumerable<int> Lengths => Enumerable.Range(0, 257).Concat([1025, 4099]);

    private static int Expected(float[] x, float bound) => Array.FindIndex(x, v => !(MathF.Abs(v) <= bound));

    [Fact]
    public void IndexOfOutside_EveryWidth_FindsTheFirstBadSample_AtEveryPosition()
    {
        var rng = new Random(9);
        float[] bads = [float.NaN, float.PositiveInfinity, float.NegativeInfinity, 1.0000001e6f, -2e6f, 1e30f];
        foreach (int n in Lengths)
        {
            var clean = Enumerable.Range(0, n).Select(_ => (float)(rng.NextDouble() * 2e6 - 1e6)).ToArray();
            foreach (var width in Widths)
                Assert.Equal(-1, SampleScan.IndexOfOutside(clean, 1e6f, width));
            // Every position for short lengths; for long ones a stride that still hits the body, block ends and the tail.
            int step = n <= 64 ? 1 : 7;
            for (int at = 0; at < n; at += step)
            {
                var x = (float[])clean.Clone();
                x[at] = bads[at % bads.Length];
                if (at + 1 < n) x[at + 1] = bads[(at + 1) % bads.Length]; // only the first is reported
                foreach (var width in Widths)
                    Assert.True(SampleScan.IndexOfOutside(x, 1e6f, width) == at, $"{width} n={n} bad {x[at]} at {at}");
            }
        }
    }

    [Fact]
    public void ValuesAtTheBound_Pass_AndNonFiniteIsFoundWithTheLargestBound()
    {
        foreach (int n in new[] { 1, 4, 15, 16, 17, 31, 32, 33, 100 })
        {
            var edge = Enumerable.Repeat(1e6f, n).ToArray();
            edge[n / 2] = -1e6f;
            foreach (var width in Widths)
            {
                Assert.Equal(-1, SampleScan.IndexOfOutside(edge, 1e6f, width));
                var huge = Enumerable.Repeat(float.MaxValue, n).ToArray();
                Assert.Equal(-1, SampleScan.IndexOfNonFinite(huge, width));
                huge[n - 1] = float.NegativeInfinity;
                Assert.Equal(n - 1, SampleScan.IndexOfNonFinite(huge, width));
                Assert.Equal(Expected(huge, float.MaxValue), SampleScan.IndexOfNonFinite(huge, width));
            }
        }
    }

    /// <summary>
    /// <see cref="SampleScan.SumAndSquares"/>: the same bits at every width as the scalar twin written out here (lane
    /// i mod 8, lanes in order, then the tail), for every length 0..256 and large ones, on values of mixed magnitude
    /// and sign where the order of additions shows in the last bits; and within rounding of a plain sequential sum.
    /// </summary>
    [Fact]
    public void SumAndSquares_EveryWidth_GivesTheBitsOfTheLaneOrder()
    {
        var rng = new Random(3);
        foreach (int n in Lengths.Concat([661_500]))
        {
            var x = new float[n];
            for (int i = 0; i < n; i++) x[i] = (float)((rng.NextDouble() - 0.5) * Math.Pow(10, rng.Next(-6, 3)));
            var lanes = new double[2, 8];
            int blocks = n / 8 * 8;
            for (int i = 0; i < blocks; i++) { lanes[0, i % 8] += x[i]; lanes[1, i % 8] += (double)x[i] * x[i]; }
            double sum = 0, squares = 0;
            for (int j = 0; j < 8; j++) { sum += lanes[0, j]; squares += lanes[1, j]; }
            for (int i = blocks; i < n; i++) { sum += x[i]; squares += (double)x[i] * x[i]; }
            double plainSum = 0, plainSquares = 0, magnitude = 0;
            foreach (float v in x) { plainSum += v; plainSquares += (double)v * v; magnitude += Math.Abs(v); }
            foreach (var width in Widths)
            {
                var (s, q) = SampleScan.SumAndSquares(x, width);
                Assert.True(BitConverter.DoubleToInt64Bits(s) == BitConverter.DoubleToInt64Bits(sum), $"{width} n={n}: sum {s:R} vs {sum:R}");
                Assert.True(BitConverter.DoubleToInt64Bits(q) == BitConverter.DoubleToInt64Bits(squares), $"{width} n={n}: squares {q:R} vs {squares:R}");
                Assert.True(Math.Abs(s - plainSum) <= 1e-10 * magnitude, $"{width} n={n}: {s:R} vs plain {plainSum:R}");
                Assert.True(Math.Abs(q - plainSquares) <= 1e-12 * plainSquares, $"{width} n={n}: {q:R} vs plain {plainSquares:R}");
            }
        }
    }
}
