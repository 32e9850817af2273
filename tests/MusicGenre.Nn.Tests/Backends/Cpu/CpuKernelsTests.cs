using MusicGenre.Nn.Backends.Cpu;

namespace MusicGenre.Nn.Tests.Backends.Cpu;

/// <summary>Every Vector256 kernel against its scalar twin on seeded data, every length 0..256 and a few large ones.</summary>
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
