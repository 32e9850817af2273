namespace MusicGenre.Nn.ModelFile;

/// <summary>How network inputs are standardised before the first layer.</summary>
public enum NormalizationMode
{
    /// <summary>Inputs are used as they are.</summary>
    None,

    /// <summary>One mean and one standard deviation over all values of the training split.</summary>
    Global,

    /// <summary>A mean and standard deviation per (channel, mel band) over the training split's segments and frames.</summary>
    PerMel,
}
