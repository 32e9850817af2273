namespace MusicGenre.Data.FeatureStore;

/// <summary>
/// Names inside a feature store file (HDF5, readable with h5py):
/// <code>
/// /features       float32 [n_segments, n_mels, frames]  chunked one segment per chunk, unfiltered (implicit chunk
///                                                       index: O(1) random reads); stores of builds up to
///                                                       c27513a (2026-12-06) have shuffle + deflate and read the same, slower
/// /labels         int32   [n_segments]                  genre index of each segment
/// /segment_song   int32   [n_segments]                  song index of each segment
/// /segment_crc32  uint32  [n_segments]                  CRC-32 (zlib's) of each segment's float32 little-endian bytes;
///                                                       absent in stores of builds up to ce7d069 (2026-12-07)
/// /genres         string  [n_genres]
/// /songs/id, /songs/path, /songs/artist   string [n_songs]
/// /songs/label, /songs/first_segment, /songs/segment_count   int32 [n_songs]
/// root attributes: format, format_version, n_mels, frames, sample_rate, segment_seconds, preset, preset_&lt;param&gt;...
/// </code>
/// </summary>
internal static class FeatureStoreLayout
{
    public const string Format = "musicgenre-features";
    public const int Version = 1;
    public const string Features = "features", Labels = "labels", SegmentSong = "segment_song", SegmentCrc32 = "segment_crc32", Genres = "genres";
    public const string Songs = "songs", SongId = "id", SongPath = "path", SongArtist = "artist", SongLabel = "label",
        SongFirst = "first_segment", SongCount = "segment_count";
    public const string PresetPrefix = "preset_";

    /// <summary>
    /// The preset parameter that lists the altered copies stored beside each song (<c>preprocess --copies</c>, e.g.
    /// "clip"). It says which songs a store holds, not how features are computed, so stores that differ only in it can
    /// be read as one.
    /// </summary>
    public const string CopiesParameter = "copies";
}
