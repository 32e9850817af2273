using MusicGenre.Nn.Tensors;

namespace MusicGenre.Nn.Backends.Cpu;

internal sealed partial class CpuBackend
{
    /// <inheritdoc />
    public void BatchNormForwardTrain(Tensor x, Tensor gamma, Tensor beta, Tensor runningMean, Tensor runningVar,
        float momentum, float eps, Tensor y, Tensor saveMean, Tensor saveInvStd)
    {
        // x, y [N, C, H, W]; every [C] tensor is indexed by channel. One work item per channel owns all its sums.
        var (n, c, hw) = BnDims(x, y, gamma, beta, runningMean, runningVar, saveMean, saveInvStd, "BatchNormForwardTrain");
        var xs = D(x); var ys = D(y); var gs = D(gamma); var bs = D(beta);
        var rm = D(runningMean); var rv = D(runningVar); var sm = D(saveMean); var si = D(saveInvStd);
        For(c, ch =>
        {
            var (scale, shift) = TrainStatistics(xs, n, c, hw, ch, momentum, eps, gs, bs, rm, rv, sm, si);
            for (int b = 0; b < n; b++)
            {
                int o = (b * c + ch) * hw;
                CpuKernels.ScaleShift(xs.AsSpan(o, hw), scale, shift, ys.AsSpan(o, hw));
            }
        });
    }

    /// <summary>
    /// The train-mode statistics of channel <paramref name="ch"/>: writes the batch mean and 1/std, updates the running
    /// statistics, and returns y = x·scale + shift's coefficients.
    /// </summary>
    private static (float Scale, float Shift) TrainStatistics(float[] xs, int n, int c, int hw, int ch, float momentum, float eps,
        float[] gs, float[] bs, float[] rm, float[] rv, float[] sm, float[] si)
    {
        // 1. Mean and biased variance in double (two passes, planes in batch order) — exact enough to match a float64
        //    re-implementation and independent of thread scheduling.
        double count = (double)n * hw, sum = 0;
        for (int b = 0; b < n; b++) sum += CpuKernels.SumDouble(xs.AsSpan((b * c + ch) * hw, hw));
        double mean = sum / count, sq = 0;
        for (int b = 0; b < n; b++) sq += CpuKernels.SumSquaredDeviation(xs.AsSpan((b * c + ch) * hw, hw), mean);
        double varBiased = sq / count;
        float invStd = (float)(1.0 / Math.Sqrt(varBiased + eps));
        sm[ch] = (float)mean; si[ch] = invStd;
        // 2. Running statistics with the unbiased variance n/(n−1).
        rm[ch] = (1 - momentum) * rm[ch] + momentum * (float)mean;
        rv[ch] = (1 - momentum) * rv[ch] + momentum * (float)(varBiased * count / (count - 1));
        // 3. y = (x − mean)·invStd·γ + β as one scale and shift.
        return SavedScaleShift(gs, bs, sm, si, ch);
    }

    /// <summary>y = x·scale + shift of train mode, from the saved batch mean and 1/std (the backward re-derives it the same way).</summary>
    private static (float Scale, float Shift) SavedScaleShift(float[] gs, float[] bs, float[] sm, float[] si, int ch)
    {
        float scale = si[ch] * gs[ch];
        return (scale, bs[ch] - sm[ch] * scale);
    }

    /// <summary>y = x·scale + shift of eval mode, from the running statistics.</summary>
    private static (float Scale, float Shift) EvalScaleShift(float[] gs, float[] bs, float[] rm, float[] rv, float eps, int ch)
    {
        float invStd = (float)(1.0 / Math.Sqrt((double)rv[ch] + eps));
        float scale = invStd * gs[ch];
        return (scale, bs[ch] - rm[ch] * scale);
    }

    /// <inheritdoc />
    public void BatchNormForwardEval(Tensor x, Tensor gamma, Tensor beta, Tensor runningMean, Tensor runningVar, float eps, Tensor y)
    {
        var (n, c, hw) = BnDims(x, y, gamma, beta, runningMean, runningVar, runningMean, runningVar, "BatchNormForwardEval");
        var xs = D(x); var ys = D(y); var gs = D(gamma); var bs = D(beta); var rm = D(runningMean); var rv = D(runningVar);
        For(c, ch =>
        {
            var (scale, shift) = EvalScaleShift(gs, bs, rm, rv, eps, ch);
            for (int b = 0; b < n; b++)
            {
                int o = (b * c + ch) * hw;
                CpuKernels.ScaleShift(xs.AsSpan(o, hw), scale, shift, ys.AsSpan(o, hw));
            }
        });
    }

    /// <inheritdoc />
    public void BatchNormBackward(Tensor x, Tensor dy, Tensor gamma, Tensor saveMean, Tensor saveInvStd,
        Tensor dx, Tensor dgamma, Tensor dbeta)
    {
        var (n, c, hw) = BnDims(x, dy, gamma, saveMean, saveInvStd, dgamma, dbeta, saveMean, "BatchNormBackward");
        Require(dx.Length == x.Length, "BatchNormBackward", $"dx {dx.Shape} must match x {x.Shape}.");
        var xs = D(x); var dys = D(dy); var gs = D(gamma); var sm = D(saveMean); var si = D(saveInvStd);
        var dxs = D(dx); var dgs = D(dgamma); var dbs = D(dbeta);
        For(c, ch =>
        {
            // 1. Σdy and Σdy·x̂ over (N, H, W) in double, x̂ = (x − mean)·invStd.
            double mean = sm[ch], invStd = si[ch], sumDy = 0, sumDyXhat = 0;
            for (int b = 0; b < n; b++)
            {
                int o = (b * c + ch) * hw;
                var (s, sx) = CpuKernels.SumAndDotCentered(dys.AsSpan(o, hw), xs.AsSpan(o, hw), mean);
                sumDy += s; sumDyXhat += sx * invStd;
            }
            dgs[ch] = (float)sumDyXhat; dbs[ch] = (float)sumDy;
            var (a, bx, c0) = InputGradientCoefficients(gs[ch], mean, invStd, sumDy, sumDyXhat, (double)n * hw);
            for (int b = 0; b < n; b++)
            {
                int o = (b * c + ch) * hw;
                CpuKernels.AxpBypC(dys.AsSpan(o, hw), a, xs.AsSpan(o, hw), bx, c0, dxs.AsSpan(o, hw));
            }
        });
    }

    /// <summary>
    /// dx = γ·invStd·(dy − Σdy/M − x̂·Σdy·x̂/M) with x̂ = (x − mean)·invStd, written as dx = a·dy + b·x + c.
    /// </summary>
    private static (float A, float B, float C) InputGradientCoefficients(float gamma, double mean, double invStd,
        double sumDy, double sumDyXhat, double m)
    {
        double k = gamma * invStd;
        return ((float)k, (float)(-k * invStd * sumDyXhat / m), (float)(-k * sumDy / m + k * invStd * sumDyXhat / m * mean));
    }

    private static (int N, int C, int HW) BnDims(Tensor x, Tensor y, Tensor t1, Tensor t2, Tensor t3, Tensor t4, Tensor t5, Tensor t6, string op)
    {
        Require(x.Shape.Rank == 4, op, $"expects [N, C, H, W], got {x.Shape}.");
        Require(y.Length == x.Length, op, $"{y.Shape} must match x {x.Shape}.");
        int c = x.Shape.C;
        foreach (var t in new[] { t1, t2, t3, t4, t5, t6 })
            Require(t.Length == c, op, $"per-channel tensor {t.Shape} must have {c} elements.");
        return (x.Shape.N, c, x.Shape.H * x.Shape.W);
    }
}
