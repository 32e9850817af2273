using MusicGenre.Nn.Backends.Cpu;
using MusicGenre.Nn.Layers;
using MusicGenre.Nn.Optimizers;
using MusicGenre.Nn.Optimizers.Schedules;
using MusicGenre.Nn.Tensors;

namespace MusicGenre.Nn.Tests.Optimizers;

/// <summary>SGD/Adam/AdamW against their formulas evaluated in double, clipping, schedules.</summary>
public sealed class OptimizerTests
{
    [Fact]
    public void SgdWithMomentumAndDecayFollowsPyTorch()
    {
        using var cpu = new CpuBackend(1);
        var p = new Parameter(cpu, "w", new Shape(37), 1, 1);
        var p0 = Reference.Random(1, 37); p.Value.CopyFrom(p0);
        var opt = new Sgd(cpu, [p], 0.1f, momentum: 0.9f, weightDecay: 0.01f);
        double[] pe = p0.Select(v => (double)v).ToArray(), buf = new double[37];
        for (int step = 0; step < 3; step++)
        {
            var g = Reference.Random(10 + step, 37); p.Grad.CopyFrom(g);
            opt.Step();
            for (int i = 0; i < 37; i++)
            {
                double gi = g[i] + 0.01 * pe[i];
                buf[i] = step == 0 ? gi : 0.9 * buf[i] + gi;
                pe[i] -= 0.1 * buf[i];
            }
        }
        Close.Assert(pe, p.Value.ToArray().Select(v => (double)v).ToArray(), 1e-6, 1e-5, "sgd");
    }

    [Theory]
    [InlineData(false, 0f)]
    [InlineData(false, 0.1f)]
    [InlineData(true, 0.01f)]
    public void AdamAndAdamWFollowTheirFormulas(bool decoupled, float wd)
    {
        using var cpu = new CpuBackend(1);
        var p = new Parameter(cpu, "w", new Shape(29), 1, 1);
        var p0 = Reference.Random(2, 29); p.Value.CopyFrom(p0);
        var opt = new Adam(cpu, [p], 1e-2f, weightDecay: wd, decoupled: decoupled);
        double[] pe = p0.Select(v => (double)v).ToArray(), m = new double[29], v = new double[29];
        for (int t = 1; t <= 4; t++)
        {
            var g = Reference.Random(20 + t, 29); p.Grad.CopyFrom(g);
            opt.Step();
            for (int i = 0; i < 29; i++)
            {
                double gi = g[i];
                if (decoupled) pe[i] *= 1 - 1e-2 * wd; else gi += wd * pe[i];
                m[i] = 0.9 * m[i] + 0.1 * gi; v[i] = 0.999 * v[i] + 0.001 * gi * gi;
                pe[i] -= 1e-2 / (1 - Math.Pow(0.9, t)) * m[i] / (Math.Sqrt(v[i]) / Math.Sqrt(1 - Math.Pow(0.999, t)) + 1e-8);
            }
        }
        Close.Assert(pe, p.Value.ToArray().Select(x => (double)x).ToArray(), 1e-6, 1e-4, "adam");
        Close.Assert(m, opt.ExpAvg(0).Value.ToArray().Select(x => (double)x).ToArray(), 1e-7, 1e-4, "exp_avg");
        Assert.Equal(["w.exp_avg", "w.exp_avg_sq"], opt.State.Select(s => s.Name));
        Assert.Equal(4, opt.StepCount);
    }

    [Fact]
    public void GlobalNormClippingScalesAllGradientsTogether()
    {
        using var cpu = new CpuBackend(1);
        var a = new Parameter(cpu, "a", new Shape(2), 1, 1); var b = new Parameter(cpu, "b", new Shape(1), 1, 1);
        a.Grad.CopyFrom([3f, 0f]); b.Grad.CopyFrom([4f]);
        double norm = GradientClipping.ClipGlobalNorm([a, b], 1f);
        Assert.Equal(5.0, norm, 6);
        Assert.Equal(0.6f, a.Grad.ToArray()[0], 5); Assert.Equal(0.8f, b.Grad.ToArray()[0], 5);
        Assert.Equal(1.0, GradientClipping.ClipGlobalNorm([a, b], 10f), 4); // below the limit: unchanged
        Assert.Equal(0.6f, a.Grad.ToArray()[0], 5);
    }

    [Fact]
    public void SchedulesFollowTheirClosedForms()
    {
        var step = new StepSchedule(0.1f, 10, 0.5f);
        Assert.Equal(0.1f, step.At(9), 6); Assert.Equal(0.05f, step.At(10), 6); Assert.Equal(0.025f, step.At(25), 6);
        var cos = new CosineSchedule(1f, 10, 0.1f);
        Assert.Equal(1f, cos.At(0), 6); Assert.Equal(0.55f, cos.At(5), 5); Assert.Equal(0.1f, cos.At(10), 6); Assert.Equal(0.1f, cos.At(99), 6);
    }
}
