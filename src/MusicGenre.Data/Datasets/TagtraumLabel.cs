namespace MusicGenre.Data.Datasets;

/// <summary>One line of a tagtraum .cls file: the majority genre and, when present, the minority genre.</summary>
internal readonly record struct TagtraumLabel(string Majority, string? Minority);
