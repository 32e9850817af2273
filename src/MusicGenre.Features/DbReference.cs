namespace MusicGenre.Features;

/// <summary>The reference of power_to_db.</summary>
public enum DbReference
{
    /// <summary>A fixed value (FeatureOptions.RefValue, default 1.0).</summary>
    Value,

    /// <summary>The maximum of the array being converted (librosa ref=np.max).</summary>
    Max,
}
