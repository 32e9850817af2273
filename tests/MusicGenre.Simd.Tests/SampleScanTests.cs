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
}
