using System.Buffers;
using MusicGenre.Nn.Tensors;

namespace MusicGenre.Nn.Backends.Cpu;

/// <summary>
/// BatchNorm → ReLU → 2×2 stride-2 max-pool in one pass per plane (<see cref="IBatchNormReluPoolBackend"/>). Work is
/// split by channel, as for BatchNorm: one work item owns a channel's statistics and all of its planes. Within a plane,
/// each pair of input rows is normalised into a small buffer (two rows, in L1) and pooled from there, so the normalised
/// and rectified full-size tensors of the three-layer form are never written.
/// </summary>
internal sealed partial class CpuBackend : IBatchNormReluPoolBackend
{
    /// <inheritdoc />
    public void BatchNormReluPoolForwardTrain(Tensor x, Tensor gamma, Tensor beta, Tensor runningMean, Tensor runningVar,
        float momentum, float eps, Tensor saveMean, Tensor saveInvStd, Tensor y)
    {
        var (n, c, h, w) = FusedDims(x, y, "BatchNormReluPoolForwardTrain", gamma, beta, runningMean, runningVar, saveMean, saveInvStd);
        var xs = D(x); var ys = D(y); var gs = D(gamma); var bs = D(beta);
        var rm = D(runningMean); var rv = D(runningVar); var sm = D(saveMean); var si = D(saveInvStd);
        For(c, ch =>
        {
            var (scale, shift) = TrainStatistics(xs, n, c, h * w, ch, momentum, eps, gs, bs, rm, rv, sm, si);
            NormaliseReluPool(xs, ys, n, c, h, w, ch, scale, shift);
        });
    }

    /// <inheritdoc />
    public void BatchNormReluPoolForwardEval(Tensor x, Tensor gamma, Tensor beta, Tensor runningMean, Tensor runningVar, float eps, Tensor y)
    {
        var (n, c, h, w) = FusedDims(x, y, "BatchNormReluPoolForwardEval", gamma, beta, runningMean, runningVar);
        var xs = D(x); var ys = D(y); var gs = D(gamma); var bs = D(beta); var rm = D(runningMean); var rv = D(runningVar);
        For(c, ch =>
        {
            var (scale, shift) = EvalScaleShift(gs, bs, rm, rv, eps, ch);
            NormaliseReluPool(xs, ys, n, c, h, w, ch, scale, shift);
        });
    }

    /// <summary>Scalar twin of the pooling pass of both forwards: every window on its own (the statistics are shared code).</summary>
    internal void BatchNormReluPoolForwardEvalScalar(Tensor x, Tensor gamma, Tensor beta, Tensor runningMean, Tensor runningVar, float eps, Tensor y)
    {
        var (n, c, h, w) = FusedDims(x, y, "BatchNormReluPoolForwardEval", gamma, beta, runningMean, runningVar);
        var xs = D(x); var ys = D(y); var gs = D(gamma); var bs = D(beta); var rm = D(runningMean); var rv = D(runningVar);
        int oh = h / 2, ow = w / 2;
        for (int ch = 0; ch < c; ch++)
        {
            var (scale, shift) = EvalScaleShift(gs, bs, rm, rv, eps, ch);
            for (int b = 0; b < n; b++)
            {
                int i0 = (b * c + ch) * h * w, o0 = (b * c + ch) * oh * ow;
                for (int r = 0; r < oh; r++)
                    for (int q = 0; q < ow; q++)
                    {
                        int p = i0 + 2 * r * w + 2 * q;
                        float best = CpuKernels.Pick(CpuKernels.Pick(CpuKernels.Pick(xs[p] * scale + shift, xs[p + 1] * scale + shift), xs[p + w] * scale + shift), xs[p + w + 1] * scale + shift);
                        ys[o0 + r * ow + q] = best > 0f || float.IsNaN(best) ? best : 0f;
                    }
            }
        }
    }

    // One channel's planes: for each pair of input rows, z = x·scale + shift into a two-row buffer (the same multiply
    // then add as BatchNorm), the 2×2 max of z (first maximum, NaN wins — the max-pool's rule), then ReLU on the pooled
    // row: max then ReLU equals ReLU then max, since ReLU does not change the order of values.
    private static void NormaliseReluPool(float[] xs, float[] ys, int n, int c, int h, int w, int ch, float scale, float shift)
    {
        int oh = h / 2, ow = w / 2;
        float[]? rented = null;
        Span<float> z = 2 * w <= 4096 ? stackalloc float[2 * w] : (rented = ArrayPool<float>.Shared.Rent(2 * w)).AsSpan(0, 2 * w);
        for (int b = 0; b < n; b++)
        {
            int i0 = (b * c + ch) * h * w, o0 = (b * c + ch) * oh * ow;
            for (int r = 0; r < oh; r++)
            {
                CpuKernels.ScaleShift(xs.AsSpan(i0 + 2 * r * w, 2 * w), scale, shift, z);
                var row = ys.AsSpan(o0 + r * ow, ow);
                CpuKernels.MaxPool2x2Row(z[..w], z[w..], row);
                CpuKernels.Relu(row, row);
            }
        }
        if (rented != null) ArrayPool<float>.Shared.Return(rented);
    }

    /// <inheritdoc />
    public void BatchNormReluPoolBackward(Tensor x, Tensor dy, Tensor gamma, Tensor beta, Tensor saveMean, Tensor saveInvStd,
        Tensor dx, Tensor dgamma, Tensor dbeta) => PoolBackward(x, dy, gamma, beta, saveMean, saveInvStd, dx, dgamma, dbeta, vector: true);

    /// <summary>Scalar twin of <see cref="BatchNormReluPoolBackward"/>: the same passes with the scalar kernels.</summary>
    internal void BatchNormReluPoolBackwardScalar(Tensor x, Tensor dy, Tensor gamma, Tensor beta, Tensor saveMean, Tensor saveInvStd,
        Tensor dx, Tensor dgamma, Tensor dbeta) => PoolBackward(x, dy, gamma, beta, saveMean, saveInvStd, dx, dgamma, dbeta, vector: false);

    private void PoolBackward(Tensor x, Tensor dy, Tensor gamma, Tensor beta, Tensor saveMean, Tensor saveInvStd,
        Tensor dx, Tensor dgamma, Tensor dbeta, bool vector)
    {
        const string op = "BatchNormReluPoolBackward";
        var (n, c, h, w) = FusedDims(x, dy, op, gamma, beta, saveMean, saveInvStd, dgamma, dbeta);
        Require(dx.Length == x.Length, op, $"dx {dx.Shape} must match x {x.Shape}.");
        var xs = D(x); var dys = D(dy); var gs = D(gamma); var bs = D(beta); var sm = D(saveMean); var si = D(saveInvStd);
        var dxs = D(dx); var dgs = D(dgamma); var dbs = D(dbeta);
        int hw = h * w, oh = h / 2, ow = w / 2;
        For(c, ch =>
        {
            // 1. Re-derive each window's z = x·scale + shift exactly as the forward did, and its first maximum. Where that
            //    maximum is > 0 (ReLU passed it), the pooled gradient g lands there: dz = g at that position, 0 at the
            //    window's other three (PoolBackwardRow writes every position of every window; the row and column that
            //    no window covers when H or W is odd are cleared here). Σdz and Σdz·(x − mean) are summed in double in 8
            //    lanes (window column mod 8), each in (image, row, column) order, then the lanes in order — the same on every
            //    vector width and thread count.
            var (scale, shift) = SavedScaleShift(gs, bs, sm, si, ch);
            double mean = sm[ch], invStd = si[ch];
            Span<double> lanes = stackalloc double[2 * CpuKernels.WindowLanes];
            lanes.Clear();
            Span<double> laneSums = lanes[..CpuKernels.WindowLanes], laneCentered = lanes[CpuKernels.WindowLanes..];
            float[]? rented = null;
            int buffer = 2 * w + 2 * ow;
            Span<float> z = buffer <= 4096 ? stackalloc float[buffer] : (rented = ArrayPool<float>.Shared.Rent(buffer)).AsSpan(0, buffer);
            Span<float> gm = z.Slice(2 * w, ow), xm = z.Slice(2 * w + ow, ow);
            for (int b = 0; b < n; b++)
            {
                int i0 = (b * c + ch) * hw, o0 = (b * c + ch) * oh * ow;
                for (int r = 0; r < oh; r++)
                {
                    int top = i0 + 2 * r * w;
                    var x0 = xs.AsSpan(top, w); var x1 = xs.AsSpan(top + w, w);
                    var dx0 = dxs.AsSpan(top, w); var dx1 = dxs.AsSpan(top + w, w);
                    var dyRow = dys.AsSpan(o0 + r * ow, ow);
                    if (vector)
                    {
                        CpuKernels.ScaleShift(xs.AsSpan(top, 2 * w), scale, shift, z[..(2 * w)]);
                        CpuKernels.PoolBackwardRow(z[..w], z.Slice(w, w), x0, x1, dyRow, dx0, dx1, gm, xm);
                    }
                    else
                    {
                        CpuKernels.ScaleShiftScalar(xs.AsSpan(top, 2 * w), scale, shift, z[..(2 * w)]);
                        CpuKernels.PoolBackwardRowScalar(z[..w], z.Slice(w, w), x0, x1, dyRow, dx0, dx1, gm, xm);
                    }
                    if ((w & 1) != 0) { dx0[w - 1] = 0f; dx1[w - 1] = 0f; }
                    // gm = 0 (and xm = 0) where no gradient landed: those terms add exactly nothing. Window q of every row
                    // goes to lane q mod 8 (8 independent chains instead of one).
                    if (vector) CpuKernels.AddWindowSums(gm, xm, mean, laneSums, laneCentered);
                    else CpuKernels.AddWindowSumsScalar(gm, xm, mean, laneSums, laneCentered);
                }
                if ((h & 1) != 0) dxs.AsSpan(i0 + (h - 1) * w, w).Clear();
            }
            double sumDy = 0, sumCentered = 0;
            for (int j = 0; j < CpuKernels.WindowLanes; j++) { sumDy += laneSums[j]; sumCentered += laneCentered[j]; }
            double sumDyXhat = sumCentered * invStd;
            if (rented != null) ArrayPool<float>.Shared.Return(rented);
            dgs[ch] = (float)sumDyXhat; dbs[ch] = (float)sumDy;
            // 2. dx = a·dz + b·x + c over whole planes (BatchNorm's input gradient), in place.
            var (a, bx, c0) = InputGradientCoefficients(gs[ch], mean, invStd, sumDy, sumDyXhat, (double)n * hw);
            for (int b = 0; b < n; b++)
            {
                var plane = dxs.AsSpan((b * c + ch) * hw, hw);
                if (vector) CpuKernels.AxpBypC(plane, a, xs.AsSpan((b * c + ch) * hw, hw), bx, c0, plane);
                else CpuKernels.AxpBypCScalar(plane, a, xs.AsSpan((b * c + ch) * hw, hw), bx, c0, plane);
            }
        });
    }


    private static (int N, int C, int H, int W) FusedDims(Tensor x, Tensor pooled, string op, params Tensor[] perChannel)
    {
        Require(x.Shape.Rank == 4, op, $"expects [N, C, H, W], got {x.Shape}.");
        var (n, c, h, w) = (x.Shape.N, x.Shape.C, x.Shape.H, x.Shape.W);
        Require(h >= 2 && w >= 2, op, $"the 2×2 pool needs H and W ≥ 2, got {x.Shape}.");
        Require(pooled.Length == (long)n * c * (h / 2) * (w / 2), op, $"pooled tensor {pooled.Shape} must be [{n}, {c}, {h / 2}, {w / 2}].");
        foreach (var t in perChannel)
            Require(t.Length == c, op, $"per-channel tensor {t.Shape} must have {c} elements.");
        return (n, c, h, w);
    }
}
