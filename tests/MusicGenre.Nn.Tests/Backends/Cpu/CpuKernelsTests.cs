using MusicGenre.Nn.Backends.Cpu;

namespace MusicGenre.Nn.Tests.Backends.Cpu;

/// <summary>
/// Every vector kernel against its scalar twin on seeded data, every length 0..256 and a few large ones, at the widest
/// width of the process (<see cref="SimdWidthTests"/> re-runs them at 512, 256 and 128 bits and without intrinsics).
/// </summary>
public sealed class CpuKernelsTests
{
    public static TheoryData<int> Lengths()
    {
        var d = new TheoryData<int>();
        for (int n = 0; n <= 256; n++) d.Add(n);
        d.Add(1000); d.Add(4099);
        return d;
    }

    [Theory, MemberData(nameof(Lengths))]
    public void ElementwiseKernelsMatchScalarTwins(int n)
    {
        var x = Reference.Random(n, n); var y = Reference.Random(n + 1000, n);
        // Exact equality: these kernels round the same operations in the same order per element.
        Same(z => CpuKernels.ScaleShift(x, 0.37f, -1.25f, z), z => CpuKernels.ScaleShiftScalar(x, 0.37f, -1.25f, z), n);
        Same(z => CpuKernels.AxpBypC(x, 1.5f, y, -0.75f, 0.125f, z), z => CpuKernels.AxpBypCScalar(x, 1.5f, y, -0.75f, 0.125f, z), n);
        Same(z => CpuKernels.Relu(x, z), z => CpuKernels.ReluScalar(x, z), n);
        Same(z => CpuKernels.ReluBackward(x, y, z), z => CpuKernels.ReluBackwardScalar(x, y, z), n);
        Same(z => CpuKernels.Multiply(x, y, z), z => CpuKernels.MultiplyScalar(x, y, z), n);
        Same(z => { y.CopyTo(z, 0); CpuKernels.Axpy(-0.3f, x, z); }, z => { y.CopyTo(z, 0); CpuKernels.AxpyScalar(-0.3f, x, z); }, n);
        // Reductions differ only in summation order.
        Close.Assert([CpuKernels.DotScalar(x, y)], [CpuKernels.Dot(x, y)], 1e-5 * Math.Max(1, n), 1e-5, "dot");
        Close.Assert([CpuKernels.SumScalar(x)], [CpuKernels.Sum(x)], 1e-5 * Math.Max(1, n), 1e-5, "sum");
        // BatchNorm's double reductions: 4 lane-blocked double accumulators vs one sequential sum; only double rounding
        // differs (the data are O(1), so an absolute bound of 1e-12·n is ~10⁴ × double epsilon per term).
        double bound = 1e-12 * Math.Max(1, n);
        Assert.Equal(CpuKernels.SumDoubleScalar(x), CpuKernels.SumDouble(x), bound);
        Assert.Equal(CpuKernels.SumSquaredDeviationScalar(x, 0.3), CpuKernels.SumSquaredDeviation(x, 0.3), bound);
        var (s0, p0) = CpuKernels.SumAndDotCenteredScalar(x, y, -0.2);
        var (s1, p1) = CpuKernels.SumAndDotCentered(x, y, -0.2);
        Assert.Equal(s0, s1, bound);
        Assert.Equal(p0, p1, bound);
    }

    [Theory, MemberData(nameof(Lengths))]
    public void ReductionsAddInTheDocumentedLaneOrderBitForBit(int n)
    {
        // The reductions' order (8 float lanes, or 4 double accumulators × 4 lanes; lanes then added in index order; the
        // tail last) written out in scalar code: the Vector256 path and its 128-bit twin (ARM64; the 128-bit re-run of
        // this test) must give exactly these bits, so sums do not depend on the machine.
        if (!System.Runtime.Intrinsics.Vector128.IsHardwareAccelerated) return; // no vectors: the sequential twins run (tested above)
        var x = Reference.Random(3 * n + 7, n); var y = Reference.Random(5 * n + 1, n);
        const double mean = 0.3, centre = -0.2;
        Assert.Equal(n < 8 ? CpuKernels.DotScalar(x, y) : Lanes8(n, i => x[i] * y[i]), CpuKernels.Dot(x, y));
        Assert.Equal(n < 8 ? CpuKernels.SumScalar(x) : Lanes8(n, i => x[i]), CpuKernels.Sum(x));
        Assert.Equal(n < 16 ? CpuKernels.SumDoubleScalar(x) : Blocks16(n, i => x[i]), CpuKernels.SumDouble(x));
        Assert.Equal(n < 16 ? CpuKernels.SumSquaredDeviationScalar(x, mean) : Blocks16(n, i => (x[i] - mean) * (x[i] - mean)),
            CpuKernels.SumSquaredDeviation(x, mean));
        var expected = n < 8 ? CpuKernels.SumAndDotCenteredScalar(x, y, centre) : (Pairs8(n, i => x[i]), Pairs8(n, i => x[i] * (y[i] - centre)));
        Assert.Equal(expected, CpuKernels.SumAndDotCentered(x, y, centre));

        // Float: lane j sums terms i ≡ j (mod 8) over whole steps; lanes 0..7 in order; then the tail.
        static float Lanes8(int n, Func<int, float> term)
        {
            var lanes = new float[8];
            int i = 0;
            for (; i + 8 <= n; i += 8) for (int j = 0; j < 8; j++) lanes[j] += term(i + j);
            float s = lanes[0];
            for (int j = 1; j < 8; j++) s += lanes[j];
            for (; i < n; i++) s += term(i);
            return s;
        }
        // Double, 16 per step: accumulator a lane j sums terms i ≡ 4a + j (mod 16); per lane (a0 + a1) + (a2 + a3); lanes in order.
        static double Blocks16(int n, Func<int, double> term)
        {
            var acc = new double[4, 4];
            int i = 0;
            for (; i + 16 <= n; i += 16) for (int a = 0; a < 4; a++) for (int j = 0; j < 4; j++) acc[a, j] += term(i + 4 * a + j);
            double s = 0;
            for (int j = 0; j < 4; j++)
            {
                double lane = acc[0, j] + acc[1, j] + (acc[2, j] + acc[3, j]);
                s = j == 0 ? lane : s + lane;
            }
            for (; i < n; i++) s += term(i);
            return s;
        }
        // Double, 8 per step: two accumulators (terms i ≡ j and 4 + j mod 8) added per lane, lanes in order.
        static double Pairs8(int n, Func<int, double> term)
        {
            var acc = new double[2, 4];
            int i = 0;
            for (; i + 8 <= n; i += 8) for (int a = 0; a < 2; a++) for (int j = 0; j < 4; j++) acc[a, j] += term(i + 4 * a + j);
            double s = 0;
            for (int j = 0; j < 4; j++) s = j == 0 ? acc[0, j] + acc[1, j] : s + (acc[0, j] + acc[1, j]);
            for (; i < n; i++) s += term(i);
            return s;
        }
    }

    [Theory, MemberData(nameof(Lengths))]
    public void WindowSumsAddInTheLaneOrderOfTheirScalarTwinBitForBit(int n)
    {
        // Two rows into the same 8 lanes (as the fused BatchNorm-ReLU-pool backward adds every row of a channel), on
        // values of mixed magnitude and sign and zeros (windows where no gradient landed); lane j must hold the sum of
        // the windows q ≡ j (mod 8) in row order, exactly as written out here, at every width.
        var rng = new Random(n + 17);
        float[] Values() => [.. Enumerable.Range(0, n).Select(_ => rng.Next(4) == 0 ? 0f : (float)((rng.NextDouble() - 0.5) * Math.Pow(10, rng.Next(-4, 4))))];
        float[][] g = [Values(), Values()], x = [Values(), Values()];
        const double Mean = 0.37;
        var sums = new double[8]; var centered = new double[8];
        var twinSums = new double[8]; var twinCentered = new double[8];
        var expectedSums = new double[8]; var expectedCentered = new double[8];
        for (int row = 0; row < 2; row++)
        {
            CpuKernels.AddWindowSums(g[row], x[row], Mean, sums, centered);
            CpuKernels.AddWindowSumsScalar(g[row], x[row], Mean, twinSums, twinCentered);
            for (int q = 0; q < n; q++) { expectedSums[q % 8] += g[row][q]; expectedCentered[q % 8] += (double)g[row][q] * (x[row][q] - Mean); }
        }
        Assert.Equal(expectedSums.Select(BitConverter.DoubleToInt64Bits), sums.Select(BitConverter.DoubleToInt64Bits));
        Assert.Equal(expectedCentered.Select(BitConverter.DoubleToInt64Bits), centered.Select(BitConverter.DoubleToInt64Bits));
        Assert.Equal(expectedSums.Select(BitConverter.DoubleToInt64Bits), twinSums.Select(BitConverter.DoubleToInt64Bits));
        Assert.Equal(expectedCentered.Select(BitConverter.DoubleToInt64Bits), twinCentered.Select(BitConverter.DoubleToInt64Bits));
    }

    [Fact]
    public void ReluKeepsNaNAndZeroesNegatives()
    {
        float[] x = [float.NaN, -1f, 0f, 2f, -0f, float.NegativeInfinity, float.PositiveInfinity, 3f, float.NaN, -5f];
        var simd = new float[x.Length]; var scalar = new float[x.Length];
        CpuKernels.Relu(x, simd); CpuKernels.ReluScalar(x, scalar);
        Assert.Equal(scalar, simd);
        Assert.True(float.IsNaN(simd[0]) && float.IsNaN(simd[8]));
        Assert.Equal(0f, simd[1]); Assert.Equal(2f, simd[3]); Assert.Equal(float.PositiveInfinity, simd[6]);
    }

    [Fact]
    public void InPlaceUseMatches()
    {
        var x = Reference.Random(5, 37);
        var expected = new float[37];
        CpuKernels.ScaleShiftScalar(x, 2f, 1f, expected);
        CpuKernels.ScaleShift(x, 2f, 1f, x);
        Assert.Equal(expected, x);
    }

    private static void Same(Action<float[]> simd, Action<float[]> scalar, int n)
    {
        var a = new float[n]; var b = new float[n];
        simd(a); scalar(b);
        Assert.Equal(b, a);
    }
}
