namespace MusicGenre.Pipeline.Evaluation;

/// <summary>One song's outcome: its true genre and the mean of its segments' probabilities.</summary>
public sealed record SongOutcome(string SongId, string Path, int Label, int Predicted, float[] Probabilities);
