namespace MusicGenre.Features;

/// <summary>The analysis window (periodic, as scipy get_window(..., fftbins=True)).</summary>
public enum WindowType
{
    /// <summary>0.5 − 0.5·cos(2πn/N).</summary>
    Hann,

    /// <summary>0.54 − 0.46·cos(2πn/N).</summary>
    Hamming,
}
