namespace MusicGenre.Features;

/// <summary>The mel frequency scale.</summary>
public enum MelScale
{
    /// <summary>Linear below 1 kHz (200/3 Hz per mel), logarithmic above (step ln(6.4)/27).</summary>
    Slaney,

    /// <summary>2595·log10(1 + f/700).</summary>
    Htk,
}
