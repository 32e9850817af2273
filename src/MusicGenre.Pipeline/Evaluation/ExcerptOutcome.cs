namespace MusicGenre.Pipeline.Evaluation;

/// <summary>One excerpt scored by the robustness protocol: which song, where in it, how long, and what the model said.</summary>
/// <param name="SongId">The song.</param>
/// <param name="Excerpt">0-based number of the excerpt within the song (the protocol's draw order).</param>
/// <param name="StartSeconds">Where it starts in the song.</param>
/// <param name="Seconds">Its length.</param>
/// <param name="Label">True genre index.</param>
/// <param name="Predicted">Predicted genre index.</param>
/// <param name="Probabilities">Every genre's probability for this excerpt.</param>
public sealed record ExcerptOutcome(string SongId, int Excerpt, double StartSeconds, double Seconds, int Label, int Predicted, float[] Probabilities);
