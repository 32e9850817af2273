namespace MusicGenre.Data.FeatureStore;

/// <summary>
/// Fills <paramref name="destination"/> (<c>[count, Mels, Frames]</c>, exactly <c>count × SegmentLength</c> floats) with
/// segments <c>[first, first + count)</c> of song <paramref name="song"/>, counted within the song.
/// <see cref="FeatureStoreWriter"/> asks for each song's segments in order, a piece at a time, so a source never has to
/// hold a whole song (a 27-hour recording is 2 GiB of features).
/// </summary>
/// <param name="song">Index into the songs being written.</param>
/// <param name="first">First segment wanted, 0 at the song's start.</param>
/// <param name="count">Segments wanted (at least 1).</param>
/// <param name="destination">Where the segments go, row-major.</param>
internal delegate void SongSegmentReader(int song, int first, int count, Span<float> destination);
