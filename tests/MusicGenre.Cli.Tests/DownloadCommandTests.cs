namespace MusicGenre.Cli.Tests;

public sealed class DownloadCommandTests
{
    [Fact]
    public void NothingToDownload_OrOnlyUnreadableTrackFiles_IsAFailure_NamingWhy()
    {
        // No network is touched: the template points at a closed local port, and neither case reaches a request.
        string dir = SharedData.NewTempDir("musicgenre-download");
        string empty = Path.Combine(dir, "empty"), bad = Path.Combine(dir, "bad"), junk = Path.Combine(bad, "TRAAAAA128F0000000.h5");
        Directory.CreateDirectory(empty);
        Directory.CreateDirectory(bad);
        File.WriteAllBytes(junk, new Random(5).GetItems<byte>(Enumerable.Range(0, 256).Select(i => (byte)i).ToArray(), 2048));
        const string template = "http://127.0.0.1:9/{track_id}";

        var none = CliRunner.Run("download", "--msd", empty, "--out", Path.Combine(dir, "out1"), "--url-template", template);
        Assert.True(none.Code == 1, $"exit {none.Code}: {none.Err}");
        Assert.Contains($"{empty}: no MSD track files (*.h5) found", none.Err);
        Assert.False(File.Exists(Path.Combine(dir, "out1", "manifest.csv")));

        var unreadable = CliRunner.Run("download", "--msd", bad, "--out", Path.Combine(dir, "out2"), "--url-template", template);
        Assert.True(unreadable.Code == 1, $"exit {unreadable.Code}: {unreadable.Err}");
        Assert.Contains($"unreadable: {junk}: ", unreadable.Err);
    }
}
