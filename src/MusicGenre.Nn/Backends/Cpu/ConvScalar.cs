namespace MusicGenre.Nn.Backends.Cpu;

/// <summary>
/// The scalar twin of the SIMD convolution: direct loops, float accumulation in (ic, kh, kw) order. The fallback when
/// vectors are not accelerated, and the reference of the equivalence tests.
/// </summary>
internal static class ConvScalar
{
    /// <summary>y = conv(x, w) + b for image <paramref name="n"/>.</summary>
    public static void Forward(ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<float> b, in Conv2dGeometry g, int n, Span<float> y)
    {
        // x [N, IC, IH, IW], w [OC, IC, KH, KW], b [OC] or empty, y [N, OC, OH, OW]
        int inPlane = g.InH * g.InW, outPlane = g.OutH * g.OutW;
        for (int oc = 0; oc < g.OutChannels; oc++)
            for (int oh = 0; oh < g.OutH; oh++)
                for (int ow = 0; ow < g.OutW; ow++)
                {
                    float acc = 0f;
                    for (int ic = 0; ic < g.InChannels; ic++)
                        for (int kh = 0; kh < g.KernelH; kh++)
                        {
                            int ih = oh * g.StrideH - g.PadTop + kh;
                            if ((uint)ih >= (uint)g.InH) continue;
                            for (int kw = 0; kw < g.KernelW; kw++)
                            {
                                int iw = ow * g.StrideW - g.PadLeft + kw;
                                if ((uint)iw >= (uint)g.InW) continue;
                                acc += w[((oc * g.InChannels + ic) * g.KernelH + kh) * g.KernelW + kw]
                                     * x[(n * g.InChannels + ic) * inPlane + ih * g.InW + iw];
                            }
                        }
                    y[(n * g.OutChannels + oc) * outPlane + oh * g.OutW + ow] = acc + (b.IsEmpty ? 0f : b[oc]);
                }
    }

    /// <summary>dx for image <paramref name="n"/> (gathered per input pixel: no write conflicts).</summary>
    public static void BackwardInput(ReadOnlySpan<float> w, ReadOnlySpan<float> dy, in Conv2dGeometry g, int n, Span<float> dx)
    {
        // dy [N, OC, OH, OW] -> dx [N, IC, IH, IW]
        int inPlane = g.InH * g.InW, outPlane = g.OutH * g.OutW;
        for (int ic = 0; ic < g.InChannels; ic++)
            for (int ih = 0; ih < g.InH; ih++)
                for (int iw = 0; iw < g.InW; iw++)
                {
                    float acc = 0f;
                    for (int oc = 0; oc < g.OutChannels; oc++)
                        for (int kh = 0; kh < g.KernelH; kh++)
                        {
                            int th = ih + g.PadTop - kh;
                            if (th < 0 || th % g.StrideH != 0 || th / g.StrideH >= g.OutH) continue;
                            for (int kw = 0; kw < g.KernelW; kw++)
                            {
                                int tw = iw + g.PadLeft - kw;
                                if (tw < 0 || tw % g.StrideW != 0 || tw / g.StrideW >= g.OutW) continue;
                                acc += w[((oc * g.InChannels + ic) * g.KernelH + kh) * g.KernelW + kw]
                                     * dy[(n * g.OutChannels + oc) * outPlane + th / g.StrideH * g.OutW + tw / g.StrideW];
                            }
                        }
                    dx[(n * g.InChannels + ic) * inPlane + ih * g.InW + iw] = acc;
                }
    }

    /// <summary>dw[oc, ic, kh, kw] = Σ over the batch and output pixels (rows <paramref name="oc"/> only), float accumulation.</summary>
    public static void BackwardWeight(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, in Conv2dGeometry g, int oc, Span<float> dw)
    {
        int inPlane = g.InH * g.InW, outPlane = g.OutH * g.OutW;
        for (int ic = 0; ic < g.InChannels; ic++)
            for (int kh = 0; kh < g.KernelH; kh++)
                for (int kw = 0; kw < g.KernelW; kw++)
                {
                    float acc = 0f;
                    for (int n = 0; n < g.Batch; n++)
                        for (int oh = 0; oh < g.OutH; oh++)
                        {
                            int ih = oh * g.StrideH - g.PadTop + kh;
                            if ((uint)ih >= (uint)g.InH) continue;
                            for (int ow = 0; ow < g.OutW; ow++)
                            {
                                int iw = ow * g.StrideW - g.PadLeft + kw;
                                if ((uint)iw >= (uint)g.InW) continue;
                                acc += dy[(n * g.OutChannels + oc) * outPlane + oh * g.OutW + ow]
                                     * x[(n * g.InChannels + ic) * inPlane + ih * g.InW + iw];
                            }
                        }
                    dw[((oc * g.InChannels + ic) * g.KernelH + kh) * g.KernelW + kw] = acc;
                }
    }

    /// <summary>db[oc] = Σ dy over the batch and output pixels.</summary>
    public static float BackwardBias(ReadOnlySpan<float> dy, in Conv2dGeometry g, int oc)
    {
        int outPlane = g.OutH * g.OutW;
        float acc = 0f;
        for (int n = 0; n < g.Batch; n++)
            for (int p = 0; p < outPlane; p++) acc += dy[(n * g.OutChannels + oc) * outPlane + p];
        return acc;
    }
}
