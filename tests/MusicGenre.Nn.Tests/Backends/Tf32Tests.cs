using MusicGenre.Kernels.Nn;
using MusicGenre.Kernels.Runtime;
using MusicGenre.Nn.Backends;
using MusicGenre.Nn.Backends.Gpu;
using MusicGenre.Nn.Tensors;
using MusicGenre.Nn.Tests.Gpu;

namespace MusicGenre.Nn.Tests.Backends;

/// <summary>
/// The TF32 tensor-core convolution (<see cref="NnKernels.ConvGemmTf32Kernel{TTile}"/>) without a GPU: on ILGPU's
/// simulator with 32-lane warps (one-warp groups, 32 × 64 tiles: the GPU's eight-warp groups are too slow to simulate), where <see cref="Tf32.Mma"/> is emulated with warp shuffles on
/// the PTX ISA's fragment layout, it must equal the scalar twin run on TF32-rounded operands — which an FP32 result
/// (about 10⁻³ away) or a misplaced fragment would not. The real instructions are checked on the GPU by the backend's
/// self-check (and the same comparison in the GPU check's Gpu namespace).
/// </summary>
[Collection(SimulatorCollection.Name)]
public sealed class Tf32Tests
{
    [Fact]
    public void Rounding_to_tf32_is_to_nearest_with_ties_away_from_zero_keeping_specials()
    {
        float one = 1f, ulp = MathF.Pow(2, -10);  // TF32 keeps 10 mantissa bits: its ulp at 1 is 2^-10
        Assert.Equal(one, Tf32.RoundScalar(one));
        Assert.Equal(one + ulp, Tf32.RoundScalar(one + ulp / 2));        // a tie rounds away from zero
        Assert.Equal(-(one + ulp), Tf32.RoundScalar(-(one + ulp / 2)));
        Assert.Equal(one, Tf32.RoundScalar(one + ulp / 4));               // below half: down
        Assert.Equal(one + ulp, Tf32.RoundScalar(one + ulp * 3 / 4));     // above half: up
        Assert.Equal(0u, BitConverter.SingleToUInt32Bits(Tf32.RoundScalar(0.1f)) & 0x1FFFu);
        Assert.True(float.IsNaN(Tf32.RoundScalar(float.NaN)));
        Assert.Equal(float.PositiveInfinity, Tf32.RoundScalar(float.PositiveInfinity));
        Assert.Equal(float.NegativeInfinity, Tf32.RoundScalar(float.NegativeInfinity));
        Assert.Equal(float.PositiveInfinity, Tf32.RoundScalar(float.MaxValue));  // rounds past the largest finite TF32
    }

    [Fact]
    public void Tf32_convolution_on_the_emulating_simulator_matches_the_scalar_twin_on_rounded_operands()
    {
        using var device = GpuDevice.OpenSimulator(32, threadsPerWarp: 32);
        using var backend = new GpuBackend(device, ownsDevice: false) { ConvKernel = ConvKernelChoice.Tf32Forced };
        var rng = new Random(29);
        var cases = new (int N, int C, int H, int W, int OC, int KH, int KW, int SH, int SW, Padding2d Pad)[]
        {
            (2, 8, 6, 20, 32, 3, 3, 1, 1, Padding2d.Symmetric(1)),    // 32 rows, 240 columns: four column tiles; dw k sliced
            (1, 40, 5, 7, 70, 3, 3, 1, 1, Padding2d.Symmetric(1)),    // 70 rows: three row tiles, the last cut; dx 40 rows
            (1, 16, 5, 9, 36, 2, 3, 2, 2, new Padding2d(1, 0, 1, 1)), // strided, uneven kernel and padding
        };
        foreach (var c in cases)
        {
            var g = Conv2dGeometry.Create(c.N, c.C, c.H, c.W, c.OC, c.KH, c.KW, c.SH, c.SW, c.Pad);
            var p = new ConvParams(g.Batch, g.InChannels, g.InH, g.InW, g.OutChannels, g.KernelH, g.KernelW, g.StrideH, g.StrideW, g.PadTop, g.PadLeft, g.OutH, g.OutW);
            float[] x = Random(rng, c.N * c.C * c.H * c.W), w = Random(rng, c.OC * c.C * c.KH * c.KW), b = Random(rng, c.OC);
            float[] dy = Random(rng, c.N * c.OC * g.OutH * g.OutW);

            // The twin on operands rounded as the kernel stages them; db is a plain FP32 sum of dy.
            float[] y = new float[dy.Length], dx = new float[x.Length], dw = new float[w.Length], db = new float[c.OC];
            float[] xr = Round(x), wr = Round(w), dyr = Round(dy);
            NnScalar.ConvForward(xr, wr, b, y, p);
            NnScalar.ConvBackward(xr, wr, dyr, dx, dw, db, p);
            for (int o = 0; o < c.OC; o++) db[o] = 0;
            for (int i = 0; i < dy.Length; i++) db[i / (g.OutH * g.OutW) % c.OC] += dy[i];
            if (c.C < 32)
            {
                // dx has fewer than 32 rows: it stays on the FP32 4 × 4 kernel, so its twin takes the operands as they are.
                float[] unusedDw = new float[w.Length], unusedDb = new float[c.OC];
                NnScalar.ConvBackward(x, w, dy, dx, unusedDw, unusedDb, p);
            }

            var outputs = GpuBackendKernelsTests.ConvPass(backend, g, x, w, b, dy);
            Assert.Null(backend.Tf32Unavailable);
            string name = $"TF32 conv {c}";
            Close.Assert(y, outputs[0], 1e-5, 1e-5, name + " y");
            Close.Assert(dw, outputs[2], 1e-5, 1e-5, name + " dw");
            Close.Assert(db, outputs[3], 1e-5, 1e-5, name + " db");
            Close.Assert(dx, outputs[1], 1e-5, 1e-5, name + " dx");
        }
    }

    [Fact]
    public void Without_32_lane_warps_tf32_is_refused_with_the_reason_and_fp32_is_used()
    {
        using var device = GpuDevice.OpenSimulator(16);  // warps of 4
        using var tf32 = new GpuBackend(device, ownsDevice: false) { ConvKernel = ConvKernelChoice.Tf32Forced };
        using var fp32 = new GpuBackend(device, ownsDevice: false) { ConvKernel = ConvKernelChoice.Wide };
        var g = Conv2dGeometry.Create(1, 8, 5, 9, 40, 3, 3, 1, 1, Padding2d.Symmetric(1));
        var rng = new Random(3);
        float[] x = Random(rng, 8 * 45), w = Random(rng, 40 * 8 * 9);
        float[] a = Forward(tf32, x, w, g), b = Forward(fp32, x, w, g);
        Assert.Contains("32-lane warps", tf32.Tf32Unavailable);
        Assert.Equal(b, a);
    }

    private static float[] Forward(GpuBackend backend, float[] x, float[] w, Conv2dGeometry g)
    {
        using var tx = backend.FromHost(x, new Shape(g.Batch, g.InChannels, g.InH, g.InW));
        using var tw = backend.FromHost(w, new Shape(g.OutChannels, g.InChannels, g.KernelH, g.KernelW));
        using var ty = backend.Allocate(new Shape(g.Batch, g.OutChannels, g.OutH, g.OutW));
        backend.Conv2dForward(tx, tw, null, g, ty);
        return ty.ToArray();
    }

    private static float[] Round(float[] a) => [.. a.Select(Tf32.RoundScalar)];

    private static float[] Random(Random rng, int n)
    {
        var a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float)(rng.NextDouble() * 2 - 1);
        return a;
    }
}
