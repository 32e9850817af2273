using MusicGenre.Data.Msd;

namespace MusicGenre.Data.Tests.Msd;

public sealed class MsdFolderScannerTests
{
    [SharedFact]
    public void WalksNestedFoldersRecordsBadFilesAndContinues()
    {
        // 1. Lay out an MSD-like tree: the real file at three depths, a corrupt file, a non-.h5 file to ignore.
        string root = SharedData.NewTempDir();
        string real = SharedData.Data("msd/TRAXLZU12903D05F94.h5");
        string deep = Path.Combine(root, "A", "X", "L");
        Directory.CreateDirectory(deep);
        Directory.CreateDirectory(Path.Combine(root, "B"));
        File.Copy(real, Path.Combine(root, "top.h5"));
        File.Copy(real, Path.Combine(deep, "TRAXLZU12903D05F94.h5"));
        File.Copy(real, Path.Combine(root, "B", "copy.H5"));
        File.WriteAllText(Path.Combine(root, "A", "broken.h5"), "not hdf5");
        File.WriteAllText(Path.Combine(root, "B", "notes.txt"), "ignored");

        // 2. Scan with progress.
        int lastProgress = 0;
        var scan = MsdFolderScanner.Scan(root, new SyncProgress<int>(n => lastProgress = n));

        // 3. Three tracks, one failure naming the broken file, deterministic order (files before sub-folders).
        Assert.Equal(3, scan.Tracks.Count);
        Assert.All(scan.Tracks, t => Assert.Equal("TRAXLZU12903D05F94", t.TrackId));
        Assert.Equal(
            [Path.Combine(root, "top.h5"), Path.Combine(deep, "TRAXLZU12903D05F94.h5"), Path.Combine(root, "B", "copy.H5")],
            scan.Tracks.Select(t => t.SourcePath).ToArray());
        var failure = Assert.Single(scan.Failures);
        Assert.Equal(Path.Combine(root, "A", "broken.h5"), failure.Path);
        Assert.Contains("HDF5", failure.Error);
        Assert.Equal(4, lastProgress);
    }

    [SharedFact]
    public void SingleFileRootIsAccepted()
    {
        var entries = MsdFolderScanner.Enumerate(SharedData.Data("msd/TRAXLZU12903D05F94.h5")).ToList();
        Assert.True(Assert.Single(entries).Succeeded);
    }

    [Fact]
    public void MissingRootIsAClearError()
    {
        string root = Path.Combine(SharedData.NewTempDir(), "missing");
        var e = Assert.Throws<DirectoryNotFoundException>(() => MsdFolderScanner.Enumerate(root));
        Assert.Contains(root, e.Message);
    }

    [Fact]
    public void CancellationStopsTheWalk()
    {
        string root = SharedData.NewTempDir();
        File.WriteAllText(Path.Combine(root, "a.h5"), "x");
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        Assert.Throws<OperationCanceledException>(() => MsdFolderScanner.Scan(root, null, cts.Token));
    }

    /// <summary>IProgress that reports synchronously (Progress&lt;T&gt; posts to the thread pool).</summary>
}
