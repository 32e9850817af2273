namespace MusicGenre.Features;

/// <summary>Normalisation of the mel filterbank rows.</summary>
public enum MelNorm
{
    /// <summary>Unnormalised triangles (peak 1).</summary>
    None,

    /// <summary>Each row scaled by 2/(f[i+2] − f[i]) (unit area in Hz).</summary>
    Slaney,
}
