namespace MusicGenre.Data.FeatureStore;

/// <summary>A song of a feature store and where its segments lie.</summary>
/// <param name="SongId">Stable song id (MSD track id, GTZAN clip path, manifest song_id).</param>
/// <param name="Path">The audio file it came from.</param>
/// <param name="Artist">Artist, or empty when unknown.</param>
/// <param name="Label">Genre index (into <see cref="FeatureStoreHeader.GenreNames"/>).</param>
/// <param name="FirstSegment">Index of its first segment in <c>/features</c>.</param>
/// <param name="SegmentCount">Number of consecutive segments it owns.</param>
internal sealed record StoreSong(string SongId, string Path, string Artist, int Label, int FirstSegment, int SegmentCount);
