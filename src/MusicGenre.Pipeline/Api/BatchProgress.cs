namespace MusicGenre.Api;

/// <summary>Progress of a batch: <paramref name="Done"/> of <paramref name="Total"/> inputs finished, the last one being <paramref name="LastPath"/>.</summary>
public readonly record struct BatchProgress(int Done, int Total, string LastPath);
