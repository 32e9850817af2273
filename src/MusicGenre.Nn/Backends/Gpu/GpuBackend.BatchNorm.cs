using MusicGenre.Nn.Tensors;

namespace MusicGenre.Nn.Backends.Gpu;

internal sealed partial class GpuBackend
{
    /// <inheritdoc />
    public void BatchNormForwardTrain(Tensor x, Tensor gamma, Tensor beta, Tensor runningMean, Tensor runningVar,
        float momentum, float eps, Tensor y, Tensor saveMean, Tensor saveInvStd)
    {
        var (n, c, inner) = Bn(x, y, "BatchNormForwardTrain", gamma, beta, runningMean, runningVar, saveMean, saveInvStd);
        // 1. Mean, then the biased variance around it (two passes, double partial sums); 2. invStd and running stats.
        double inv = 1.0 / Math.Max(n * inner, 1);
        ChannelReduce(x, x, null, n, c, inner, 0, inv, null, V(saveMean));
        var variance = Scratch<float>(c);
        ChannelReduce(x, x, saveMean, n, c, inner, 1, inv, null, variance);
        _bnFinalize(L(c), V(saveMean), variance, V(runningMean), V(runningVar), V(saveInvStd), c, n * inner, momentum, eps, L(c));
        _bnApply(L(x.Length), V(x), V(saveMean), V(saveInvStd), V(gamma), V(beta), V(y), x.Length, c, inner, L(x.Length));
    }

    /// <inheritdoc />
    public void BatchNormForwardEval(Tensor x, Tensor gamma, Tensor beta, Tensor runningMean, Tensor runningVar, float eps, Tensor y)
    {
        var (_, c, inner) = Bn(x, y, "BatchNormForwardEval", gamma, beta, runningMean, runningVar);
        var invStd = Scratch<float>(c);
        _invStd(L(c), V(runningVar), invStd, c, eps, L(c));
        _bnApply(L(x.Length), V(x), V(runningMean), invStd, V(gamma), V(beta), V(y), x.Length, c, inner, L(x.Length));
    }

    /// <inheritdoc />
    public void BatchNormBackward(Tensor x, Tensor dy, Tensor gamma, Tensor saveMean, Tensor saveInvStd,
        Tensor dx, Tensor dgamma, Tensor dbeta)
    {
        var (n, c, inner) = Bn(x, dy, "BatchNormBackward", gamma, saveMean, saveInvStd, dgamma, dbeta);
        Require(dx.Length == x.Length, "BatchNormBackward", $"dx {dx.Shape} must match x {x.Shape}.");
        // dbeta = Σ dy, dgamma = invStd·Σ dy·(x − mean), then dx elementwise.
        ChannelReduce(dy, dy, null, n, c, inner, 0, 1.0, null, V(dbeta));
        ChannelReduce(x, dy, saveMean, n, c, inner, 2, 1.0, saveInvStd, V(dgamma));
        _bnBackwardData(L(x.Length), V(x), V(dy), V(gamma), V(saveMean), V(saveInvStd), V(dgamma), V(dbeta), V(dx),
            x.Length, c, inner, n * inner, L(x.Length));
    }

    // x, y [N, C, H, W] (or [N, C]); every per-channel tensor has C values.
    private static (int N, int C, int Inner) Bn(Tensor x, Tensor y, string op, params Tensor[] perChannel)
    {
        Require(x.Shape.Rank >= 2 && y.Length == x.Length, op, $"x {x.Shape} and y {y.Shape} must be equal [N, C, ...].");
        int n = x.Shape.N, c = x.Shape.C, inner = x.Length / Math.Max(n * c, 1);
        foreach (var t in perChannel)
            Require(t.Length == c, op, $"per-channel tensor {t.Shape} must have {c} values.");
        return (n, c, inner);
    }
}
