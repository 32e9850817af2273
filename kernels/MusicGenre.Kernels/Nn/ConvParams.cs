namespace MusicGenre.Kernels.Nn;

/// <summary>
/// Kernel-side sizes of a 2-D convolution: x <c>[N, C, H, W]</c>, w <c>[OC, C, KH, KW]</c>, y <c>[N, OC, OH, OW]</c>,
/// stride (SH, SW), zero padding top/left (PT, PL) — bottom/right padding is implied by OH/OW.
/// </summary>
internal readonly struct ConvParams
{
    public ConvParams(int n, int c, int h, int w, int oc, int kh, int kw, int sh, int sw, int pt, int pl, int oh, int ow)
    {
        N = n; C = c; H = h; W = w; OC = oc; KH = kh; KW = kw; SH = sh; SW = sw; PT = pt; PL = pl; OH = oh; OW = ow;
    }

    public readonly int N, C, H, W, OC, KH, KW, SH, SW, PT, PL, OH, OW;
}
