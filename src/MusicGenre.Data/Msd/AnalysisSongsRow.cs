#pragma warning disable CS0649, IDE1006 // PureHDF fills these by reflection; names must equal the HDF5 member names.
namespace MusicGenre.Data.Msd;

/// <summary>
/// The members of the <c>/analysis/songs</c> compound row that we use (see <see cref="MetadataSongsRow"/> for the
/// mapping rules). The string member makes this a managed struct, which lets PureHDF map a subset of members by name.
/// </summary>
internal struct AnalysisSongsRow
{
    public string track_id;
    public double duration;
    public double tempo;
}
