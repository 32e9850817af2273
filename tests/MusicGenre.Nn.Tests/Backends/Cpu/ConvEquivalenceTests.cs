using MusicGenre.Nn.Backends;
using MusicGenre.Nn.Backends.Cpu;
using MusicGenre.Nn.Tensors;

namespace MusicGenre.Nn.Tests.Backends.Cpu;

/// <summary>
/// The SIMD im2col+GEMM convolution, its scalar twin and a double-precision oracle agree on seeded random data over odd
/// shapes: 1×1 images, kernels larger than the input (with padding), batch 1, channel counts that are not multiples of
/// the vector width or of the 6-row micro-kernel, strides, TensorFlow SAME padding.
/// </summary>
public sealed class ConvEquivalenceTests
{
    public static TheoryData<int, int, int, int, int, int, int, int, string> Shapes() => new()
    {
        // batch, inC, H, W, outC, kh, kw, stride, padding
        { 1, 1, 1, 1, 1, 1, 1, 1, "0" },
        { 1, 3, 1, 1, 7, 3, 3, 1, "1" },          // 1×1 image, kernel larger than input, padding
        { 2, 2, 2, 3, 5, 5, 4, 1, "2" },          // kernel larger than the input
        { 1, 5, 7, 9, 13, 3, 3, 1, "1" },
        { 3, 9, 11, 17, 6, 3, 3, 1, "0" },
        { 2, 2, 40, 32, 6, 4, 4, 1, "same" },     // seed_arch conv1 (asymmetric SAME)
        { 1, 6, 10, 8, 5, 4, 4, 1, "same" },
        { 2, 4, 13, 19, 7, 3, 5, 2, "1" },        // stride 2, rectangular kernel
        { 1, 3, 9, 9, 4, 4, 4, 2, "same" },       // stride 2 SAME
        { 1, 17, 33, 37, 19, 3, 3, 1, "1" },      // multiple tiles per image, odd channel counts
        { 2, 1, 64, 48, 8, 3, 3, 1, "1" },        // small conv1
        { 2, 1, 64, 80, 5, 3, 3, 1, "1" },        // > 16 weight-gradient tiles: several reduction chunks
        // Direct 3×3 stride-1 path (≤ 4 input channels), forward and dW; dx by col2im:
        { 3, 1, 128, 130, 8, 3, 3, 1, "1" },      // default's first layer
        { 5, 4, 7, 19, 3, 3, 3, 1, "0" },         // four channels, no padding, a batch larger than 2 × threads
        // Winograd F(2×2, 3×3) (3×3, stride 1, padding 1, ≥ 8 channels both ways), forward and dx:
        { 1, 8, 1, 1, 8, 3, 3, 1, "1" },          // a single tile, three of its four pixels outside the image
        { 2, 8, 5, 7, 9, 3, 3, 1, "1" },          // odd height and width: tiles cut at both edges
        { 1, 12, 3, 40, 8, 3, 3, 1, "1" },        // runs longer than 8 tiles (vector) with a scalar tail
        { 2, 32, 16, 16, 64, 3, 3, 1, "1" },      // default block 3/4 shapes: several tile rows per work item
        { 1, 64, 9, 130, 10, 3, 3, 1, "1" },      // several work items per image, a run crossing tile rows
    };

    [Theory, MemberData(nameof(Shapes))]
    public void SimdScalarAndOracleAgree(int batch, int inC, int h, int w, int outC, int kh, int kw, int stride, string pad)
    {
        var padding = pad == "same" ? Padding2d.Same : Padding2d.Symmetric(int.Parse(pad));
        var g = Conv2dGeometry.Create(batch, inC, h, w, outC, kh, kw, stride, stride, padding);
        int seed = Reference.Seed(batch, inC, h, w, outC, kh, kw, stride);
        float[] x = Reference.Random(seed, batch * inC * h * w), wt = Reference.Random(seed + 1, outC * inC * kh * kw, 0.5f);
        float[] b = Reference.Random(seed + 2, outC), dy = Reference.Random(seed + 3, batch * outC * g.OutH * g.OutW);
        using var cpu = new CpuBackend(2);
        var xt = cpu.FromHost(x, new Shape(batch, inC, h, w));
        var wtt = cpu.FromHost(wt, new Shape(outC, inC, kh, kw));
        var bt = cpu.FromHost(b, new Shape(outC));
        var yt = cpu.Allocate(new Shape(batch, outC, g.OutH, g.OutW));
        var dyt = cpu.FromHost(dy, yt.Shape);
        var dxt = cpu.Allocate(xt.Shape); var dwt = cpu.Allocate(wtt.Shape); var dbt = cpu.Allocate(bt.Shape);

        // 1. Forward: SIMD backend vs double oracle, scalar twin vs double oracle.
        cpu.Conv2dForward(xt, wtt, bt, g, yt);
        var yRef = Reference.ConvForward(x, wt, b, g);
        double atol = 1e-5 * Math.Max(1, Reference.MaxAbs(yRef));
        Close.Assert(yRef, yt.ToArray().Select(v => (double)v).ToArray(), atol, 1e-5, "forward simd");
        var yScalar = new float[yt.Length];
        for (int n = 0; n < batch; n++) ConvScalar.Forward(x, wt, b, g, n, yScalar);
        Close.Assert(yRef, yScalar.Select(v => (double)v).ToArray(), atol, 1e-5, "forward scalar");

        // 2. Backward: dx, dw, db against the scatter oracle; scalar twins too.
        cpu.Conv2dBackward(xt, wtt, dyt, g, dxt, dwt, dbt);
        var (dxRef, dwRef, dbRef) = Reference.ConvBackward(x, wt, dy, g);
        Close.Assert(dxRef, dxt.ToArray().Select(v => (double)v).ToArray(), 1e-5 * Math.Max(1, Reference.MaxAbs(dxRef)), 1e-5, "dx simd");
        Close.Assert(dwRef, dwt.ToArray().Select(v => (double)v).ToArray(), 1e-5 * Math.Max(1, Reference.MaxAbs(dwRef)), 1e-5, "dw simd");
        Close.Assert(dbRef, dbt.ToArray().Select(v => (double)v).ToArray(), 1e-5 * Math.Max(1, Reference.MaxAbs(dbRef)), 1e-5, "db simd");
        var dxS = new float[x.Length]; var dwS = new float[wt.Length];
        for (int n = 0; n < batch; n++) ConvScalar.BackwardInput(wt, dy, g, n, dxS);
        for (int oc = 0; oc < outC; oc++) ConvScalar.BackwardWeight(x, dy, g, oc, dwS);
        Close.Assert(dxRef, dxS.Select(v => (double)v).ToArray(), 1e-5 * Math.Max(1, Reference.MaxAbs(dxRef)), 1e-5, "dx scalar");
        Close.Assert(dwRef, dwS.Select(v => (double)v).ToArray(), 1e-5 * Math.Max(1, Reference.MaxAbs(dwRef)), 1e-5, "dw scalar");
    }

    [Theory]
    [InlineData(1, 1, 1, 1)]
    [InlineData(5, 7, 3, 16)]
    [InlineData(6, 9, 17, 32)]
    [InlineData(13, 29, 45, 48)]
    [InlineData(2, 9, 32, 32)]    // the 2-row kernel alone
    [InlineData(4, 9, 31, 32)]    // the 4-row kernel, ragged columns
    [InlineData(8, 9, 48, 48)]    // 6 + 2 rows (the default network's first conv)
    [InlineData(16, 72, 64, 64)]  // 6 + 6 + 4
    [InlineData(9, 5, 16, 16)]    // 6 + 3: the 4-row kernel staged
    [InlineData(32, 32, 64, 64)]  // 5 × 6 + 2: the last 2 rows by the 64-pixel Vector512 kernel (Winograd products)
    [InlineData(8, 9, 90, 96)]    // 6 + 2 rows: 64 pixels, then a 16-pixel block and a ragged 10
    public void GemmMicroKernelMatchesScalarTwin(int m, int k, int count, int tile)
    {
        var a = Reference.Random(m * 31 + k, m * k); var b = Reference.Random(k * 17 + count, k * tile);
        var bias = Reference.Random(m, m);
        var packed = new float[ConvGemm.PackedSize(m, k)];
        ConvGemm.PackA(m, k, (r, c) => a[r * k + c], packed);
        int ldc = count + 3;
        var simd = new float[m * ldc]; var scalar = new float[m * ldc];
        ConvGemm.GemmTile(packed, m, k, b, tile, count, bias, simd, ldc);
        ConvGemm.GemmTileScalar(packed, m, k, b, tile, count, bias, scalar, ldc);
        Close.Assert(scalar, simd, 1e-5, 1e-5, "gemm tile");
        // The 128-bit kernel (ARM64, x86 without AVX) runs anywhere: against the twin, and — both fused where the CPU
        // fuses, k ascending — bit for bit what the widest kernel computed.
        var narrow = new float[m * ldc];
        ConvGemm.GemmTile128(packed, m, k, b, tile, count, bias, narrow, ldc);
        Close.Assert(scalar, narrow, 1e-5, 1e-5, "gemm tile 128");
        if (System.Runtime.Intrinsics.X86.Fma.IsSupported) Assert.Equal(simd, narrow);
        // The padding columns between rows are never written.
        for (int r = 0; r < m; r++)
            for (int j = count; j < ldc; j++) { Assert.Equal(0f, simd[r * ldc + j]); Assert.Equal(0f, narrow[r * ldc + j]); }
    }

    [Theory]
    [InlineData(12, 37, 80, 80)]  // 32-pixel (Vector512) blocks, then a 16-pixel block
    [InlineData(8, 9, 96, 96)]    // 6 rows at 32 pixels, 2 rows at 64 then 16
    [InlineData(32, 32, 128, 128)] // the Winograd product's shape: 2 rows at 64 pixels, twice
    [InlineData(6, 20, 40, 48)]   // one 32-pixel block, then a ragged 8
    public void GemmVectorPathsAreTheFusedMultiplyAddChainBitForBit(int m, int k, int count, int tile)
    {
        // With FMA, every vector kernel (6×32 and 2×64 Vector512, 6×16/4×16/2×16 Vector256) computes each output as
        // fma(a[r,k−1], b[k−1,j], … fma(a[r,0], b[0,j], 0)) + bias: bit-identical whichever runs, so results do not depend
        // on the vector width. (Without FMA or vectors the scalar twin runs; the test above compares it with a tolerance.)
        if (!ConvGemm.UseVector || !System.Runtime.Intrinsics.X86.Fma.IsSupported) return;
        var a = Reference.Random(m + k, m * k); var b = Reference.Random(k + count, k * tile); var bias = Reference.Random(m + 1, m);
        var packed = new float[ConvGemm.PackedSize(m, k)];
        ConvGemm.PackA(m, k, (r, c) => a[r * k + c], packed);
        var c = new float[m * count];
        ConvGemm.GemmTile(packed, m, k, b, tile, count, bias, c, count);
        for (int r = 0; r < m; r++)
            for (int j = 0; j < count; j++)
            {
                float acc = 0f;
                for (int p = 0; p < k; p++) acc = MathF.FusedMultiplyAdd(a[r * k + p], b[p * tile + j], acc);
                Assert.Equal(BitConverter.SingleToInt32Bits(acc + bias[r]), BitConverter.SingleToInt32Bits(c[r * count + j]));
            }
    }

    [Theory]
    [InlineData(1, 1, 1, 16)]
    [InlineData(3, 5, 7, 16)]
    [InlineData(6, 9, 33, 48)]
    [InlineData(7, 10, 100, 112)]
    [InlineData(5, 11, 64, 64)]   // 2 × 3 blocks and their row and column remainders, no tail pixels
    public void WeightGradKernelMatchesScalarTwin(int m, int k, int count, int tile)
    {
        var dy = Reference.Random(m + k, m * count); var b = Reference.Random(count, k * tile);
        var start = Reference.Random(7, m * k);
        var simd = (float[])start.Clone(); var scalar = (float[])start.Clone();
        ConvGemm.WeightGradTile(dy, count, m, b, tile, k, count, simd);
        ConvGemm.WeightGradTileScalar(dy, count, m, b, tile, k, count, scalar);
        Close.Assert(scalar, simd, 1e-5, 1e-5, "weight-grad tile");
        // The 128-bit kernel (ARM64, x86 without AVX) runs anywhere: against the twin, and — its (lo, hi) accumulator pairs
        // folded as the Vector256 path folds its lanes — bit for bit what the Vector256 path computed where both fuse.
        var narrow = (float[])start.Clone();
        ConvGemm.WeightGradTile128(dy, count, m, b, tile, k, count, narrow);
        Close.Assert(scalar, narrow, 1e-5, 1e-5, "weight-grad tile 128");
        if (ConvGemm.UseVector && System.Runtime.Intrinsics.X86.Fma.IsSupported) Assert.Equal(simd, narrow);
    }

    [Theory]
    [InlineData(1, 1, 1, 1, 1, 0, 0, 1, 0, 1, 16)]      // one pixel
    [InlineData(2, 5, 7, 3, 3, 1, 1, 7, 3, 30, 32)]     // runs across output rows, ragged tile
    [InlineData(3, 9, 11, 3, 5, 1, 2, 11, 0, 99, 112)]  // rectangular kernel, whole image in one tile
    [InlineData(1, 2, 3, 5, 4, 2, 1, 3, 4, 2, 16)]      // kernel larger than the image
    [InlineData(2, 33, 37, 3, 3, 1, 1, 37, 40, 200, 208)] // runs longer than a vector
    public void Col2ImMatchesScalarTwinBitForBit(int channels, int h, int w, int kh, int kw, int padT, int padL, int outW, int p0, int count, int tile)
    {
        var b = Reference.Random(channels * 7 + h, channels * kh * kw * tile);
        var start = Reference.Random(w, channels * h * w);
        var simd = (float[])start.Clone(); var scalar = (float[])start.Clone();
        ConvGemm.Col2ImTile(b, channels, h, w, kh, kw, padT, padL, outW, p0, count, tile, simd);
        ConvGemm.Col2ImTileScalar(b, channels, h, w, kh, kw, padT, padL, outW, p0, count, tile, scalar);
        Assert.Equal(scalar, simd);
        Assert.NotEqual(start, simd);
    }

    [Fact]
    public void ResultsAreBitwiseIdenticalAcrossRunsAndThreadCounts()
    {
        // 30 weight-gradient tiles: two reduction chunks, combined across threads.
        var g = Conv2dGeometry.Create(3, 2, 67, 71, 7, 3, 3, 1, 1, Padding2d.Symmetric(1));
        float[] x = Reference.Random(1, 3 * 2 * 67 * 71), w = Reference.Random(2, 7 * 2 * 9), dy = Reference.Random(3, 3 * 7 * 67 * 71);
        float[][] Run(int threads)
        {
            using var cpu = new CpuBackend(threads);
            var xt = cpu.FromHost(x, new Shape(3, 2, 67, 71)); var wt = cpu.FromHost(w, new Shape(7, 2, 3, 3));
            var y = cpu.Allocate(new Shape(3, 7, 67, 71)); var dyt = cpu.FromHost(dy, y.Shape);
            var dx = cpu.Allocate(xt.Shape); var dw = cpu.Allocate(wt.Shape); var db = cpu.Allocate(new Shape(7));
            cpu.Conv2dForward(xt, wt, null, g, y);
            cpu.Conv2dBackward(xt, wt, dyt, g, dx, dw, db);
            return [y.ToArray(), dx.ToArray(), dw.ToArray(), db.ToArray()];
        }
        var one = Run(1); var two = Run(2); var again = Run(2); var four = Run(4);
        for (int i = 0; i < one.Length; i++)
        {
            Assert.Equal(one[i], two[i]);
            Assert.Equal(two[i], again[i]);
            Assert.Equal(two[i], four[i]);
        }
    }

    [Theory]
    [InlineData(true)]   // Winograd weight gradient (3×3, padding 1, ≥ 8 channels)
    [InlineData(false)]  // im2col weight gradient
    public void WeightGradientPartialsFromThePoolStartAtZero(bool winograd)
    {
        // The weight gradient's chunk partials live in one pooled buffer that each chunk clears itself. A first call
        // with large values leaves that buffer dirty; the second call, on other data, must still match the oracle
        // (a stale partial would add the first call's sums).
        var g = Conv2dGeometry.Create(4, 8, 12, 40, 9, 3, 3, 1, 1, Padding2d.Symmetric(1));
        using var cpu = new CpuBackend(2) { UseWinograd = winograd, UseDirect = false };
        float[] w = Reference.Random(5, 9 * 8 * 9, 0.5f);
        float[] Dw(float[] x, float[] dy)
        {
            var xt = cpu.FromHost(x, new Shape(4, 8, 12, 40)); var wt = cpu.FromHost(w, new Shape(9, 8, 3, 3));
            var dyt = cpu.FromHost(dy, new Shape(4, 9, 12, 40)); var dw = cpu.Allocate(wt.Shape);
            cpu.Conv2dBackward(xt, wt, dyt, g, null, dw, null);
            return dw.ToArray();
        }
        Dw(Reference.Random(6, 4 * 8 * 12 * 40).Select(v => v * 1000).ToArray(), Reference.Random(7, 4 * 9 * 12 * 40).Select(v => v * 1000).ToArray());
        float[] x = Reference.Random(8, 4 * 8 * 12 * 40), dy = Reference.Random(9, 4 * 9 * 12 * 40);
        var (_, dwRef, _) = Reference.ConvBackward(x, w, dy, g);
        Close.Assert(dwRef, Dw(x, dy).Select(v => (double)v).ToArray(), 1e-5 * Math.Max(1, Reference.MaxAbs(dwRef)), 1e-5, "dw after a dirty call");
    }

    [Theory]
    [InlineData(140, 3)] // Winograd F(4×4): a row of 35 tiles fills two 512-bit registers
    [InlineData(20, 3)]  // Winograd F(2×2)
    [InlineData(20, 5)]  // im2col + GEMM (5×5)
    public void FixedWeights_GiveTheSameBits_AndPrepareTheFiltersOnce(int width, int kernel)
    {
        // An inference backend (FixedWeights) keeps each convolution's prepared filters: the first and later calls give
        // the bits of a backend that prepares them every time; and since it never prepares them again, changing the
        // weights afterwards (which its contract forbids) leaves its output as it was, while the other backend follows.
        var g = Conv2dGeometry.Create(2, 8, 12, width, 9, kernel, kernel, 1, 1, Padding2d.Symmetric(kernel / 2));
        using var fixedCpu = new CpuBackend(2) { FixedWeights = true };
        using var cpu = new CpuBackend(2);
        float[] x = Reference.Random(11, 2 * 8 * 12 * width), w = Reference.Random(12, 9 * 8 * kernel * kernel, 0.5f), b = Reference.Random(13, 9);
        float[] Forward(CpuBackend backend, Tensors.Tensor wt)
        {
            using var xt = backend.FromHost(x, new Shape(2, 8, 12, width));
            using var bt = backend.FromHost(b, new Shape(9));
            using var y = backend.Allocate(new Shape(2, 9, g.OutH, g.OutW));
            backend.Conv2dForward(xt, wt, bt, g, y);
            return y.ToArray();
        }
        using var wFixed = fixedCpu.FromHost(w, new Shape(9, 8, kernel, kernel));
        using var wPlain = cpu.FromHost(w, new Shape(9, 8, kernel, kernel));
        float[] first = Forward(fixedCpu, wFixed), expected = Forward(cpu, wPlain);
        Assert.Equal(expected, first);
        Assert.Equal(expected, Forward(fixedCpu, wFixed));
        float[] changed = [.. w.Select(v => -v)];
        wFixed.CopyFrom(changed);
        wPlain.CopyFrom(changed);
        float[] plainAfter = Forward(cpu, wPlain);
        Assert.NotEqual(first, plainAfter);
        // Without any vector path (DOTNET_EnableHWIntrinsic=0) the naive twin runs and prepares nothing.
        bool prepares = ConvGemm.UseVector || ConvGemm.Use128;
        Assert.Equal(prepares ? first : plainAfter, Forward(fixedCpu, wFixed));
    }
}
