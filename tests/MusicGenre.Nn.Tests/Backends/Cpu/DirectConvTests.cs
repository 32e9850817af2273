using System.Runtime.Intrinsics;
using MusicGenre.Nn.Backends;
using MusicGenre.Nn.Backends.Cpu;
using MusicGenre.Nn.Tensors;
using MusicGenre.Simd;

namespace MusicGenre.Nn.Tests.Backends.Cpu;

/// <summary>
/// The direct 3×3 convolution for few input channels (<see cref="DirectConv"/>) at every register width (512, 256, 128
/// and the scalar twin; Vector512 code runs, slowly, where AVX-512 is absent) against the double-precision oracle,
/// forward and weight gradient: one to four channels, widths below, at and above a register, padding 0, 1 and 2, a
/// single-pixel output, odd heights (the weight gradient's unpaired last row).
/// </summary>
public sealed class DirectConvTests
{
    private static readonly SimdWidth[] Widths = [SimdWidth.V512, SimdWidth.V256, SimdWidth.V128, SimdWidth.Scalar];

    [Theory]
    [InlineData(1, 1, 1, 8, 1)]      // 1×1 image: every tap but the centre reads padding
    [InlineData(1, 5, 7, 3, 1)]
    [InlineData(1, 16, 16, 8, 1)]    // exactly one Vector512 register per row
    [InlineData(1, 17, 33, 8, 1)]    // odd height; a row one column past two registers
    [InlineData(2, 9, 20, 5, 0)]     // no padding: a smaller output
    [InlineData(3, 6, 11, 4, 2)]     // padding 2: a larger output, rows and columns of zeros only
    [InlineData(4, 12, 130, 8, 1)]   // the most channels the path takes; default's frame count
    public void EveryWidthMatchesTheDirectSum(int c, int h, int w, int k, int pad)
    {
        var g = Conv2dGeometry.Create(1, c, h, w, k, 3, 3, 1, 1, Padding2d.Symmetric(pad));
        Assert.True(DirectConv.Applies(g));
        int seed = Reference.Seed(c, h, w, k, pad, 5);
        float[] x = Reference.Random(seed, c * h * w), wt = Reference.Random(seed + 1, k * c * 9, 0.5f), b = Reference.Random(seed + 2, k);
        float[] dy = Reference.Random(seed + 3, k * g.OutH * g.OutW);
        var yRef = Reference.ConvForward(x, wt, b, g);
        var dwRef = Reference.ConvBackward(x, wt, dy, g).Dw;
        var scratch = new float[DirectConv.ScratchSize(g)];
        foreach (var width in Widths)
        {
            // Garbage in the scratch and in y: the path must overwrite everything it reads back.
            scratch.AsSpan().Fill(float.NaN);
            var y = Enumerable.Repeat(float.NaN, k * g.OutH * g.OutW).ToArray();
            DirectConv.Forward(x, wt, b, g, 0, k, scratch, y, width);
            Close.Assert(yRef, y.Select(v => (double)v).ToArray(), 1e-5 * Math.Max(1, Reference.MaxAbs(yRef)), 1e-5, $"forward {width}");
            scratch.AsSpan().Fill(float.NaN);
            var dw = Enumerable.Repeat(float.NaN, wt.Length).ToArray();
            DirectConv.WeightGradient(x, dy, g, scratch, dw, width);
            Close.Assert(dwRef, dw.Select(v => (double)v).ToArray(), 1e-5 * Math.Max(1, Reference.MaxAbs(dwRef)), 1e-5, $"dw {width}");
        }
    }

    [Fact]
    public void ForwardOfEveryVectorWidthIsTheSameMultiplyAddChain()
    {
        // Each output is bias, then the taps in (ic, ky, kx) order by multiply-add at every width: where multiply-add is
        // fused in hardware for all three register types, the widths agree bit for bit.
        if (!Vector512.IsHardwareAccelerated || !System.Runtime.Intrinsics.X86.Fma.IsSupported) return;
        var g = Conv2dGeometry.Create(1, 2, 9, 45, 6, 3, 3, 1, 1, Padding2d.Symmetric(1));
        float[] x = Reference.Random(21, 2 * 9 * 45), wt = Reference.Random(22, 6 * 2 * 9, 0.5f), b = Reference.Random(23, 6);
        var scratch = new float[DirectConv.ScratchSize(g)];
        float[] Run(SimdWidth width)
        {
            var y = new float[6 * 9 * 45];
            DirectConv.Forward(x, wt, b, g, 0, 6, scratch, y, width);
            return y;
        }
        var y512 = Run(SimdWidth.V512);
        Assert.Equal(y512, Run(SimdWidth.V256));
        Assert.Equal(y512, Run(SimdWidth.V128));
    }

    [Theory]
    [InlineData(1, 2)]    // a small batch: one work item per (image, output channel)
    [InlineData(2, 9)]    // one work item per image
    public void TheBackendUsesItAndAgreesWithIm2colForAnyThreadCount(int c, int batch)
    {
        var g = Conv2dGeometry.Create(batch, c, 14, 37, 8, 3, 3, 1, 1, Padding2d.Symmetric(1));
        int seed = Reference.Seed(c, batch, 6);
        float[] x = Reference.Random(seed, batch * c * 14 * 37), wt = Reference.Random(seed + 1, 8 * c * 9, 0.5f);
        float[] b = Reference.Random(seed + 2, 8), dy = Reference.Random(seed + 3, batch * 8 * 14 * 37);
        var (yIm2col, dwIm2col) = Run(2, useDirect: false);
        var (y1, dw1) = Run(1, useDirect: true);
        var (y2, dw2) = Run(2, useDirect: true);
        // The sums are fixed per image and added in image order: the same bits for one or two threads.
        Assert.Equal(y1, y2);
        Assert.Equal(dw1, dw2);
        Close.Assert(yIm2col, y2, 1e-5, 1e-5, "forward: direct vs im2col");
        Close.Assert(dwIm2col, dw2, 1e-4, 1e-5, "dw: direct vs im2col");

        (float[] Y, float[] Dw) Run(int threads, bool useDirect)
        {
            using var cpu = new CpuBackend(threads) { UseDirect = useDirect };
            var tx = cpu.FromHost(x, new Shape(batch, c, 14, 37));
            var tw = cpu.FromHost(wt, new Shape(8, c, 3, 3));
            var tb = cpu.FromHost(b, new Shape(8));
            var ty = cpu.Allocate(new Shape(batch, 8, 14, 37));
            var tdy = cpu.FromHost(dy, ty.Shape);
            var tdw = cpu.Allocate(tw.Shape);
            cpu.Conv2dForward(tx, tw, tb, g, ty);
            cpu.Conv2dBackward(tx, tw, tdy, g, null, tdw, null);
            return (ty.ToArray(), tdw.ToArray());
        }
    }
}
