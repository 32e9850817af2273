namespace MusicGenre.Pipeline.Evaluation;

/// <summary>Per-genre precision, recall and F1 (song level), with the number of songs of that genre.</summary>
public sealed record GenreScores(string Genre, int Support, double Precision, double Recall, double F1);
