using MusicGenre.Nn.Backends;
using MusicGenre.Nn.Backends.Cpu;
using MusicGenre.Simd;

namespace MusicGenre.Nn.Tests.Backends.Cpu;

/// <summary>
/// The Winograd F(4×4, 3×3) convolution at every register width (512, 256, 128 and the scalar twin; Vector512 code runs,
/// slowly, where AVX-512 is absent) against a double-precision oracle of the direct sum, forward and adjoint (dx), over
/// every way a run of tiles can be cut: partial tiles at the bottom and right edges, runs across tile rows, vector steps
/// with scalar tails, steps that start at any tile column, work items of several column blocks.
/// </summary>
public sealed class Winograd4Tests
{
    /// <summary>Lane counts of the widths (<c>SimdWidth</c> is internal): 16, 8, 4 and 1 (the scalar twin).</summary>
    public static TheoryData<int> Widths => new() { 16, 8, 4, 1 };

    [Theory]
    [InlineData(8, 1, 1, 8, 16)]
    [InlineData(8, 5, 7, 9, 32)]
    [InlineData(12, 3, 40, 8, 32)]
    [InlineData(9, 7, 133, 13, 32)]    // 2 × 34 = 68 tiles: three work items, runs crossing tile rows, 16-tile steps and tails
    [InlineData(32, 16, 16, 64, 64)]
    [InlineData(8, 6, 129, 8, 48)]     // 33 tiles per row, the last one pixel wide
    [InlineData(8, 9, 260, 9, 80)]     // 65 tiles per row: vector steps starting at odd tile columns
    [InlineData(32, 12, 70, 32, 112)]  // the production shape of a work item (C = K = 32)
    public void EveryWidthMatchesTheDirectSum(int c, int h, int w, int k, int cols)
    {
        var g = Conv2dGeometry.Create(1, c, h, w, k, 3, 3, 1, 1, Padding2d.Symmetric(1));
        Assert.True(Winograd.Applies(g));
        int seed = Reference.Seed(c, h, w, k, 4);
        float[] x = Reference.Random(seed, c * h * w), wt = Reference.Random(seed + 1, k * c * 9, 0.5f), b = Reference.Random(seed + 2, k);
        float[] dy = Reference.Random(seed + 3, k * h * w);
        var yRef = Reference.ConvForward(x, wt, b, g);
        var dxRef = Reference.ConvBackward(x, wt, dy, g).Dx;
        foreach (var width in new[] { SimdWidth.V512, SimdWidth.V256, SimdWidth.V128, SimdWidth.Scalar })
        {
            var y = Run(x, wt, b, c, h, w, k, cols, adjoint: false, width);
            Close.Assert(yRef, y.Select(v => (double)v).ToArray(), 1e-5 * Math.Max(1, Reference.MaxAbs(yRef)), 1e-5, $"forward {width}");
            var dx = Run(dy, wt, null, k, h, w, c, cols, adjoint: true, width);
            Close.Assert(dxRef, dx.Select(v => (double)v).ToArray(), 1e-5 * Math.Max(1, Reference.MaxAbs(dxRef)), 1e-5, $"dx {width}");
        }
    }

    [Theory]
    [MemberData(nameof(Widths))]
    public void TransformsOfEveryWidthAreTheSameOperationsAsTheScalarTwin(int lanes)
    {
        var width = (SimdWidth)lanes;
        // With one input channel per product each GEMM output is a single product (no sum order to differ), so every
        // width must agree with the scalar twin bit for bit: the transforms are the same operations in the same order.
        float[] x = Reference.Random(7, 1 * 10 * 157), wt = Reference.Random(8, 8 * 1 * 9), b = Reference.Random(9, 8);
        var expected = Run(x, wt, b, 1, 10, 157, 8, 48, adjoint: false, SimdWidth.Scalar);
        Assert.Equal(expected, Run(x, wt, b, 1, 10, 157, 8, 48, adjoint: false, width));
    }

    [Theory]
    [InlineData(131, true)]   // 33 tiles per row: two Vector512 registers and more, F(4×4)
    [InlineData(25, false)]   // 7 tiles per row: less than two registers at any vector width, F(2×2)
    public void TheBackendsDefaultIsF4OnWideImagesAndAgreesWithF2(int w, bool f4)
    {
        // Through the backend (threads, work items, bias): the default tile and F(2×2) on a batch of two images.
        var g = Conv2dGeometry.Create(2, 16, 20, w, 24, 3, 3, 1, 1, Padding2d.Symmetric(1));
        float[] x = Reference.Random(11, 2 * 16 * 20 * w), wt = Reference.Random(12, 24 * 16 * 9, 0.5f), b = Reference.Random(13, 24);
        var cpu = new CpuBackend(2);
        Assert.Equal(4, cpu.WinogradTile);
        // Without vectors (DOTNET_EnableHWIntrinsic=0) every convolution runs as the direct scalar twin: no Winograd. With
        // 128-bit vectors only (ARM64, DOTNET_EnableAVX=0) the forward pass takes F(4×4) where four registers of tiles fill a row.
        bool vectors = ConvGemm.UseVector || ConvGemm.Use128;
        bool ran4 = vectors && Winograd4.Suits(w, SimdWidths.Best);
        if (ConvGemm.UseVector) Assert.Equal(f4, ran4);
        var yDefault = Forward(cpu, x, wt, b, g);
        cpu.WinogradTile = 2;
        var y2 = Forward(cpu, x, wt, b, g);
        var yRef = Reference.ConvForward(x, wt, b, g);
        Close.Assert(yRef, yDefault.Select(v => (double)v).ToArray(), 1e-5 * Math.Max(1, Reference.MaxAbs(yRef)), 1e-5, "default");
        Close.Assert(yRef, y2.Select(v => (double)v).ToArray(), 1e-5 * Math.Max(1, Reference.MaxAbs(yRef)), 1e-5, "F(2×2)");
        // F(4×4) rounds differently from F(2×2): the outputs differ in some bits exactly when it ran.
        Assert.Equal(ran4, !yDefault.SequenceEqual(y2));
    }

    [Theory]
    [InlineData(125, 16, true)]
    [InlineData(124, 16, false)]  // 31 tiles per row
    [InlineData(65, 16, false)]   // default's block 2 (64 × 65) at AVX-512: F(2×2)
    [InlineData(65, 8, true)]     // the same at AVX2: F(4×4)
    [InlineData(61, 8, true)]     // 16 tiles per row
    [InlineData(60, 8, false)]
    [InlineData(32, 8, false)]    // 8 tiles: F(2×2) (F(4×4) measured 0.93× of its time here, within this VM's noise)
    public void F4IsChosenWhenARowOfTilesFillsTwoRegisters(int w, int lanes, bool expected) =>
        Assert.Equal(expected, Winograd4.Suits(w, (SimdWidth)lanes));

    private static float[] Forward(CpuBackend cpu, float[] x, float[] wt, float[] b, Conv2dGeometry g)
    {
        var tx = cpu.FromHost(x, new Tensors.Shape(g.Batch, g.InChannels, g.InH, g.InW));
        var tw = cpu.FromHost(wt, new Tensors.Shape(g.OutChannels, g.InChannels, 3, 3));
        var tb = cpu.FromHost(b, new Tensors.Shape(g.OutChannels));
        var ty = cpu.Allocate(new Tensors.Shape(g.Batch, g.OutChannels, g.OutH, g.OutW));
        cpu.Conv2dForward(tx, tw, tb, g, ty);
        return ty.ToArray();
    }

    private static float[] Run(float[] x, float[] wt, float[]? b, int c, int h, int w, int k, int cols, bool adjoint, SimdWidth width)
    {
        // Forward: wt is [k][c][3][3]. Adjoint: the caller passes x = dy with c = its K channels and k = the C channels of dx.
        int wk = adjoint ? c : k, wc = adjoint ? k : c;
        var packed = new float[Winograd4.PackedFilterSize(k, c)];
        Winograd4.TransformFilters(wt, wk, wc, adjoint, packed);
        int tiles = (h + 3) / 4 * ((w + 3) / 4);
        var y = new float[k * h * w];
        var scratch = new float[Winograd4.ScratchSize(c, k, cols)];
        for (int p0 = 0; p0 < tiles; p0 += cols)
            Winograd4.Tiles(x, c, h, w, packed, k, b, p0, Math.Min(cols, tiles - p0), cols, scratch, y, width);
        return y;
    }
}
