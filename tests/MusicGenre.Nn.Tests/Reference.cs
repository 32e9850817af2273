using MusicGenre.Nn.Backends;

namespace MusicGenre.Nn.Tests;

/// <summary>Slow double-precision oracles and seeded random data for the equivalence tests.</summary>
internal static class Reference
{
    /// <summary>
    /// A seed from a test case's parameters that is the same in every process (unlike <see cref="HashCode"/>, which is
    /// randomised per process), so a failing case fails again with the same data.
    /// </summary>
    public static int Seed(params int[] parts)
    {
        int seed = 17;
        foreach (int p in parts)
            seed = unchecked(seed * 31 + p);
        return seed & int.MaxValue;
    }

    /// <summary>Seeded uniform values in [−1, 1).</summary>
    public static float[] Random(int seed, int length, float scale = 1f)
    {
        var r = new System.Random(seed);
        var a = new float[length];
        for (int i = 0; i < a.Length; i++) a[i] = (float)(r.NextDouble() * 2 - 1) * scale;
        return a;
    }

    /// <summary>Naive direct convolution in double: y [N, OC, OH, OW].</summary>
    public static double[] ConvForward(float[] x, float[] w, float[]? b, Conv2dGeometry g)
    {
        var y = new double[g.Batch * g.OutChannels * g.OutH * g.OutW];
        for (int n = 0; n < g.Batch; n++)
            for (int oc = 0; oc < g.OutChannels; oc++)
                for (int oh = 0; oh < g.OutH; oh++)
                    for (int ow = 0; ow < g.OutW; ow++)
                    {
                        double acc = b?[oc] ?? 0;
                        for (int ic = 0; ic < g.InChannels; ic++)
                            for (int kh = 0; kh < g.KernelH; kh++)
                                for (int kw = 0; kw < g.KernelW; kw++)
                                {
                                    int ih = oh * g.StrideH - g.PadTop + kh, iw = ow * g.StrideW - g.PadLeft + kw;
                                    if (ih < 0 || ih >= g.InH || iw < 0 || iw >= g.InW) continue;
                                    acc += (double)w[((oc * g.InChannels + ic) * g.KernelH + kh) * g.KernelW + kw]
                                         * x[((n * g.InChannels + ic) * g.InH + ih) * g.InW + iw];
                                }
                        y[((n * g.OutChannels + oc) * g.OutH + oh) * g.OutW + ow] = acc;
                    }
        return y;
    }

    /// <summary>Naive convolution gradients in double by scattering dy (the transpose of <see cref="ConvForward"/>).</summary>
    public static (double[] Dx, double[] Dw, double[] Db) ConvBackward(float[] x, float[] w, float[] dy, Conv2dGeometry g)
    {
        var dx = new double[x.Length]; var dw = new double[w.Length]; var db = new double[g.OutChannels];
        for (int n = 0; n < g.Batch; n++)
            for (int oc = 0; oc < g.OutChannels; oc++)
                for (int oh = 0; oh < g.OutH; oh++)
                    for (int ow = 0; ow < g.OutW; ow++)
                    {
                        double d = dy[((n * g.OutChannels + oc) * g.OutH + oh) * g.OutW + ow];
                        db[oc] += d;
                        for (int ic = 0; ic < g.InChannels; ic++)
                            for (int kh = 0; kh < g.KernelH; kh++)
                                for (int kw = 0; kw < g.KernelW; kw++)
                                {
                                    int ih = oh * g.StrideH - g.PadTop + kh, iw = ow * g.StrideW - g.PadLeft + kw;
                                    if (ih < 0 || ih >= g.InH || iw < 0 || iw >= g.InW) continue;
                                    int xi = ((n * g.InChannels + ic) * g.InH + ih) * g.InW + iw;
                                    int wi = ((oc * g.InChannels + ic) * g.KernelH + kh) * g.KernelW + kw;
                                    dx[xi] += d * w[wi];
                                    dw[wi] += d * x[xi];
                                }
                    }
        return (dx, dw, db);
    }

    /// <summary>Tolerance scale: atol relative to the largest magnitude of the expected values.</summary>
    public static double MaxAbs(double[] a) => a.Length == 0 ? 0 : a.Max(Math.Abs);
}
