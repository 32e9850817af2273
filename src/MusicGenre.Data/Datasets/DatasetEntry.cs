namespace MusicGenre.Data.Datasets;

/// <summary>One labelled song of a dataset.</summary>
/// <param name="Path">Full path of the audio file.</param>
/// <param name="GenreIndex">Class index in the dataset's <see cref="GenreList"/>.</param>
/// <param name="SongId">Stable id of the song (MSD track id, GTZAN clip name, or the manifest's song_id); unique in a dataset.</param>
/// <param name="Artist">Artist name when known (used to split train/validation by artist), else <c>null</c>.</param>
internal sealed record DatasetEntry(string Path, int GenreIndex, string SongId, string? Artist);
