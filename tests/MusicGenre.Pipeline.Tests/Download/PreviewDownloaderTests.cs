using MusicGenre.Data.Msd;
using MusicGenre.Pipeline.Download;

namespace MusicGenre.Pipeline.Tests.Download;

public sealed class PreviewDownloaderTests
{
    private const string Key = "test-consumer-key-3f9a";
    private const string Secret = "test-consumer-secret-77c1";

    private static byte[] Mp3A => File.ReadAllBytes(SharedData.Data("mp3/TRWJAZW128F42760DD_test.mp3"));
    private static byte[] Mp3B => File.ReadAllBytes(SharedData.Data("mp3/joram-moments_of_clarity-08-solipsism-59-88.mp3"));

    private static MsdTrack Track(string id, int sevenDigitalId) =>
        new(id, sevenDigitalId, ArtistName: "Artist, \"quoted\"", Title: "Title " + id, SongId: "SO" + id[2..],
            Release: "Release", DurationSeconds: 30, Tempo: 120, Year: 2000, SourcePath: id + ".h5");

    /// <summary>
    /// Test options. The request timeout is generous (5 s) because the CI machine is heavily loaded: a healthy local
    /// request must never time out, or retry counts would change. Only the slow-server cases wait it out.
    /// </summary>
    private static PreviewDownloadOptions Options(LocalPreviewServer server, string outDir, int attempts = 3, double timeoutSeconds = 5, int concurrency = 3) => new()
    {
        OutputDirectory = outDir,
        UrlTemplate = server.Template,
        ConsumerKey = Key,
        ConsumerSecret = Secret,
        Concurrency = concurrency,
        MaxAttempts = attempts,
        InitialBackoff = TimeSpan.FromMilliseconds(10),
        MaxBackoff = TimeSpan.FromMilliseconds(40),
        RequestTimeout = TimeSpan.FromSeconds(timeoutSeconds),
    };

    [SharedFact]
    public async Task FetchesRetriesAndRecordsEveryTrack()
    {
        byte[] a = Mp3A, b = Mp3B;
        using var server = new LocalPreviewServer(new Dictionary<int, byte[]> { [101] = a, [102] = b }, TimeSpan.FromSeconds(60));
        string outDir = SharedData.NewTempDir();
        MsdTrack[] tracks =
        [
            Track("TRA0000000000101", 101),
            Track("TRA0000000000102", 102),
            Track("TRA0000000000404", LocalPreviewServer.NotFound),
            Track("TRA0000000000500", LocalPreviewServer.AlwaysError),
            Track("TRA0000000000503", LocalPreviewServer.ErrorOnce),
            Track("TRA0000000000601", LocalPreviewServer.TruncatedOnce),
            Track("TRA0000000000701", LocalPreviewServer.SlowOnce),
            Track("TRA0000000000888", LocalPreviewServer.NotAudio),
            Track("TRA000000NOCLIP0", 0),
            Track("TRA0000000000101", 101),
            Track("TRA0000000000429", LocalPreviewServer.RateLimitedOnce),
        ];
        var reports = new List<PreviewDownloadProgress>();
        using var downloader = new PreviewDownloader();

        var summary = await downloader.RunAsync(tracks, Options(server, outDir), new SyncProgress<PreviewDownloadProgress>(p => { lock (reports) reports.Add(p); }));

        // 1. Statuses, in input order.
        Assert.Equal(
            [PreviewDownloadStatus.Downloaded, PreviewDownloadStatus.Downloaded, PreviewDownloadStatus.Failed, PreviewDownloadStatus.Failed,
             PreviewDownloadStatus.Downloaded, PreviewDownloadStatus.Downloaded, PreviewDownloadStatus.Downloaded, PreviewDownloadStatus.Failed,
             PreviewDownloadStatus.NoPreview, PreviewDownloadStatus.Duplicate, PreviewDownloadStatus.Downloaded],
            summary.Records.Select(r => r.Status).ToArray());

        // 2. Saved files are byte-identical to what the server holds; transient failures were retried exactly once.
        Assert.Equal(a, File.ReadAllBytes(Path.Combine(outDir, "TRA0000000000101.mp3")));
        Assert.Equal(b, File.ReadAllBytes(Path.Combine(outDir, "TRA0000000000102.mp3")));
        foreach (string id in new[] { "503", "601", "701", "429" })
            Assert.Equal(a, File.ReadAllBytes(Path.Combine(outDir, $"TRA0000000000{id}.mp3")));
        Assert.Equal([1, 1, 1, 3, 2, 2, 2, 1, 0, 0, 2], summary.Records.Select(r => r.Attempts).ToArray());
        Assert.Equal(2, server.Hits(LocalPreviewServer.RateLimitedOnce));
        Assert.Equal(2, server.Hits(LocalPreviewServer.ErrorOnce));
        Assert.Equal(2, server.Hits(LocalPreviewServer.TruncatedOnce));
        Assert.Equal(1, server.Hits(101));

        // 3. 4xx is not retried (except 429, above), 5xx is retried up to MaxAttempts, a 200 that is not audio is rejected.
        Assert.Equal(1, server.Hits(LocalPreviewServer.NotFound));
        Assert.Contains("HTTP 404", summary.Records[2].Reason);
        Assert.Equal(3, server.Hits(LocalPreviewServer.AlwaysError));
        Assert.Contains("gave up after 3 attempts: HTTP 500", summary.Records[3].Reason);
        Assert.Contains("not an MP3", summary.Records[7].Reason);
        Assert.Equal(6, Directory.GetFiles(outDir, "*.mp3").Length);
        Assert.Empty(Directory.GetFiles(outDir, ".*.tmp"));

        // 4. Every request was OAuth-signed, and the signature verifies against the URL the server received.
        Assert.All(server.Requests, target => AssertSigned(server.Port, target));

        // 5. The manifest lists all ten tracks and never contains the credentials.
        string manifest = File.ReadAllText(summary.ManifestPath);
        string[] lines = manifest.TrimEnd('\n').Split('\n');
        Assert.Equal(12, lines.Length);
        Assert.StartsWith("track_id,track_7digitalid,", lines[0]);
        Assert.StartsWith("TRA0000000000101,101,SOA0000000000101,\"Artist, \"\"quoted\"\"\",Title TRA0000000000101,downloaded,,", lines[1]);
        Assert.Contains(",no_preview,", lines[9]);
        Assert.DoesNotContain(Key, manifest);
        Assert.DoesNotContain(Secret, manifest);

        // 6. Progress: one report per fetched track (the duplicate is settled up front), the last one complete.
        Assert.Equal(10, reports.Count);
        Assert.Equal(10, reports.Max(r => r.Completed));
        Assert.All(reports, r => Assert.Equal(10, r.Total));
        Assert.Equal(6, reports.Max(r => r.Downloaded));
    }

    [SharedFact]
    public async Task ResumeSkipsFinishedFilesAndRedoesPartialOnes()
    {
        using var server = new LocalPreviewServer(new Dictionary<int, byte[]> { [101] = Mp3A, [102] = Mp3B }, TimeSpan.FromSeconds(60));
        string outDir = SharedData.NewTempDir();
        MsdTrack[] tracks = [Track("TRA0000000000101", 101), Track("TRA0000000000102", 102)];
        using var downloader = new PreviewDownloader();
        await downloader.RunAsync(tracks, Options(server, outDir));
        Assert.Equal(1, server.Hits(101));

        // Simulate a killed run: one finished file lost, its half-written temp left behind by a process that is gone.
        string second = Path.Combine(outDir, "TRA0000000000102.mp3");
        File.Delete(second);
        string mine = Path.GetFileName(MusicGenre.IO.SafeFile.TempPath(second));
        using var dead = System.Diagnostics.Process.Start("true")!;
        dead.WaitForExit();
        string leftover = Path.Combine(outDir, mine.Replace($".{Environment.ProcessId}.", $".{dead.Id}.", StringComparison.Ordinal));
        File.WriteAllBytes(leftover, [0xFF, 0xFB, 0x00]);

        var summary = await downloader.RunAsync(tracks, Options(server, outDir));

        Assert.Equal([PreviewDownloadStatus.Skipped, PreviewDownloadStatus.Downloaded], summary.Records.Select(r => r.Status).ToArray());
        Assert.Equal(1, server.Hits(101));
        Assert.Equal(2, server.Hits(102));
        Assert.Equal(Mp3B, File.ReadAllBytes(second));
        Assert.False(File.Exists(leftover));
        Assert.Empty(Directory.GetFiles(outDir, ".*.tmp"));
        Assert.Equal(new FileInfo(Path.Combine(outDir, "TRA0000000000101.mp3")).Length, summary.Records[0].Bytes);
    }

    [SharedFact]
    public async Task AnExistingFileThatIsNotAnMp3_IsReportedAndLeftAlone()
    {
        using var server = new LocalPreviewServer(new Dictionary<int, byte[]> { [101] = Mp3A }, TimeSpan.FromSeconds(60));
        string outDir = SharedData.NewTempDir();
        string target = Path.Combine(outDir, "TRA0000000000101.mp3");
        File.WriteAllText(target, "my notes, not audio");
        using var downloader = new PreviewDownloader();

        var summary = await downloader.RunAsync([Track("TRA0000000000101", 101)], Options(server, outDir));

        var record = Assert.Single(summary.Records);
        Assert.Equal(PreviewDownloadStatus.Failed, record.Status);
        Assert.Contains(target, record.Reason);
        Assert.Contains("not an MP3", record.Reason);
        Assert.Equal("my notes, not audio", File.ReadAllText(target));
        Assert.Equal(0, server.Hits(101));
    }

    [SharedFact]
    public async Task TruncatedResponsesNeverLeaveAFinishedLookingFile()
    {
        using var server = new LocalPreviewServer(new Dictionary<int, byte[]> { [101] = Mp3A }, TimeSpan.FromSeconds(60));
        string outDir = SharedData.NewTempDir();
        using var downloader = new PreviewDownloader();

        var options = Options(server, outDir);
        var summary = await downloader.RunAsync([Track("TRA0000000000600", LocalPreviewServer.AlwaysTruncated)], options);

        var record = Assert.Single(summary.Records);
        Assert.Equal(PreviewDownloadStatus.Failed, record.Status);
        Assert.Equal(3, server.Hits(LocalPreviewServer.AlwaysTruncated));
        Assert.Equal([options.ResolvedManifestPath], Directory.GetFiles(outDir));
    }

    [SharedFact]
    public async Task SlowServerTimesOutAndIsRetried()
    {
        using var server = new LocalPreviewServer(new Dictionary<int, byte[]> { [101] = Mp3A }, TimeSpan.FromSeconds(60));
        string outDir = SharedData.NewTempDir();
        using var downloader = new PreviewDownloader();
        var options = Options(server, outDir, attempts: 2, timeoutSeconds: 1);

        var summary = await downloader.RunAsync([Track("TRA0000000000700", LocalPreviewServer.AlwaysSlow)], options);

        var record = Assert.Single(summary.Records);
        Assert.Equal(PreviewDownloadStatus.Failed, record.Status);
        Assert.Equal("gave up after 2 attempts: timed out after 1 s", record.Reason);
        Assert.Equal(2, record.Attempts);
    }

    [SharedFact]
    public async Task CancellationStopsAndStillWritesTheManifest()
    {
        using var server = new LocalPreviewServer(new Dictionary<int, byte[]> { [101] = Mp3A }, TimeSpan.FromSeconds(60));
        string outDir = SharedData.NewTempDir();
        using var downloader = new PreviewDownloader();
        var options = new PreviewDownloadOptions
        {
            OutputDirectory = outDir, UrlTemplate = server.Template, Concurrency = 2, RequestTimeout = TimeSpan.FromSeconds(30),
        };
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => downloader.RunAsync(
            [Track("TRA0000000000700", LocalPreviewServer.AlwaysSlow), Track("TRA0000000000701", LocalPreviewServer.AlwaysSlow)], options, null, cts.Token));

        string[] lines = File.ReadAllLines(options.ResolvedManifestPath);
        Assert.Equal(3, lines.Length);
        Assert.All(lines.Skip(1), l => Assert.Contains(",cancelled,", l));
        Assert.Empty(Directory.GetFiles(outDir, "*.mp3"));
        Assert.Empty(Directory.GetFiles(outDir, ".*.tmp"));
    }

    /// <summary>
    /// A write to the output folder that fails (a full disk) is not a transfer failure: it is not retried track after
    /// track with backoff, the run stops naming the file and the problem, and the manifest is still written.
    /// </summary>
    [SharedFact]
    public async Task AFullDisk_StopsTheRun_InsteadOfRetryingEveryTrack()
    {
        using var server = new LocalPreviewServer(new Dictionary<int, byte[]> { [101] = Mp3A, [102] = Mp3B }, TimeSpan.FromSeconds(60));
        string outDir = SharedData.NewTempDir();
        int opened = 0;
        using var downloader = new PreviewDownloader
        {
            OpenPartial = path => { Interlocked.Increment(ref opened); return new FullDiskStream(); },
        };
        var options = Options(server, outDir, attempts: 4, concurrency: 1);
        var e = await Assert.ThrowsAnyAsync<IOException>(() => downloader.RunAsync([Track("TRA0000000000101", 101), Track("TRA0000000000102", 102)], options));
        Assert.Equal($"{Path.Combine(outDir, "TRA0000000000101.mp3")}: writing the preview failed (No space left on device); the download stops here " +
            "(free space or fix the folder, then run it again: finished previews are kept)", e.Message);
        Assert.Equal(1, opened); // one attempt, no retries, no second track
        string[] lines = File.ReadAllLines(options.ResolvedManifestPath);
        Assert.Equal(3, lines.Length);
        Assert.Empty(Directory.GetFiles(outDir, "*.mp3"));
        Assert.Empty(Directory.GetFiles(outDir, ".*.tmp"));
    }

    private sealed class FullDiskStream : MemoryStream
    {
        public override void Write(byte[] buffer, int offset, int count) => throw new IOException("No space left on device");
        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => throw new IOException("No space left on device");
        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => throw new IOException("No space left on device");
    }

    [SharedFact]
    public async Task FolderScanFeedsTheDownloaderAndUnreadableFilesAreListed()
    {
        // The real MSD file's 7digital id (8707738) is served by the local server.
        string msdDir = SharedData.NewTempDir();
        File.Copy(SharedData.Data("msd/TRAXLZU12903D05F94.h5"), Path.Combine(msdDir, "TRAXLZU12903D05F94.h5"));
        File.WriteAllText(Path.Combine(msdDir, "junk.h5"), "junk");
        using var server = new LocalPreviewServer(new Dictionary<int, byte[]> { [8707738] = Mp3A }, TimeSpan.FromSeconds(60));
        string outDir = SharedData.NewTempDir();
        using var downloader = new PreviewDownloader();

        var summary = await downloader.RunAsync(MsdFolderScanner.Scan(msdDir), Options(server, outDir));

        Assert.Equal([PreviewDownloadStatus.Downloaded, PreviewDownloadStatus.Unreadable], summary.Records.Select(r => r.Status).ToArray());
        Assert.True(File.Exists(Path.Combine(outDir, "TRAXLZU12903D05F94.mp3")));
        Assert.Contains("/clip/8707738?", Assert.Single(server.Requests));
        Assert.Contains(",unreadable,", File.ReadAllLines(summary.ManifestPath)[2]);
    }

    [Fact]
    public void OptionsReportAllProblemsAtOnce()
    {
        var options = new PreviewDownloadOptions { OutputDirectory = "", Concurrency = 0, UrlTemplate = "ftp://x/{7digitalid}", ConsumerKey = "k" };
        var e = Assert.Throws<ArgumentException>(() => options.Validate(_ => null));
        Assert.Contains("OutputDirectory", e.Message);
        Assert.Contains("Concurrency", e.Message);
        Assert.Contains("not an absolute http(s) URL", e.Message);
        Assert.Contains("not only one", e.Message);
    }

    [Fact]
    public void SevenDigitalNeedsCredentialsFromOptionsOrEnvironment()
    {
        var options = new PreviewDownloadOptions { OutputDirectory = "out" };
        var e = Assert.Throws<ArgumentException>(() => options.Validate(_ => null));
        Assert.Contains(PreviewDownloadOptions.KeyVariable, e.Message);

        var env = new Dictionary<string, string> { [PreviewDownloadOptions.KeyVariable] = "k", [PreviewDownloadOptions.SecretVariable] = "s" };
        options.Validate(env.GetValueOrDefault);
        Assert.Equal(("k", "s"), options.ResolveCredentials(env.GetValueOrDefault));
    }

    [Theory]
    [InlineData(1, 10)]
    [InlineData(2, 20)]
    [InlineData(3, 40)]
    [InlineData(6, 50)]
    public void BackoffDoublesUpToTheCap(int retry, int expectedMs)
    {
        var options = new PreviewDownloadOptions { OutputDirectory = "o", InitialBackoff = TimeSpan.FromMilliseconds(10), MaxBackoff = TimeSpan.FromMilliseconds(50) };
        Assert.Equal(TimeSpan.FromMilliseconds(expectedMs), PreviewDownloader.Backoff(options, retry));
    }

    [Theory]
    [InlineData(1, null, 10)]      // no Retry-After: the backoff
    [InlineData(1, 5, 10)]         // a shorter Retry-After does not shorten the backoff
    [InlineData(1, 30, 30)]        // a longer one is honoured...
    [InlineData(2, 500, 50)]       // ...up to MaxBackoff
    public void RetryAfterLengthensTheBackoffUpToTheCap(int retry, int? retryAfterMs, int expectedMs)
    {
        var options = new PreviewDownloadOptions { OutputDirectory = "o", InitialBackoff = TimeSpan.FromMilliseconds(10), MaxBackoff = TimeSpan.FromMilliseconds(50) };
        TimeSpan? after = retryAfterMs is int ms ? TimeSpan.FromMilliseconds(ms) : null;
        Assert.Equal(TimeSpan.FromMilliseconds(expectedMs), PreviewDownloader.RetryDelay(options, retry, after));
    }

    private static void AssertSigned(int port, string target)
    {
        var uri = new Uri($"http://127.0.0.1:{port}{target}");
        var pairs = uri.Query.TrimStart('?').Split('&');
        string signature = Uri.UnescapeDataString(pairs.Single(p => p.StartsWith("oauth_signature=", StringComparison.Ordinal))["oauth_signature=".Length..]);
        Assert.Contains("oauth_consumer_key=" + Key, pairs);
        var unsigned = new Uri(uri.GetLeftPart(UriPartial.Path) + "?" + string.Join("&", pairs.Where(p => !p.StartsWith("oauth_signature=", StringComparison.Ordinal))));
        Assert.Equal(OAuth1Signer.Signature(OAuth1Signer.BaseString("GET", unsigned, []), Secret, ""), signature);
    }

    [Fact]
    public void Scrub_MasksOAuthParametersAndLongCredentials_ButNotTheLettersOfAShortOne()
    {
        var options = new PreviewDownloadOptions { OutputDirectory = "out" };
        // A one-letter "key" must not turn every 'a' of a message into *** ("tr***nsfer f***iled").
        var shortKeys = new PreviewDownloader.RequestContext(options, "a", "b");
        const string failure = "transfer failed: Name or service not known (previews.7digital.com:80)";
        Assert.Equal(failure, shortKeys.Scrub(failure));
        // ... while the key still never reaches the manifest: in a signed URL it is an OAuth parameter.
        Assert.Equal("GET http://h/x?oauth_consumer_key=***&oauth_nonce=***&oauth_signature=***&country=US failed",
            shortKeys.Scrub("GET http://h/x?oauth_consumer_key=a&oauth_nonce=n1&oauth_signature=s%3D&country=US failed"));
        var real = new PreviewDownloader.RequestContext(options, Key, Secret);
        Assert.Equal("key *** and secret *** in free text", real.Scrub($"key {Key} and secret {Secret} in free text"));
    }

}
