namespace MusicGenre.Pipeline.Training;

/// <summary>What keeps segments together when splitting train/validation data or cross-validation folds.</summary>
public enum SplitBy
{
    /// <summary>Segments of one song never straddle the split.</summary>
    Song,

    /// <summary>All songs of one artist stay on one side (songs without an artist are grouped by song).</summary>
    Artist,
}
