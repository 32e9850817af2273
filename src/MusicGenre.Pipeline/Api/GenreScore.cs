namespace MusicGenre.Api;

/// <summary>A genre and its probability.</summary>
/// <param name="Genre">Genre name as the model labels it (e.g. "jazz").</param>
/// <param name="Probability">Probability in [0, 1]; the scores of one prediction sum to 1.</param>
public readonly record struct GenreScore(string Genre, float Probability);
