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

    [Theory, MemberData(nameof(CpuKernelsTests.Lengths), MemberType = typeof(CpuKernelsTests))]
    public void FusedBackwardRowKernelMatchesScalarTwinBitForBit(int n)
    {
        // The BatchNorm → ReLU → pool backward row: same winner, same dz at all four positions, same gm/xm, with ties,
        // signed zeros, infinities, NaNs (in z and in dy) and negative maxima (ReLU blocks the gradient).
        var rng = new Random(3 * n + 1);
        float[] special = [0f, -0f, 1f, 1f, 2f, -1f, float.NaN, float.PositiveInfinity, float.NegativeInfinity, 0.5f];
        float[] Values(int count) => [.. Enumerable.Range(0, count).Select(_ => special[rng.Next(special.Length)])];
        float[] z0 = Values(2 * n + 1), z1 = Values(2 * n + 1), dy = Values(n);
        float[] x0 = [.. Enumerable.Range(0, 2 * n + 1).Select(i => 100f + i)], x1 = [.. x0.Select(v => -v)];
        var simd = new Outputs(n); var twin = new Outputs(n);
        CpuKernels.PoolBackwardRow(z0, z1, x0, x1, dy, simd.Dx0, simd.Dx1, simd.Gm, simd.Xm);
        CpuKernels.PoolBackwardRowScalar(z0, z1, x0, x1, dy, twin.Dx0, twin.Dx1, twin.Gm, twin.Xm);
        Assert.Equal(Bits(twin.Dx0), Bits(simd.Dx0)); Assert.Equal(Bits(twin.Dx1), Bits(simd.Dx1));
        Assert.Equal(Bits(twin.Gm), Bits(simd.Gm)); Assert.Equal(Bits(twin.Xm), Bits(simd.Xm));
        // Every position of every window is written (the fill value is gone), the odd last column is not touched.
        Assert.DoesNotContain(Outputs.Fill, simd.Dx0.Take(2 * n)); Assert.DoesNotContain(Outputs.Fill, simd.Dx1.Take(2 * n));
        Assert.Equal(Outputs.Fill, simd.Dx0[2 * n]);
    }

    [Fact]
    public void FusedBackwardRowRoutesToTheFirstPositiveMaximum()
    {
        // Windows (z): [1, 3 | 3, 2] → top right; [−1, −2 | −3, −1] → none (ReLU); [NaN, 5 | 1, 1] → none (NaN wins, not
        // > 0); [0, 0 | 2, 2] → bottom left. Repeated 4 times (16 windows) so that the SIMD lanes see every pattern.
        float[] z0 = [.. Enumerable.Repeat<float[]>([1f, 3f, -1f, -2f, float.NaN, 5f, 0f, 0f], 4).SelectMany(v => v)];
        float[] z1 = [.. Enumerable.Repeat<float[]>([3f, 2f, -3f, -1f, 1f, 1f, 2f, 2f], 4).SelectMany(v => v)];
        float[] x0 = [.. Enumerable.Range(0, 32).Select(i => (float)i)], x1 = [.. Enumerable.Range(32, 32).Select(i => (float)i)];
        float[] dy = [.. Enumerable.Range(1, 16).Select(i => (float)i)];
        var o = new Outputs(16);
        CpuKernels.PoolBackwardRow(z0, z1, x0, x1, dy, o.Dx0, o.Dx1, o.Gm, o.Xm);
        for (int q = 0; q < 16; q += 4)
        {
            int l = 2 * q;
            Assert.Equal([0f, dy[q]], o.Dx0[l..(l + 2)]); Assert.Equal([0f, 0f], o.Dx1[l..(l + 2)]);
            Assert.Equal((dy[q], x0[l + 1]), (o.Gm[q], o.Xm[q]));
            for (int k = 1; k <= 2; k++)
            {
                Assert.Equal([0f, 0f, 0f, 0f], [.. o.Dx0[(l + 2 * k)..(l + 2 * k + 2)], .. o.Dx1[(l + 2 * k)..(l + 2 * k + 2)]]);
                Assert.Equal((0f, 0f), (o.Gm[q + k], o.Xm[q + k]));
            }
            Assert.Equal([dy[q + 3], 0f], o.Dx1[(l + 6)..(l + 8)]); Assert.Equal([0f, 0f], o.Dx0[(l + 6)..(l + 8)]);
            Assert.Equal((dy[q + 3], x1[l + 6]), (o.Gm[q + 3], o.Xm[q + 3]));
        }
    }

    /// <summary>The backward row's outputs, filled with a value no input has, so that a position the kernel skips shows.</summary>
    private sealed class Outputs(int n)
    {
        public const float Fill = 12345.5f;
        public float[] Dx0 { get; } = [.. Enumerable.Repeat(Fill, 2 * n + 1)];
        public float[] Dx1 { get; } = [.. Enumerable.Repeat(Fill, 2 * n + 1)];
        public float[] Gm { get; } = [.. Enumerable.Repeat(Fill, n)];
        public float[] Xm { get; } = [.. Enumerable.Repeat(Fill, n)];
    }

    [Theory, MemberData(nameof(CpuKernelsTests.Lengths), MemberType = typeof(CpuKernelsTests))]
    public void TwoByTwoBackwardRowKernelMatchesScalarTwinBitForBit(int n)
    {
        // Routing of 2×2 windows with ties, signed zeros, infinities and NaNs (in x and dy), no ReLU gate: all four
        // positions of every window written, the odd last column untouched.
        var rng = new Random(5 * n + 2);
        float[] special = [0f, -0f, 1f, 1f, 2f, -1f, float.NaN, float.PositiveInfinity, float.NegativeInfinity];
        float[] Values(int count) => [.. Enumerable.Range(0, count).Select(_ => special[rng.Next(special.Length)])];
        float[] r0 = Values(2 * n + 1), r1 = Values(2 * n + 1), dy = Values(n);
        float[] s0 = [.. Enumerable.Repeat(12345.5f, 2 * n + 1)], s1 = [.. s0], t0 = [.. s0], t1 = [.. s0];
        CpuKernels.MaxPool2x2RowBackward(r0, r1, dy, s0, s1);
        CpuKernels.MaxPool2x2RowBackwardScalar(r0, r1, 0, dy, t0, t1);
        Assert.Equal(Bits(t0), Bits(s0)); Assert.Equal(Bits(t1), Bits(s1));
        Assert.DoesNotContain(12345.5f, s0.Take(2 * n)); Assert.DoesNotContain(12345.5f, s1.Take(2 * n));
        Assert.Equal(12345.5f, s0[2 * n]);
    }

    [Theory, MemberData(nameof(CpuKernelsTests.Lengths), MemberType = typeof(CpuKernelsTests))]
    public void FourByFourRowKernelsMatchScalarTwinsBitForBit(int n)
    {
        // Forward value and backward routing of 4×4 stride-4 windows (rows 4·n + 3 wide, so the last 3 columns are in no
        // window), with ties, signed zeros, infinities and NaNs; the backward writes all 16 positions of every window.
        var rng = new Random(7 * n + 5);
        float[] special = [0f, -0f, 1f, 1f, 2f, float.NaN, float.PositiveInfinity, float.NegativeInfinity, -1f];
        int stride = 4 * n + 3;
        float[] rows = [.. Enumerable.Range(0, 4 * stride).Select(_ => special[rng.Next(special.Length)])];
        float[] dy = [.. Enumerable.Range(0, n).Select(_ => special[rng.Next(special.Length)])];
        var simd = new float[n]; var scalar = new float[n];
        CpuKernels.MaxPool4x4Row(rows, stride, simd);
        CpuKernels.MaxPool4x4RowScalar(rows, stride, 0, scalar);
        Assert.Equal(Bits(scalar), Bits(simd));

        float[] dxSimd = [.. Enumerable.Repeat(12345.5f, 4 * stride)], dxTwin = [.. dxSimd];
        CpuKernels.MaxPool4x4RowBackward(rows, stride, dy, dxSimd);
        CpuKernels.MaxPool4x4RowBackwardScalar(rows, stride, 0, dy, dxTwin);
        Assert.Equal(Bits(dxTwin), Bits(dxSimd));
        for (int i = 0; i < 4; i++)
        {
            Assert.DoesNotContain(12345.5f, dxSimd.Skip(i * stride).Take(4 * n));
            Assert.All(dxSimd.Skip(i * stride + 4 * n).Take(3), v => Assert.Equal(12345.5f, v));
        }
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
    [InlineData(2, 3, 17, 70, 4, 4, true)]     // 4×4 stride 4, ceil: a clipped bottom row of windows and right column
    [InlineData(2, 2, 16, 68, 4, 4, false)]    // 4×4 whole windows only (17 per row: two SIMD steps and a scalar one)
    [InlineData(1, 2, 128, 599, 4, 4, true)]   // lachmish2016's first pool
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
