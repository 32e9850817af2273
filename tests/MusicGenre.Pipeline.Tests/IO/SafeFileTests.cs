using System.Diagnostics;
using MusicGenre.IO;

namespace MusicGenre.Pipeline.Tests.IO;

public sealed class SafeFileTests
{
    [Fact]
    public void RemoveAllTemps_SweepsThisClassesTempsInAFolderTree_AndNothingElse()
    {
        string dir = SharedData.NewTempDir("musicgenre-safefile-sweep"), sub = Path.Combine(dir, "ab");
        Directory.CreateDirectory(sub);
        string ours1 = SafeFile.TempPath(Path.Combine(dir, "settings.txt")), ours2 = SafeFile.TempPath(Path.Combine(sub, "song.part"));
        string plain = Path.Combine(sub, "notes.tmp"), odd = Path.Combine(sub, ".x.tmp"), part = Path.Combine(sub, "song.part");
        foreach (var f in new[] { ours1, ours2, plain, odd, part }) File.WriteAllText(f, "x");

        Assert.Equal(2, SafeFile.RemoveAllTemps(dir));
        Assert.False(File.Exists(ours1) || File.Exists(ours2));
        Assert.True(File.Exists(plain) && File.Exists(odd) && File.Exists(part));
        Assert.Equal(0, SafeFile.RemoveAllTemps(Path.Combine(dir, "missing")));
    }

    [Fact]
    public void Write_RemovesOnlyTheTempsOfDeadProcesses_AndFailuresLeaveTheOldFile()
    {
        if (OperatingSystem.IsWindows()) return; // uses sleep/true as live and dead processes
        string dir = SharedData.NewTempDir("musicgenre-safefile"), target = Path.Combine(dir, "out.csv");
        File.WriteAllText(target, "old");

        // 1. Temps of this target: on this host one of a process that has exited, one of a live process, one of ours; plus
        //    names that only look similar (another target, no pid) — only the dead process's temp may go.
        using var dead = Process.Start("true")!;
        dead.WaitForExit();
        using var live = Process.Start("sleep", "60")!;
        // This host's name as SafeFile writes it: taken from a temp path it makes.
        string mine = Path.GetFileName(SafeFile.TempPath(target));
        string host = mine[".out.csv.".Length..mine.LastIndexOf($".{Environment.ProcessId}.", StringComparison.Ordinal)];
        string Temp(string h, int pid) => Path.Combine(dir, $".out.csv.{h}.{pid}.{Guid.NewGuid():N}.tmp");
        string deadTemp = Temp(host, dead.Id), liveTemp = Temp(host, live.Id), ownTemp = Temp(host, Environment.ProcessId);
        // Another host's temps (a shared volume): a fresh one is kept whatever its pid, one untouched for 2 h is abandoned.
        string foreignFresh = Temp("other-node.cluster", dead.Id), foreignOld = Temp("other-node.cluster", dead.Id);
        string other = Path.Combine(dir, $".other.csv.{host}.{dead.Id}.{Guid.NewGuid():N}.tmp"), odd = Path.Combine(dir, ".out.csv.x.tmp");
        foreach (var f in new[] { deadTemp, liveTemp, ownTemp, foreignFresh, foreignOld, other, odd }) File.WriteAllText(f, "partial");
        File.SetLastWriteTimeUtc(foreignOld, DateTime.UtcNow.AddHours(-2));
        try
        {
            SafeFile.WriteAllText(target, "new");
            Assert.Equal("new", File.ReadAllText(target));
            Assert.False(File.Exists(deadTemp));
            Assert.False(File.Exists(foreignOld));
            Assert.True(File.Exists(liveTemp) && File.Exists(ownTemp) && File.Exists(foreignFresh) && File.Exists(other) && File.Exists(odd));
        }
        finally
        {
            live.Kill();
            live.WaitForExit();
        }

        // 2. A writer that fails: the old content stays and its own temp is gone; the cleanup before it has now removed
        //    the temp of the process that was just killed, and nothing else.
        int before = Directory.GetFiles(dir).Length;
        Assert.Throws<InvalidOperationException>(() => SafeFile.WriteText(target, w => { w.Write("half"); throw new InvalidOperationException("boom"); }));
        Assert.Equal("new", File.ReadAllText(target));
        Assert.False(File.Exists(liveTemp));
        Assert.Equal(before - 1, Directory.GetFiles(dir).Length);
    }

    /// <summary>
    /// Temps of long names stay within a file system's 255 bytes (they once added ~90 bytes to the name, so that a name the
    /// file system takes failed at the end of the work), and an abandoned one is still found: the sweep names it as
    /// <see cref="SafeFile.TempPath"/> does. Two long names that begin alike get different temps' stems.
    /// </summary>
    [Fact]
    public void TempsOfLongNames_AreBounded_AndStillSwept()
    {
        if (OperatingSystem.IsWindows()) return; // uses 'true' as a dead process
        string dir = SharedData.NewTempDir("musicgenre-safefile-long");
        string longName = new string('歌', 80) + ".h5", twin = new string('歌', 80) + ".h6"; // 243 bytes each
        string target = Path.Combine(dir, longName);
        string temp = Path.GetFileName(SafeFile.TempPath(target));
        Assert.InRange(System.Text.Encoding.UTF8.GetByteCount(temp), 1, SafeFile.MaxTempNameBytes);
        Assert.True(SafeFile.MaxTempNameBytes <= 255);
        Assert.NotEqual(SafeFile.TempStem(longName), SafeFile.TempStem(twin));
        Assert.Equal("short name.h5", SafeFile.TempStem("short name.h5"));
        // A cut never splits a character: the stem is valid UTF-16 (a lone surrogate would not round-trip through UTF-8).
        string emoji = string.Concat(Enumerable.Repeat("🎵", 40));
        string stem = SafeFile.TempStem(emoji);
        Assert.Equal(stem, System.Text.Encoding.UTF8.GetString(System.Text.Encoding.UTF8.GetBytes(stem)));

        using var dead = Process.Start("true")!;
        dead.WaitForExit();
        string abandoned = Path.Combine(dir, temp[..temp.LastIndexOf($".{Environment.ProcessId}.", StringComparison.Ordinal)] + $".{dead.Id}.{Guid.NewGuid():N}.tmp");
        File.WriteAllText(abandoned, "partial");
        SafeFile.WriteAllText(target, "whole");
        Assert.Equal("whole", File.ReadAllText(target));
        Assert.Equal([longName], Directory.GetFiles(dir).Select(Path.GetFileName));
    }

    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("a,b", "\"a,b\"")]
    [InlineData("say \"hi\"", "\"say \"\"hi\"\"\"")]
    [InlineData("two\nlines", "\"two\nlines\"")]
    public void CsvField_QuotesOnlyWhatNeedsIt(string value, string expected) => Assert.Equal(expected, Csv.Field(value));
}
