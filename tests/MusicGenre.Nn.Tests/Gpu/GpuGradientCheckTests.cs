using MusicGenre.Kernels.Runtime;
using MusicGenre.Nn.Backends;
using MusicGenre.Nn.Tensors;

namespace MusicGenre.Nn.Tests.Gpu;

/// <summary>
/// Finite-difference checks of every layer's backward on the ILGPU backend: for a scalar loss L = Σ r·f(inputs) with a
/// fixed random r, the analytic gradient (backward with dy = r) must match the central difference
/// (L(v + h) − L(v − h)) / 2h of every input element. Inputs are spaced so that no ReLU/max-pool decision flips within h.
/// </summary>
[Collection(SimulatorCollection.Name)]
public class GpuGradientCheckTests
{
    public static TheoryData<string> Kinds => GpuTestDevices.Kinds;

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Conv2d_Gradients_MatchFiniteDifferences(string kindName)
    {
        var kind = Enum.Parse<DeviceKind>(kindName);
        var rng = new Random(21);
        using var b = GpuTestDevices.Backend(kind);
        var g = Conv2dGeometry.Create(2, 2, 5, 4, 3, 4, 4, 2, 1, Padding2d.Same);
        var (xs, ws, ys) = (new Shape(2, 2, 5, 4), new Shape(3, 2, 4, 4), new Shape(2, 3, g.OutH, g.OutW));
        float[] x = Random(rng, xs.Length), w = Random(rng, ws.Length), bias = Random(rng, 3), r = Random(rng, ys.Length);
        double Loss(float[] xv, float[] wv, float[] bv)
        {
            using var tx = b.FromHost(xv, xs); using var tw = b.FromHost(wv, ws); using var tb = b.FromHost(bv, new Shape(3));
            using var ty = b.Allocate(ys);
            b.Conv2dForward(tx, tw, tb, g, ty);
            return Dot(ty.ToArray(), r);
        }
        using var tx = b.FromHost(x, xs); using var tw = b.FromHost(w, ws); using var tdy = b.FromHost(r, ys);
        using var dx = b.Allocate(xs); using var dw = b.Allocate(ws); using var db = b.Allocate(new Shape(3));
        b.Conv2dBackward(tx, tw, tdy, g, dx, dw, db);
        Check("conv dx", x, v => Loss(v, w, bias), dx.ToArray(), 1e-2, 1e-3, 1e-3);
        Check("conv dw", w, v => Loss(x, v, bias), dw.ToArray(), 1e-2, 1e-3, 1e-3);
        Check("conv db", bias, v => Loss(x, w, v), db.ToArray(), 1e-2, 1e-3, 1e-3);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void DenseAndSoftmaxCrossEntropy_Gradients_MatchFiniteDifferences(string kindName)
    {
        var kind = Enum.Parse<DeviceKind>(kindName);
        var rng = new Random(22);
        using var b = GpuTestDevices.Backend(kind);
        const int n = 3, inputs = 5, outputs = 4;
        float[] x = Random(rng, n * inputs), w = Random(rng, outputs * inputs), bias = Random(rng, outputs);
        int[] labels = [1, 3, 0];
        // L = softmax cross-entropy of the dense output: checks both layers' backward together.
        double Loss(float[] xv, float[] wv, float[] bv)
        {
            using var tx = b.FromHost(xv, new Shape(n, inputs)); using var tw = b.FromHost(wv, new Shape(outputs, inputs));
            using var tb = b.FromHost(bv, new Shape(outputs)); using var ty = b.Allocate(new Shape(n, outputs)); using var tp = b.Allocate(new Shape(n, outputs));
            b.DenseForward(tx, tw, tb, ty);
            return b.SoftmaxCrossEntropyForward(ty, labels, tp);
        }
        using var tx = b.FromHost(x, new Shape(n, inputs)); using var tw = b.FromHost(w, new Shape(outputs, inputs));
        using var tb = b.FromHost(bias, new Shape(outputs)); using var ty = b.Allocate(new Shape(n, outputs));
        using var tp = b.Allocate(new Shape(n, outputs)); using var dl = b.Allocate(new Shape(n, outputs));
        using var dx = b.Allocate(tx.Shape); using var dw = b.Allocate(tw.Shape); using var db = b.Allocate(tb.Shape);
        b.DenseForward(tx, tw, tb, ty);
        b.SoftmaxCrossEntropyForward(ty, labels, tp);
        b.SoftmaxCrossEntropyBackward(tp, labels, dl);
        b.DenseBackward(tx, tw, dl, dx, dw, db);
        Check("dense+ce dx", x, v => Loss(v, w, bias), dx.ToArray(), 1e-2, 1e-4, 1e-2);
        Check("dense+ce dw", w, v => Loss(x, v, bias), dw.ToArray(), 1e-2, 1e-4, 1e-2);
        Check("dense+ce db", bias, v => Loss(x, w, v), db.ToArray(), 1e-2, 1e-4, 1e-2);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void BatchNormTrain_Gradients_MatchFiniteDifferences(string kindName)
    {
        var kind = Enum.Parse<DeviceKind>(kindName);
        var rng = new Random(23);
        using var b = GpuTestDevices.Backend(kind);
        var s = new Shape(2, 3, 2, 3);
        float[] x = Random(rng, s.Length), gamma = Random(rng, 3), beta = Random(rng, 3), r = Random(rng, s.Length);
        double Loss(float[] xv, float[] gv, float[] bv)
        {
            using var tx = b.FromHost(xv, s); using var tg = b.FromHost(gv, new Shape(3)); using var tb = b.FromHost(bv, new Shape(3));
            using var rm = b.Allocate(new Shape(3)); using var rv = b.Allocate(new Shape(3)); using var ty = b.Allocate(s);
            using var m = b.Allocate(new Shape(3)); using var inv = b.Allocate(new Shape(3));
            b.BatchNormForwardTrain(tx, tg, tb, rm, rv, 0.1f, 1e-5f, ty, m, inv);
            return Dot(ty.ToArray(), r);
        }
        using var tx = b.FromHost(x, s); using var tg = b.FromHost(gamma, new Shape(3)); using var tb = b.FromHost(beta, new Shape(3));
        using var rm = b.Allocate(new Shape(3)); using var rv = b.Allocate(new Shape(3)); using var ty = b.Allocate(s);
        using var m = b.Allocate(new Shape(3)); using var inv = b.Allocate(new Shape(3)); using var tdy = b.FromHost(r, s);
        using var dx = b.Allocate(s); using var dg = b.Allocate(new Shape(3)); using var dbeta = b.Allocate(new Shape(3));
        b.BatchNormForwardTrain(tx, tg, tb, rm, rv, 0.1f, 1e-5f, ty, m, inv);
        b.BatchNormBackward(tx, tdy, tg, m, inv, dx, dg, dbeta);
        Check("bn dx", x, v => Loss(v, gamma, beta), dx.ToArray(), 1e-2, 2e-3, 2e-2);
        Check("bn dgamma", gamma, v => Loss(x, v, beta), dg.ToArray(), 1e-2, 1e-3, 1e-2);
        Check("bn dbeta", beta, v => Loss(x, gamma, v), dbeta.ToArray(), 1e-2, 1e-3, 1e-2);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void PoolsAndRelu_Gradients_MatchFiniteDifferences(string kindName)
    {
        var kind = Enum.Parse<DeviceKind>(kindName);
        var rng = new Random(24);
        using var b = GpuTestDevices.Backend(kind);
        var s = new Shape(1, 2, 5, 3);
        // Distinct values 0.05 apart (shuffled, centred on 0 but never within 0.025 of it): no max or ReLU flips within h.
        float[] x = [.. Enumerable.Range(0, s.Length).Select(i => (i - s.Length / 2 + 0.5f) * 0.05f).OrderBy(_ => rng.Next())];
        var pg = Pool2dGeometry.Create(1, 2, 5, 3, 2, 2, 2, 2, ceilMode: true);
        var ps = new Shape(1, 2, pg.OutH, pg.OutW);
        float[] rp = Random(rng, ps.Length), r2 = Random(rng, 2), rs = Random(rng, s.Length);
        double Forward(float[] xv, string op)
        {
            using var tx = b.FromHost(xv, s);
            switch (op)
            {
                case "max": { using var ty = b.Allocate(ps); b.MaxPool2dForward(tx, pg, ty); return Dot(ty.ToArray(), rp); }
                case "gap": { using var ty = b.Allocate(new Shape(1, 2)); b.GlobalAvgPoolForward(tx, ty); return Dot(ty.ToArray(), r2); }
                case "gmp": { using var ty = b.Allocate(new Shape(1, 2)); b.GlobalMaxPoolForward(tx, ty); return Dot(ty.ToArray(), r2); }
                default: { using var ty = b.Allocate(s); b.ReluForward(tx, ty); return Dot(ty.ToArray(), rs); }
            }
        }
        using var x0 = b.FromHost(x, s); using var dx = b.Allocate(s);
        using (var dy = b.FromHost(rp, ps)) b.MaxPool2dBackward(x0, dy, pg, dx);
        Check("maxpool dx", x, v => Forward(v, "max"), dx.ToArray(), 1e-3, 1e-4, 1e-3);
        using (var dy = b.FromHost(r2, new Shape(1, 2))) b.GlobalAvgPoolBackward(dy, dx);
        Check("global avg dx", x, v => Forward(v, "gap"), dx.ToArray(), 1e-3, 1e-4, 1e-3);
        using (var dy = b.FromHost(r2, new Shape(1, 2))) b.GlobalMaxPoolBackward(x0, dy, dx);
        Check("global max dx", x, v => Forward(v, "gmp"), dx.ToArray(), 1e-3, 1e-4, 1e-3);
        using (var y = b.Allocate(s))
        using (var dy = b.FromHost(rs, s))
        {
            b.ReluForward(x0, y);
            b.ReluBackward(y, dy, dx);
        }
        Check("relu dx", x, v => Forward(v, "relu"), dx.ToArray(), 1e-3, 1e-4, 1e-3);
    }

    // Central differences of `loss` around `input`, compared with `analytic` by the shared tolerance helper.
    private static void Check(string name, float[] input, Func<float[], double> loss, float[] analytic, double h, double atol, double rtol)
    {
        var numeric = new float[input.Length];
        for (int i = 0; i < input.Length; i++)
        {
            float[] plus = (float[])input.Clone(), minus = (float[])input.Clone();
            plus[i] += (float)h;
            minus[i] -= (float)h;
            numeric[i] = (float)((loss(plus) - loss(minus)) / (plus[i] - minus[i]));
        }
        Close.Assert(numeric, analytic, atol, rtol, name);
    }

    private static double Dot(float[] a, float[] b)
    {
        double s = 0;
        for (int i = 0; i < a.Length; i++) s += (double)a[i] * b[i];
        return s;
    }

    private static float[] Random(Random rng, int n)
    {
        var a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float)(rng.NextDouble() * 2 - 1);
        return a;
    }
}
