using MusicGenre.Data.Msd;

namespace MusicGenre.Data.Tests.Msd;

public sealed class MsdTrackReaderTests
{
    private static string RealFile => SharedData.Data("msd/TRAXLZU12903D05F94.h5");

    [SharedFact]
    public void ReadsTheRealTrackFile()
    {
        var t = MsdTrackReader.Read(RealFile);

        // Values documented in shared/README.md (7digital id) and stored in the file's three compound tables.
        Assert.Equal("TRAXLZU12903D05F94", t.TrackId);
        Assert.Equal(8707738, t.Track7DigitalId);
        Assert.Equal("Rick Astley", t.ArtistName);
        Assert.Equal("Never Gonna Give You Up", t.Title);
        Assert.Equal("SOCWJDB12A58A776AF", t.SongId);
        Assert.Equal("Big Tunes - Back 2 The 80s", t.Release);
        Assert.Equal(211.69587, t.DurationSeconds, 1e-4);
        Assert.Equal(113.359, t.Tempo, 1e-3);
        Assert.Equal(1987, t.Year);
        Assert.True(t.HasPreviewId);
        Assert.Equal(RealFile, t.SourcePath);
    }

    [Fact]
    public void MissingFileIsFileNotFound()
    {
        string path = Path.Combine(SharedData.NewTempDir(), "nope.h5");
        var e = Assert.Throws<FileNotFoundException>(() => MsdTrackReader.Read(path));
        Assert.Contains(path, e.Message);
    }

    [Theory]
    [InlineData(0, "the file is empty (0 bytes")]
    [InlineData(5, "too short")]
    public void TooShortFileNamesTheFile(int length, string reason)
    {
        string path = Path.Combine(SharedData.NewTempDir(), "short.h5");
        File.WriteAllBytes(path, new byte[length]);
        var e = Assert.Throws<MsdFormatException>(() => MsdTrackReader.Read(path));
        Assert.Equal(path, e.FilePath);
        Assert.Contains(path, e.Message);
        Assert.Contains(reason, e.Reason);
    }

    [Fact]
    public void TextFileIsNotHdf5()
    {
        string path = Path.Combine(SharedData.NewTempDir(), "labels.h5");
        File.WriteAllText(path, "TRAAAAW128F429D538\tRock\n");
        var e = Assert.Throws<MsdFormatException>(() => MsdTrackReader.Read(path));
        Assert.Contains("no HDF5 signature", e.Reason);
        Assert.Contains(path, e.Message);
    }

    [SharedTheory]
    [InlineData(100)]
    [InlineData(5000)]
    [InlineData(60000)]
    public void TruncatedRealFileGivesATypedError(int keepBytes)
    {
        string path = Path.Combine(SharedData.NewTempDir(), "trunc.h5");
        File.WriteAllBytes(path, File.ReadAllBytes(RealFile)[..keepBytes]);
        var e = Assert.Throws<MsdFormatException>(() => MsdTrackReader.Read(path));
        Assert.Equal(path, e.FilePath);
    }

    [SharedFact]
    public void HdfFileWithoutMsdTablesSaysWhichDatasetIsMissing()
    {
        // A golden file is valid HDF5 but not an MSD track file.
        string golden = SharedData.Golden("mp3-decode.h5");
        var e = Assert.Throws<MsdFormatException>(() => MsdTrackReader.Read(golden));
        Assert.Contains("/metadata/songs", e.Reason);
    }
}
