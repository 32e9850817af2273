using MusicGenre.Nn.Backends;
using MusicGenre.Nn.Backends.Cpu;
using MusicGenre.Nn.Tensors;

namespace MusicGenre.Nn.Tests.Backends.Cpu;

/// <summary>
/// The SIMD 2×2 stride-2 max-pool against its scalar twins, bit for bit: the row kernel on every length, and the backend's
/// forward (SIMD rows + scalar edges) and backward (2×2 fast path + scalar edges) against the all-scalar twins, with ties,
/// signed zeros, infinities and NaNs.
/// </summary>
public sealed class MaxPoolEquivalenceTests
{
    [Theory, MemberData(nameof(CpuKernelsTests.Lengths), MemberType = typeof(CpuKernelsTests))]
    public void RowKernelMatchesScalarTwinBitForBit(int n)
    {
        var rng = new Random(n);
        float[] special = [0f, -0f, 1f, 1f, float.NaN, float.PositiveInfinity, float.NegativeInfinity, -1f, BitConverter.Int32BitsToSingle(0x7FC00001)];
        // Few distinct values: ties inside windows are the rule, not the exception.
        float[] Row() => [.. Enumerable.Range(0, 2 * n + 1).Select(_ => special[rng.Next(special.Length)])];
        float[] r0 = Row(), r1 = Row();
        var simd = new float[n]; var scalar = new float[n];
        CpuKernels.MaxPool2x2Row(r0, r1, simd);
        CpuKernels.MaxPool2x2RowScalar(r0, r1, scalar);
        Assert.Equal(Bits(scalar), Bits(simd));
    }

    [Fact]
    public void FirstMaximumInScanOrderAndNaNWin()
    {
        // Windows: [−0, +0 | +0, −0] → −0 (first); [1, NaN | 2, 3] → NaN; [1, 2 | 2, 1] → 2 (top right, first of the ties).
        // Repeated 8 times (24 windows) so that every pattern also goes through the SIMD lanes, not only the scalar tail.
        float[] r0 = [.. Enumerable.Repeat<float[]>([-0f, 0f, 1f, float.NaN, 1f, 2f], 8).SelectMany(v => v)];
        float[] r1 = [.. Enumerable.Repeat<float[]>([0f, -0f, 2f, 3f, 2f, 1f], 8).SelectMany(v => v)];
        var y = new float[24];
        CpuKernels.MaxPool2x2Row(r0, r1, y);
        for (int i = 0; i < 24; i += 3)
        {
            Assert.Equal(BitConverter.SingleToInt32Bits(-0f), BitConverter.SingleToInt32Bits(y[i]));
            Assert.True(float.IsNaN(y[i + 1]));
            Assert.Equal(2f, y[i + 2]);
        }
    }

    [Theory]
    [InlineData(3, 4, 128, 130, 2, 2, false)]  // the default network's first pool
    [InlineData(2, 3, 17, 35, 2, 2, true)]     // odd sizes, ceil mode: clipped right column and bottom row
    [InlineData(2, 3, 17, 35, 2, 2, false)]    // odd sizes, floor mode: the last row and column are dropped
    [InlineData(1, 2, 9, 10, 3, 2, false)]     // not 2×2: the general scan only
    public void BackendForwardMatchesScalarForwardBitForBit(int n, int c, int h, int w, int k, int s, bool ceil)
    {
        var rng = new Random(h * w + n);
        float[] x = [.. Enumerable.Range(0, n * c * h * w).Select(_ => rng.Next(50) == 0 ? float.NaN : (float)rng.Next(-3, 4) * (rng.Next(2) == 0 ? 1f : -0.5f))];
        var g = Pool2dGeometry.Create(n, c, h, w, k, k, s, s, ceil);
        using var backend = new CpuBackend(2);
        using var tx = backend.FromHost(x, new Shape(n, c, h, w));
        using var fast = backend.Allocate(new Shape(n, c, g.OutH, g.OutW));
        using var twin = backend.Allocate(fast.Shape);
        backend.MaxPool2dForward(tx, g, fast);
        backend.MaxPool2dForwardScalar(tx, g, twin);
        Assert.Equal(Bits(twin.ToArray()), Bits(fast.ToArray()));

        // Backward: the gradient goes to the same positions (ties, NaNs) through the 2×2 path as through the general scan.
        float[] gy = [.. Enumerable.Range(0, (int)fast.Length).Select(_ => (float)rng.Next(1, 9))];
        using var tdy = backend.FromHost(gy, fast.Shape);
        using var dxFast = backend.Allocate(tx.Shape);
        using var dxTwin = backend.Allocate(tx.Shape);
        backend.MaxPool2dBackward(tx, tdy, g, dxFast);
        backend.MaxPool2dBackwardScalar(tx, tdy, g, dxTwin);
        Assert.Equal(Bits(dxTwin.ToArray()), Bits(dxFast.ToArray()));
    }

    private static int[] Bits(float[] v) => [.. v.Select(BitConverter.SingleToInt32Bits)];
}
