using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using MusicGenre.Simd;

namespace MusicGenre.Nn.Backends.Cpu;

/// <summary>
/// Direct 3×3, stride-1 convolution for few input channels (the 1 → 8 first layer of <c>default</c> on 128 × 130
/// log-mels): forward and weight gradient without im2col. With one input channel im2col + GEMM multiplies a 9-deep
/// product, so it is bound by writing and reading the 9× larger column matrix, not by arithmetic; here every output row
/// is 9·C fused multiply-adds of shifted loads from the input rows, which stay in L1.
/// <para>
/// Layout (per image): the input is copied once into a zero-padded plane <c>xp[ic][r][col]</c> of OH + 3 rows (one spare
/// zero row lets the weight gradient take output rows in pairs), row r holding input row <c>r − padTop</c> and column col
/// input column <c>col − padLeft</c>, with <see cref="Lo"/> + 2 columns per row, where
/// <see cref="Lo"/> is the output width rounded up to 16. Output pixel (oh, ow) then reads <c>xp[ic][oh + ky][ow + kx]</c>
/// for every tap: a register of output columns ow..ow + lanes − 1 is nine unaligned loads at offsets kx = 0, 1, 2 from
/// three consecutive rows, with no edge tests (the padding is zeros, and the columns past the output width are computed
/// into a row buffer and dropped).
/// </para>
/// <para>
/// Written once over <see cref="ISimdOps{TV}"/>: Vector512 (16 output columns per register), Vector256 (8), Vector128
/// (4) and the scalar twin (<see cref="ScalarOps"/>, one column). Each forward output is the same chain at every width:
/// bias, then the taps in (ic, ky, kx) order by multiply-add, so the vector widths agree bit for bit where multiply-add
/// is fused. The weight gradient sums lanes in lane order, a different (fixed) order per width.
/// </para>
/// </summary>
internal static unsafe class DirectConv
{
    /// <summary>The most input channels for which the direct path is used (im2col + GEMM or Winograd above).</summary>
    public const int MaxInChannels = 4;

    /// <summary>Whether <paramref name="g"/> is a 3×3, stride-1 convolution with at most <see cref="MaxInChannels"/> inputs.</summary>
    public static bool Applies(in Conv2dGeometry g) =>
        g.InChannels <= MaxInChannels && g.KernelH == 3 && g.KernelW == 3 && g.StrideH == 1 && g.StrideW == 1;

    /// <summary>Output row length in the padded buffers: the output width rounded up to 16 (a multiple of every width).</summary>
    public static int Lo(in Conv2dGeometry g) => (g.OutW + 15) & ~15;

    /// <summary>Floats of scratch one call of <see cref="Forward"/> or <see cref="WeightGradient"/> needs.</summary>
    public static int ScratchSize(in Conv2dGeometry g) => g.InChannels * Rows(g) * (Lo(g) + 2) + (g.OutH + 1) * Lo(g);

    // Rows of the padded input plane: OH + 2 for the taps, one spare zero row for an unpaired last output row.
    private static int Rows(in Conv2dGeometry g) => g.OutH + 3;

    /// <summary>
    /// y[oc] = conv(x, w[oc]) + b[oc] for one image and output channels <paramref name="oc0"/> ≤ oc &lt; <paramref name="oc1"/>.
    /// x is the image <c>[C][H][W]</c>, w all filters <c>[K][C][3][3]</c>, y the image's output <c>[K][OH][OW]</c>.
    /// </summary>
    public static void Forward(ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<float> bias, in Conv2dGeometry g,
        int oc0, int oc1, Span<float> scratch, Span<float> y, SimdWidth width)
    {
        switch (width)
        {
            case SimdWidth.V512: Forward<Vector512<float>, Vec512Ops>(x, w, bias, g, oc0, oc1, scratch, y); break;
            case SimdWidth.V256: Forward<Vector256<float>, Vec256Ops>(x, w, bias, g, oc0, oc1, scratch, y); break;
            case SimdWidth.V128: Forward<Vector128<float>, Vec128Ops>(x, w, bias, g, oc0, oc1, scratch, y); break;
            default: Forward<float, ScalarOps>(x, w, bias, g, oc0, oc1, scratch, y); break;
        }
    }

    /// <summary>
    /// This image's share of dW: <c>partial[oc][ic][ky][kx] = Σ_(oh, ow) dy[oc][oh][ow] · x[ic][oh + ky − padTop][ow + kx − padLeft]</c>,
    /// every element written once. x is the image <c>[C][H][W]</c>, dy its output gradient <c>[K][OH][OW]</c>.
    /// </summary>
    public static void WeightGradient(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, in Conv2dGeometry g, Span<float> scratch,
        Span<float> partial, SimdWidth width)
    {
        switch (width)
        {
            case SimdWidth.V512: WeightGradient<Vector512<float>, Vec512Ops>(x, dy, g, scratch, partial); break;
            case SimdWidth.V256: WeightGradient<Vector256<float>, Vec256Ops>(x, dy, g, scratch, partial); break;
            case SimdWidth.V128: WeightGradient<Vector128<float>, Vec128Ops>(x, dy, g, scratch, partial); break;
            default: WeightGradient<float, ScalarOps>(x, dy, g, scratch, partial); break;
        }
    }

    // The zero-padded input plane (class comment): OutH + 3 rows of Lo + 2 columns per input channel.
    private static void PadImage(ReadOnlySpan<float> x, in Conv2dGeometry g, Span<float> xp)
    {
        int rows = Rows(g), lp = Lo(g) + 2, h = g.InH, w = g.InW;
        for (int ic = 0; ic < g.InChannels; ic++)
            for (int r = 0; r < rows; r++)
            {
                var dst = xp.Slice((ic * rows + r) * lp, lp);
                int ih = r - g.PadTop;
                // Columns the input does not cover stay zero: left padding, right padding and the rounding to Lo.
                int first = Math.Min(g.PadLeft, lp), count = (uint)ih < (uint)h ? Math.Clamp(lp - g.PadLeft, 0, w) : 0;
                dst[..first].Clear();
                if (count > 0) x.Slice((ic * h + ih) * w, count).CopyTo(dst[first..]);
                dst[(first + count)..].Clear();
            }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // optimised from the first call (see ISimdOps)
    private static void Forward<TV, TOps>(ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<float> bias,
        in Conv2dGeometry g, int oc0, int oc1, Span<float> scratch, Span<float> y)
        where TV : struct where TOps : ISimdOps<TV>
    {
        int c = g.InChannels, oh_ = g.OutH, ow_ = g.OutW, lo = Lo(g), lp = lo + 2, rows = Rows(g);
        var xp = scratch[..(c * rows * lp)];
        var row = scratch.Slice(c * rows * lp, lo);
        PadImage(x, g, xp);
        fixed (float* pxp = xp, prow = row, pw = w)
        {
            for (int oc = oc0; oc < oc1; oc++)
            {
                var vb = TOps.Broadcast(bias.IsEmpty ? 0f : bias[oc]);
                for (int oh = 0; oh < oh_; oh++)
                {
                    // The output row is built in `row` (Lo columns): channel 0 starts from the bias, each further channel
                    // adds its nine taps to what the previous ones left.
                    for (int ic = 0; ic < c; ic++)
                    {
                        float* k = pw + (oc * c + ic) * 9;
                        TV w0 = TOps.Broadcast(k[0]), w1 = TOps.Broadcast(k[1]), w2 = TOps.Broadcast(k[2]);
                        TV w3 = TOps.Broadcast(k[3]), w4 = TOps.Broadcast(k[4]), w5 = TOps.Broadcast(k[5]);
                        TV w6 = TOps.Broadcast(k[6]), w7 = TOps.Broadcast(k[7]), w8 = TOps.Broadcast(k[8]);
                        float* r0 = pxp + (ic * rows + oh) * lp, r1 = r0 + lp, r2 = r1 + lp;
                        for (int j = 0; j < lo; j += TOps.Count)
                        {
                            nuint u = (nuint)j;
                            TV acc = ic == 0 ? vb : TOps.Load(ref *prow, u);
                            acc = TOps.MulAdd(w0, TOps.Load(ref *r0, u), acc);
                            acc = TOps.MulAdd(w1, TOps.Load(ref *r0, u + 1), acc);
                            acc = TOps.MulAdd(w2, TOps.Load(ref *r0, u + 2), acc);
                            acc = TOps.MulAdd(w3, TOps.Load(ref *r1, u), acc);
                            acc = TOps.MulAdd(w4, TOps.Load(ref *r1, u + 1), acc);
                            acc = TOps.MulAdd(w5, TOps.Load(ref *r1, u + 2), acc);
                            acc = TOps.MulAdd(w6, TOps.Load(ref *r2, u), acc);
                            acc = TOps.MulAdd(w7, TOps.Load(ref *r2, u + 1), acc);
                            acc = TOps.MulAdd(w8, TOps.Load(ref *r2, u + 2), acc);
                            TOps.Store(acc, ref *prow, u);
                        }
                    }
                    row[..ow_].CopyTo(y.Slice((oc * oh_ + oh) * ow_, ow_));
                }
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // optimised from the first call (see ISimdOps)
    private static void WeightGradient<TV, TOps>(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, in Conv2dGeometry g,
        Span<float> scratch, Span<float> partial)
        where TV : struct where TOps : ISimdOps<TV>
    {
        int c = g.InChannels, oh_ = g.OutH, ow_ = g.OutW, lo = Lo(g), lp = lo + 2, rows = Rows(g);
        var xp = scratch[..(c * rows * lp)];
        var dyp = scratch.Slice(c * rows * lp, (oh_ + 1) * lo);
        PadImage(x, g, xp);
        float* lanes = stackalloc float[16];
        fixed (float* pxp = xp, pdy = dyp)
        {
            for (int oc = 0; oc < g.OutChannels; oc++)
            {
                // This channel's dy rows, zero past the output width (so the padded columns add nothing), and a zero row
                // after the last one (the partner of an unpaired last row).
                for (int oh = 0; oh < oh_; oh++)
                {
                    dy.Slice((oc * oh_ + oh) * ow_, ow_).CopyTo(dyp.Slice(oh * lo, ow_));
                    dyp.Slice(oh * lo + ow_, lo - ow_).Clear();
                }
                dyp.Slice(oh_ * lo, lo).Clear();
                for (int ic = 0; ic < c; ic++)
                    for (int ky = 0; ky < 3; ky++)
                    {
                        // Six independent accumulators: the three taps kx of this kernel row (sharing each dy load) for
                        // an even (a) and an odd (b) output row, enough chains to hide the multiply-add latency. An odd
                        // last row pairs with the zero row of dyp (and reads the spare zero row of xp).
                        TV a0 = default, a1 = default, a2 = default, b0 = default, b1 = default, b2 = default;
                        for (int oh = 0; oh < oh_; oh += 2)
                        {
                            float* d0 = pdy + oh * lo, d1 = d0 + lo, r0 = pxp + (ic * rows + oh + ky) * lp, r1 = r0 + lp;
                            for (int j = 0; j < lo; j += TOps.Count)
                            {
                                nuint u = (nuint)j;
                                TV d = TOps.Load(ref *d0, u), e = TOps.Load(ref *d1, u);
                                a0 = TOps.MulAdd(d, TOps.Load(ref *r0, u), a0);
                                a1 = TOps.MulAdd(d, TOps.Load(ref *r0, u + 1), a1);
                                a2 = TOps.MulAdd(d, TOps.Load(ref *r0, u + 2), a2);
                                b0 = TOps.MulAdd(e, TOps.Load(ref *r1, u), b0);
                                b1 = TOps.MulAdd(e, TOps.Load(ref *r1, u + 1), b1);
                                b2 = TOps.MulAdd(e, TOps.Load(ref *r1, u + 2), b2);
                            }
                        }
                        int o = ((oc * c + ic) * 3 + ky) * 3;
                        partial[o] = SumLanes<TV, TOps>(TOps.Add(a0, b0), lanes);
                        partial[o + 1] = SumLanes<TV, TOps>(TOps.Add(a1, b1), lanes);
                        partial[o + 2] = SumLanes<TV, TOps>(TOps.Add(a2, b2), lanes);
                    }
            }
        }
    }

    // Σ of the lanes in lane order (a fixed order: the result does not depend on threads).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float SumLanes<TV, TOps>(TV v, float* lanes) where TV : struct where TOps : ISimdOps<TV>
    {
        TOps.Store(v, ref *lanes, 0);
        float s = lanes[0];
        for (int i = 1; i < TOps.Count; i++) s += lanes[i];
        return s;
    }
}
