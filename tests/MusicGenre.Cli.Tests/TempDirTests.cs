using System.Diagnostics;

namespace MusicGenre.Cli.Tests;

/// <summary>
/// Test scratch does not pile up in the temp folder: <c>dotnet test</c> kills its test host about 0.1 s after the run,
/// before an exit handler can delete hundreds of megabytes, so each test process deletes the run folders of processes
/// that have ended (their lock is free) and leaves those of live ones.
/// </summary>
public sealed class TempDirTests
{
    [Fact]
    public void RunFoldersOfEndedProcessesAreDeleted_LiveOnesStay()
    {
        if (!OperatingSystem.IsLinux()) return; // deleting a folder whose lock file is open is a POSIX behaviour
        string root = SharedData.NewTempDir("sweep");
        string Run(string name)
        {
            string dir = Path.Combine(root, name);
            Directory.CreateDirectory(Path.Combine(dir, "scratch"));
            File.WriteAllBytes(Path.Combine(dir, "scratch", "big.h5"), new byte[4096]);
            return dir;
        }
        string ended = Run("101"), neverLocked = Run("102"), liveHere = Run("103"), liveElsewhere = Run("104");
        File.WriteAllText(Path.Combine(ended, ".lock"), ""); // its process ended (or was killed): the lock file stays, unheld

        using var held = SharedData.TryLock(liveHere);
        Assert.NotNull(held);
        Assert.Null(SharedData.TryLock(liveHere)); // a second open of a held lock fails, also within one process
        // Another process holding the lock with flock(1), as a test host holds its own: the same kernel lock .NET takes
        // (--no-fork: flock becomes the command, so that killing it releases the lock; .NET opens files close-on-exec, so a
        // test host's own children never hold its lock).
        var psi = new ProcessStartInfo("flock", ["--exclusive", "--no-fork", Path.Combine(liveElsewhere, ".lock"), "sleep", "60"]);
        using var other = Process.Start(psi)!;
        var clock = Stopwatch.StartNew();
        while (SharedData.TryLock(liveElsewhere) is { } free) // until flock holds it
        {
            free.Dispose();
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20) && !other.HasExited, "flock did not take the lock");
            Thread.Sleep(10);
        }

        var deleted = SharedData.DeleteAbandonedRunDirs(root);

        Assert.Equal(new[] { ended, neverLocked }, deleted.Order(StringComparer.Ordinal));
        Assert.False(Directory.Exists(ended) || Directory.Exists(neverLocked));
        Assert.True(File.Exists(Path.Combine(liveHere, "scratch", "big.h5")) && File.Exists(Path.Combine(liveElsewhere, "scratch", "big.h5")));

        // The other process is killed (SIGKILL: nothing of its own runs): its folder goes at the next sweep.
        other.Kill();
        other.WaitForExit();
        Assert.Equal(new[] { liveElsewhere }, SharedData.DeleteAbandonedRunDirs(root));
        Assert.True(Directory.Exists(liveHere));
    }

    [Fact]
    public void ThisProcessesScratchIsInItsOwnLockedRunFolder()
    {
        string dir = SharedData.NewTempDir("musicgenre-probe");
        string run = Path.GetDirectoryName(dir)!;
        Assert.Equal(SharedData.TempRoot, Path.GetDirectoryName(run));
        Assert.Equal($"{Environment.ProcessId}", Path.GetFileName(run));
        Assert.StartsWith("probe-", Path.GetFileName(dir), StringComparison.Ordinal);
        Assert.Null(SharedData.TryLock(run)); // held by this process for its whole life
        SharedData.DeleteTempDir(dir);
        Assert.Equal(SharedData.KeepTemp, Directory.Exists(dir));
    }
}
