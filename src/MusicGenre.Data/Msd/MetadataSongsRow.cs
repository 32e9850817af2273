#pragma warning disable CS0649, IDE1006 // PureHDF fills these by reflection; names must equal the HDF5 member names.
namespace MusicGenre.Data.Msd;

/// <summary>
/// The members of the <c>/metadata/songs</c> compound row that we use. PureHDF maps compound members to
/// <em>fields</em> of a struct by exact name (it ignores [H5Name] here, and a class with fields reads defaults), so the
/// field names are the HDF5 member names. Fixed-length strings arrive as <see cref="string"/>.
/// </summary>
internal struct MetadataSongsRow
{
    public string artist_name;
    public string title;
    public string song_id;
    public string release;
    public int track_7digitalid;
}
