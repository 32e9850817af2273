namespace MusicGenre.Api;

/// <summary>One input of <see cref="GenreClassifier.PredictMany"/>: its prediction, or why it failed.</summary>
/// <param name="Path">The input file as given (the empty string for a null entry).</param>
/// <param name="Prediction">The prediction, or null when <paramref name="Error"/> is set.</param>
/// <param name="Error">A one-line reason naming the file and the problem, or null on success.</param>
public sealed record BatchResult(string Path, GenrePrediction? Prediction, string? Error);
