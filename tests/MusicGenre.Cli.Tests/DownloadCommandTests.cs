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

    /// <summary>
    /// --shard k/N splits the tracks by id (an unreadable file by path) with one manifest per shard: over 4 shards the real
    /// MSD track and the unreadable file each appear in exactly one manifest, and a shard that holds neither is a finished task.
    /// </summary>
    [SharedFact]
    public void Shards_SplitTheTracks_WithAManifestEach()
    {
        string dir = SharedData.NewTempDir("musicgenre-download-shard"), msd = Path.Combine(dir, "msd"), output = Path.Combine(dir, "previews");
        Directory.CreateDirectory(msd);
        File.Copy(SharedData.Data("msd/TRAXLZU12903D05F94.h5"), Path.Combine(msd, "TRAXLZU12903D05F94.h5"));
        File.WriteAllText(Path.Combine(msd, "junk.h5"), "junk");
        var manifests = new List<string>();
        for (int k = 0; k < 4; k++)
        {
            // A closed local port: the one track's request fails at once (no retries), which is all this test needs.
            var r = CliRunner.Run("download", "--msd", msd, "--out", output, "--url-template", "http://127.0.0.1:9/{track_id}", "--retries", "0", "--shard", $"{k}/4");
            string manifest = Path.Combine(output, $"manifest-{k}-of-4.csv");
            if (File.Exists(manifest)) { manifests.Add(File.ReadAllText(manifest)); Assert.Equal(1, r.Code); }
            else { Assert.True(r.Code == 0, r.Err); Assert.Contains($"shard {k}/4 holds none of the tracks", r.Err); }
        }
        Assert.Single(manifests, m => m.Contains("TRAXLZU12903D05F94", StringComparison.Ordinal));
        Assert.Single(manifests, m => m.Contains("junk.h5", StringComparison.Ordinal));
        Assert.False(File.Exists(Path.Combine(output, "manifest.csv")));
    }
}
