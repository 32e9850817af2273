namespace MusicGenre.Kernels.Spectral;

/// <summary>
/// One pass of a mixed-radix Stockham FFT of length <c>N</c> over <c>Frames</c> frames: radix <c>Radix</c>, after
/// earlier passes whose radices multiply to <c>Span</c> (1 for the first pass).
/// </summary>
internal readonly struct StockhamParams
{
    public StockhamParams(int n, int radix, int span, int frames) { N = n; Radix = radix; Span = span; Frames = frames; }

    public readonly int N;
    public readonly int Radix;
    public readonly int Span;
    public readonly int Frames;
}
