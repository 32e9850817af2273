namespace MusicGenre.Pipeline.Preprocess;

/// <summary>An input song that produced no segments, and why (undecodable, missing, too short).</summary>
/// <param name="Path">The audio file.</param>
/// <param name="SongId">Its song id.</param>
/// <param name="Reason">The error message or skip reason.</param>
public sealed record BadFile(string Path, string SongId, string Reason);
