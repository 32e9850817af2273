#pragma warning disable CS0649, IDE1006 // PureHDF fills these by reflection; names must equal the HDF5 member names.
namespace MusicGenre.Data.Msd;

/// <summary>
/// The whole <c>/musicbrainz/songs</c> compound row. It holds no strings, so PureHDF reads it as raw bytes and the
/// struct must match the stored layout exactly (two int32 members, 8 bytes); a subset would fail with a size error.
/// </summary>
internal struct MusicbrainzSongsRow
{
    public int idx_artist_mbtags;
    public int year;
}
