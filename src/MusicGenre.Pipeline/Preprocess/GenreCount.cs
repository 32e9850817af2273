namespace MusicGenre.Pipeline.Preprocess;

/// <summary>How many songs and segments of one genre went into the store.</summary>
public sealed record GenreCount(string Genre, int Songs, int Segments);
