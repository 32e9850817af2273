namespace MusicGenre.Kernels.Nn;

/// <summary>
/// Kernel-side sizes of a max pooling without padding: x <c>[N, C, H, W]</c>, y <c>[N, C, OH, OW]</c>, window KH×KW,
/// stride SH×SW; a window hanging over the edge (ceil mode) is clipped to the input.
/// </summary>
internal readonly struct PoolParams
{
    public PoolParams(int n, int c, int h, int w, int kh, int kw, int sh, int sw, int oh, int ow)
    {
        N = n; C = c; H = h; W = w; KH = kh; KW = kw; SH = sh; SW = sw; OH = oh; OW = ow;
    }

    public readonly int N, C, H, W, KH, KW, SH, SW, OH, OW;
}
