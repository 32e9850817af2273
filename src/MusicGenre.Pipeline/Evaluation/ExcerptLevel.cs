namespace MusicGenre.Pipeline.Evaluation;

/// <summary>How the level of each excerpt is set before classification.</summary>
public enum ExcerptLevel
{
    /// <summary>The recording's own level.</summary>
    Original,

    /// <summary>Scaled so that its largest sample is ±1 (0 dBFS peak), like a snippet cut from a loud master.</summary>
    Peak,
}
