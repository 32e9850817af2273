using MusicGenre.Nn.Backends;
using MusicGenre.Nn.Backends.Cpu;

namespace MusicGenre.Nn.Tests.Backends.Cpu;

/// <summary>
/// The Winograd F(2×2, 3×3) convolution: its vector path and its scalar twin against a double-precision oracle of the
/// direct sum, for the forward and the adjoint (dx) filters, over every way a run of tiles can be cut (edges of odd
/// sizes, runs across tile rows, vector runs with scalar tails, work items of several column blocks).
/// </summary>
public sealed class WinogradTests
{
    [Theory]
    [InlineData(8, 1, 1, 8, 16)]
    [InlineData(8, 5, 7, 9, 32)]
    [InlineData(12, 3, 40, 8, 32)]
    [InlineData(9, 7, 33, 13, 32)]    // 4 × 17 = 68 tiles: three work items of 32, runs crossing tile rows
    [InlineData(32, 16, 16, 64, 64)]
    [InlineData(8, 5, 31, 8, 32)]     // 16 tiles per row, odd width: the 16-tile step meets the right edge
    [InlineData(8, 3, 70, 9, 48)]     // 35 tiles per row: a 16-tile step starting at an odd tile column (13)
    [InlineData(8, 7, 21, 8, 16)]     // 11 per row, items of 16: a run of 5 after one of 11 ends 3 columns short of the item's end
    [InlineData(8, 9, 9, 8, 16)]      // 5 per row: every run shorter than 8
    public void VectorAndScalarTwinMatchTheDirectSum(int c, int h, int w, int k, int cols)
    {
        var g = Conv2dGeometry.Create(1, c, h, w, k, 3, 3, 1, 1, Padding2d.Symmetric(1));
        Assert.True(Winograd.Applies(g));
        int seed = Reference.Seed(c, h, w, k);
        float[] x = Reference.Random(seed, c * h * w), wt = Reference.Random(seed + 1, k * c * 9, 0.5f), b = Reference.Random(seed + 2, k);
        float[] dy = Reference.Random(seed + 3, k * h * w);
        var yRef = Reference.ConvForward(x, wt, b, g);
        var dxRef = Reference.ConvBackward(x, wt, dy, g).Dx;
        foreach (bool vector in new[] { true, false })
        {
            // Scratch poisoned with NaN: a value computed from entries past a run and stored where it is used would show.
            var y = Run(x, wt, b, c, h, w, k, cols, adjoint: false, vector, poison: true);
            Close.Assert(yRef, y.Select(v => (double)v).ToArray(), 1e-5 * Math.Max(1, Reference.MaxAbs(yRef)), 1e-5, $"forward vector={vector}");
            var dx = Run(dy, wt, null, k, h, w, c, cols, adjoint: true, vector, poison: true);
            Close.Assert(dxRef, dx.Select(v => (double)v).ToArray(), 1e-5 * Math.Max(1, Reference.MaxAbs(dxRef)), 1e-5, $"dx vector={vector}");
        }
    }

    [Theory]
    [InlineData(8, 1, 1, 8, 16)]
    [InlineData(8, 5, 7, 9, 32)]
    [InlineData(12, 3, 40, 8, 32)]
    [InlineData(9, 7, 33, 13, 32)]
    [InlineData(32, 16, 16, 64, 64)]
    [InlineData(8, 5, 31, 8, 32)]
    [InlineData(8, 3, 70, 9, 48)]
    public void WeightGradient_VectorAndScalarTwinMatchTheDirectSum(int c, int h, int w, int k, int cols)
    {
        var g = Conv2dGeometry.Create(1, c, h, w, k, 3, 3, 1, 1, Padding2d.Symmetric(1));
        int seed = Reference.Seed(c, h, w, k, 5);
        float[] x = Reference.Random(seed, c * h * w), wt = Reference.Random(seed + 1, k * c * 9, 0.5f), dy = Reference.Random(seed + 3, k * h * w);
        var dwRef = Reference.ConvBackward(x, wt, dy, g).Dw;
        int tiles = (h + 1) / 2 * ((w + 1) / 2);
        foreach (bool vector in new[] { true, false })
        {
            var du = new float[Winograd.Positions * k * c];
            var scratch = new float[Winograd.WeightScratchSize(c, k, cols)];
            for (int p0 = 0; p0 < tiles; p0 += cols)
                Winograd.WeightTiles(x, c, h, w, dy, k, p0, Math.Min(cols, tiles - p0), cols, scratch, du, vector);
            var dw = new float[k * c * 9];
            for (int oc = 0; oc < k; oc++) Winograd.FilterGradient(du, k, c, oc, dw);
            Close.Assert(dwRef, dw.Select(v => (double)v).ToArray(), 1e-5 * Math.Max(1, Reference.MaxAbs(dwRef)), 1e-5, $"dw vector={vector}");
        }
    }

    /// <summary>
    /// With one input channel per product the GEMM is a single multiply (no sum order to differ), so the two paths must
    /// agree bit for bit: the transforms are the same operations in the same order — also in the tails of runs, done by an
    /// overlapping 8-tile step (runs of 8 or more) or by one whose stores keep only the run's tiles (shorter runs), with
    /// the scratch poisoned by NaN so that a lane computed from entries past the run and stored would show.
    /// </summary>
    [Theory]
    [InlineData(6, 37, 32)]   // 19 tiles per row: 16 (or 2 × 8) + a tail of 3 after them
    [InlineData(5, 7, 16)]    // 4 tiles per row: runs shorter than 8
    [InlineData(3, 1, 16)]    // one pixel wide: runs of one tile
    [InlineData(4, 15, 16)]   // 8 tiles per row: one whole step
    [InlineData(7, 21, 16)]   // 11 per row, items of 16 columns: runs of 11 and 5 crossing tile rows
    [InlineData(9, 29, 16)]   // 15 per row: 8 and an overlapping 8
    [InlineData(5, 45, 48)]   // 23 per row: 16 + 7 tail with AVX-512, 8 + 8 + overlapping 8 without
    public void TransformsOfVectorAndScalarPathsAreTheSameOperations(int h, int w, int cols)
    {
        float[] x = Reference.Random(7, 1 * h * w), wt = Reference.Random(8, 8 * 1 * 9), b = Reference.Random(9, 8);
        var y1 = Run(x, wt, b, 1, h, w, 8, cols, adjoint: false, vector: true, poison: true);
        var y2 = Run(x, wt, b, 1, h, w, 8, cols, adjoint: false, vector: false);
        Assert.Equal(y2, y1);
        Assert.DoesNotContain(y1, float.IsNaN);
    }

    [Theory]
    [InlineData(3, 3, 3, 1, 1, 1)]   // too few channels
    [InlineData(8, 3, 3, 2, 1, 8)]   // stride 2
    [InlineData(8, 3, 3, 1, 0, 8)]   // no padding: a smaller output
    [InlineData(8, 5, 5, 1, 2, 8)]   // 5×5 kernel
    public void AppliesOnlyToSameSizeThreeByThreeStrideOne(int c, int kh, int kw, int stride, int pad, int k)
    {
        var g = Conv2dGeometry.Create(1, c, 12, 12, k, kh, kw, stride, stride, Padding2d.Symmetric(pad));
        Assert.False(Winograd.Applies(g));
    }

    private static float[] Run(float[] x, float[] wt, float[]? b, int c, int h, int w, int k, int cols, bool adjoint, bool vector, bool poison = false)
    {
        // Forward: wt is [k][c][3][3]. Adjoint: the caller passes x = dy with c = its K channels and k = the C channels of dx.
        int wk = adjoint ? c : k, wc = adjoint ? k : c;
        var packed = new float[Winograd.PackedFilterSize(k, c)];
        Winograd.TransformFilters(wt, wk, wc, adjoint, packed);
        int tiles = (h + 1) / 2 * ((w + 1) / 2);
        var y = new float[k * h * w];
        var scratch = new float[Winograd.ScratchSize(c, k, cols)];
        if (poison) scratch.AsSpan().Fill(float.NaN);
        for (int p0 = 0; p0 < tiles; p0 += cols)
            Winograd.Tiles(x, c, h, w, packed, k, b, p0, Math.Min(cols, tiles - p0), cols, scratch, y, vector);
        return y;
    }
}
