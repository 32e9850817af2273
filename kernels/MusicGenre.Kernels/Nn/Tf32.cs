using ILGPU;
using ILGPU.Runtime.Cuda;

namespace MusicGenre.Kernels.Nn;

/// <summary>
/// TensorFloat-32 on NVIDIA tensor cores (sm_80 and later), for <see cref="NnKernels.ConvGemmTf32Kernel{TTile}"/>: FP32's
/// 8-bit exponent with a 10-bit mantissa, products accumulated in FP32 — what PyTorch's cuDNN convolutions use by default
/// (<c>torch.backends.cudnn.allow_tf32</c>). On CUDA both operations are single PTX instructions (inline assembly); on
/// every other accelerator (ILGPU's simulator, for tests) they are emulated with the same data layout, so the kernel's
/// indexing is tested without a GPU. The emulation needs 32-lane warps.
/// </summary>
internal static class Tf32
{
    /// <summary>
    /// <paramref name="value"/> rounded to TF32 (nearest, ties away from zero: <c>cvt.rna.tf32.f32</c>), returned as the
    /// float whose low 13 mantissa bits are zero. NaN and ±∞ pass unchanged; a value that rounds past the largest finite
    /// number becomes ∞, as the hardware conversion does.
    /// </summary>
    public static float Round(float value)
    {
        if (CudaAsm.IsSupported)
        {
            CudaAsm.Emit("cvt.rna.tf32.f32 %0, %1;", out uint bits, value);
            return Interop.IntAsFloat(bits);
        }
        return RoundScalar(value);
    }

    /// <summary>The scalar twin of <see cref="Round"/> (also its emulation): add half of the 13 dropped bits' weight to the
    /// magnitude, then drop them.</summary>
    public static float RoundScalar(float value)
    {
        uint bits = Interop.FloatAsInt(value);
        if ((bits & 0x7F800000u) == 0x7F800000u) return value;  // NaN, ±∞
        return Interop.IntAsFloat((bits + 0x1000u) & 0xFFFFE000u);
    }

    /// <summary>
    /// One warp-wide <c>mma.sync.aligned.m16n8k8.row.col.f32.tf32.tf32.f32</c>: D (16 × 8) = A (16 × 8) · B (8 × 8) + C,
    /// every lane holding its fragments (PTX ISA, "Matrix Fragments for mma.m16n8k8", .tf32), with g = lane / 4 and
    /// t = lane % 4: A: a0 = (g, t), a1 = (g + 8, t), a2 = (g, t + 4), a3 = (g + 8, t + 4); B: b0 = (t, g), b1 = (t + 4, g);
    /// C and D: c0 = (g, 2t), c1 = (g, 2t + 1), c2 = (g + 8, 2t), c3 = (g + 8, 2t + 1). Operands must already be TF32
    /// (<see cref="Round"/>). All 32 lanes of the warp must call it together.
    /// </summary>
    public static Acc4 Mma(Acc4 c, float a0, float a1, float a2, float a3, float b0, float b1)
    {
        if (CudaAsm.IsSupported)
        {
            Ref<float> d0 = c.C0, d1 = c.C1, d2 = c.C2, d3 = c.C3;
            Input<uint> ia0 = Interop.FloatAsInt(a0), ia1 = Interop.FloatAsInt(a1), ia2 = Interop.FloatAsInt(a2), ia3 = Interop.FloatAsInt(a3);
            Input<uint> ib0 = Interop.FloatAsInt(b0), ib1 = Interop.FloatAsInt(b1);
            CudaAsm.EmitRef(
                "mma.sync.aligned.m16n8k8.row.col.f32.tf32.tf32.f32 {%0, %1, %2, %3}, {%4, %5, %6, %7}, {%8, %9}, {%0, %1, %2, %3};",
                ref d0, ref d1, ref d2, ref d3, ref ia0, ref ia1, ref ia2, ref ia3, ref ib0, ref ib1);
            return new Acc4(d0.Value, d1.Value, d2.Value, d3.Value);
        }
        return MmaEmulated(c, a0, a1, a2, a3, b0, b1);
    }

    // The emulation: for each k, every lane fetches the A values of its two rows (g, g + 8) and the B values of its two
    // columns (2t, 2t + 1) from the lanes that hold them (A(r, k) lives in lane 4·(r mod 8) + k mod 4, register a0/a1 for
    // k < 4, a2/a3 above; B(k, n) in lane 4·n + k mod 4, register b0 for k < 4, b1 above) and accumulates in k order.
    private static Acc4 MmaEmulated(Acc4 c, float a0, float a1, float a2, float a3, float b0, float b1)
    {
        int lane = Warp.LaneIdx, g = lane >> 2, t = lane & 3;
        float d0 = c.C0, d1 = c.C1, d2 = c.C2, d3 = c.C3;
        for (int k = 0; k < 8; k++)
        {
            int q = k & 3;
            float top = Warp.Shuffle(k < 4 ? a0 : a2, 4 * g + q);
            float bottom = Warp.Shuffle(k < 4 ? a1 : a3, 4 * g + q);
            float left = Warp.Shuffle(k < 4 ? b0 : b1, 4 * (2 * t) + q);
            float right = Warp.Shuffle(k < 4 ? b0 : b1, 4 * (2 * t + 1) + q);
            d0 += top * left; d1 += top * right; d2 += bottom * left; d3 += bottom * right;
        }
        return new Acc4(d0, d1, d2, d3);
    }
}

/// <summary>One lane's four accumulators of an m16n8 tile (see <see cref="Tf32.Mma"/>).</summary>
internal readonly struct Acc4
{
    public Acc4(float c0, float c1, float c2, float c3) { C0 = c0; C1 = c1; C2 = c2; C3 = c3; }

    public readonly float C0, C1, C2, C3;
}
