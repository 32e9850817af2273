using System.Net;
using MusicGenre.Data.Msd;
using MusicGenre.IO;

namespace MusicGenre.Pipeline.Download;

/// <summary>
/// Fetches 30 s preview MP3s for MSD tracks: concurrent, resumable (finished files are skipped; each download goes to a
/// <c>.part</c> file renamed only when complete), retrying 5xx, 408 and 429 responses, timeouts and broken transfers with exponential
/// backoff or the server's Retry-After (never other 4xx), OAuth-signed when credentials are given, and writing a manifest CSV of every track.
/// </summary>
/// <example><code>
/// using var downloader = new PreviewDownloader();
/// var summary = await downloader.RunAsync(MsdFolderScanner.Scan(msdDir), new PreviewDownloadOptions { OutputDirectory = outDir }, progress, ct);
/// </code></example>
internal sealed partial class PreviewDownloader : IDisposable
{
    private const int CopyBufferSize = 81920;
    private readonly HttpClient _client;
    private readonly bool _ownsClient;

    /// <summary>Creates a downloader with its own HttpClient, or one using <paramref name="client"/> (not disposed here).</summary>
    public PreviewDownloader(HttpClient? client = null)
    {
        _ownsClient = client is null;
        _client = client ?? new HttpClient(new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            MaxConnectionsPerServer = 64,
        })
        { Timeout = Timeout.InfiniteTimeSpan };
    }

    /// <summary>Clock for OAuth timestamps (seconds since 1970); replaceable by tests.</summary>
    internal Func<long> UnixTime { get; init; } = () => DateTimeOffset.UtcNow.ToUnixTimeSeconds();

    /// <summary>Opens the file a preview is streamed into (tests give a stream whose writes fail, as on a full disk).</summary>
    internal Func<string, Stream> OpenPartial { get; init; } =
        path => new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, CopyBufferSize, useAsync: true);

    /// <summary>
    /// Writing a preview to the output folder failed (a full disk, a folder made read-only): not the transfer's fault, so
    /// not retried, and every other track would fail alike — the run stops (the manifest is still written; a re-run resumes).
    /// </summary>
    private sealed class LocalWriteException(string target, Exception inner)
        : IOException($"{target}: writing the preview failed ({inner.Message}); the download stops here (free space or fix the folder, then run it again: finished previews are kept)", inner);

    /// <summary>Downloads the previews of a folder scan; its unreadable .h5 files appear in the manifest as <c>unreadable</c>.</summary>
    public async Task<PreviewDownloadSummary> RunAsync(MsdScanResult scan, PreviewDownloadOptions options,
        IProgress<PreviewDownloadProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(scan);
        var unreadable = scan.Failures.Select(f => new PreviewDownloadRecord(
            "", 0, "", "", "", PreviewDownloadStatus.Unreadable, f.Error ?? "unreadable", f.Path, 0, 0));
        return await RunCoreAsync(scan.Tracks, unreadable.ToList(), options, progress, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Downloads the previews of <paramref name="tracks"/> and writes the manifest (also when cancelled).</summary>
    /// <exception cref="ArgumentException">The options are invalid (all problems listed).</exception>
    /// <exception cref="OperationCanceledException">Cancelled; the manifest then marks unfinished tracks <c>cancelled</c>.</exception>
    public Task<PreviewDownloadSummary> RunAsync(IReadOnlyList<MsdTrack> tracks, PreviewDownloadOptions options,
        IProgress<PreviewDownloadProgress>? progress = null, CancellationToken cancellationToken = default) =>
        RunCoreAsync(tracks, [], options, progress, cancellationToken);

    private async Task<PreviewDownloadSummary> RunCoreAsync(IReadOnlyList<MsdTrack> tracks, List<PreviewDownloadRecord> extra,
        PreviewDownloadOptions options, IProgress<PreviewDownloadProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tracks);
        ArgumentNullException.ThrowIfNull(options);

        // 1. Validate everything up front and prepare the output folder.
        options.Validate();
        var (key, secret) = options.ResolveCredentials();
        Directory.CreateDirectory(options.OutputDirectory);
        SafeFile.RemoveStaleTempsIn(options.OutputDirectory); // half-written previews of killed runs (once, not per file)

        // 2. One slot per input track; duplicates of an earlier track id are settled immediately.
        var records = new PreviewDownloadRecord?[tracks.Count];
        var firstSeen = new HashSet<string>(StringComparer.Ordinal);
        var work = new List<int>();
        for (int i = 0; i < tracks.Count; i++)
        {
            if (firstSeen.Add(tracks[i].TrackId)) work.Add(i);
            else records[i] = Record(tracks[i], PreviewDownloadStatus.Duplicate, "same track_id earlier in the input", "", 0, 0);
        }

        // 3. Fetch concurrently; each worker writes only its own slot, counters are updated atomically.
        int completed = 0, downloaded = 0, skipped = 0, failed = 0, total = work.Count;
        var context = new RequestContext(options, key, secret);
        Exception? stopping = null;
        try
        {
            await Parallel.ForEachAsync(work,
                new ParallelOptions { MaxDegreeOfParallelism = options.Concurrency, CancellationToken = cancellationToken },
                async (i, ct) =>
                {
                    var record = await DownloadOneAsync(tracks[i], context, ct).ConfigureAwait(false);
                    records[i] = record;
                    _ = record.Status switch
                    {
                        PreviewDownloadStatus.Downloaded => Interlocked.Increment(ref downloaded),
                        PreviewDownloadStatus.Skipped => Interlocked.Increment(ref skipped),
                        _ => Interlocked.Increment(ref failed),
                    };
                    progress?.Report(new PreviewDownloadProgress(Interlocked.Increment(ref completed), total,
                        Volatile.Read(ref downloaded), Volatile.Read(ref skipped), Volatile.Read(ref failed), record));
                }).ConfigureAwait(false);
        }
        catch (Exception e) when (e is LocalWriteException)
        {
            stopping = e;
            throw;
        }
        finally
        {
            // 4. The manifest lists every track, finished or not, so an interrupted run still documents itself.
            var all = records.Select((r, i) => r ?? Record(tracks[i], PreviewDownloadStatus.Cancelled, "run cancelled", "", 0, 0))
                .Concat(extra).ToList();
            // On a full disk the manifest may fail too: the run's own error (which says why) stays the one reported.
            try { DownloadManifest.Write(options.ResolvedManifestPath, all); }
            catch (Exception e) when (stopping is not null && e is IOException or UnauthorizedAccessException) { } // the run's error names the cause
        }

        var final = records.Select(r => r!).Concat(extra).ToList();
        return new PreviewDownloadSummary(final, options.ResolvedManifestPath);
    }

    private async Task<PreviewDownloadRecord> DownloadOneAsync(MsdTrack track, RequestContext context, CancellationToken ct)
    {
        var options = context.Options;

        // 1. Tracks that cannot be fetched, or are already finished, are settled without a request.
        if (!track.HasPreviewId && options.UrlTemplate.Contains("{7digitalid}"))
            return Record(track, PreviewDownloadStatus.NoPreview, "track has no 7digital id", "", 0, 0);
        if (!IsSafeFileName(track.TrackId))
            return Record(track, PreviewDownloadStatus.Failed, "track_id is not a safe file name", "", 0, 0);
        string target = Path.Combine(options.OutputDirectory, track.TrackId + ".mp3");
        if (File.Exists(target))
            return IsMp3File(target)
                ? Record(track, PreviewDownloadStatus.Skipped, "already downloaded", target, new FileInfo(target).Length, 0)
                : Record(track, PreviewDownloadStatus.Failed, $"'{target}' exists and is not an MP3: not replaced (move it away to download the preview)", "", 0, 0);

        // 2. Try up to MaxAttempts times; only transient failures loop. Each attempt streams into a SafeFile temp beside
        //    the target, renamed into place only when complete (a killed run's temp is removed by the next one).
        string lastError = "";
        TimeSpan? retryAfter = null;
        for (int attempt = 1; attempt <= options.MaxAttempts; attempt++)
        {
            if (attempt > 1)
                await Task.Delay(RetryDelay(options, attempt - 1, retryAfter), ct).ConfigureAwait(false);

            Outcome outcome = default;
            await SafeFile.WriteAsync(target, async temp =>
            {
                outcome = await TryOnceAsync(track, context, temp, ct).ConfigureAwait(false);
                return outcome.Kind == OutcomeKind.Done;
            }, removeStaleTemps: false).ConfigureAwait(false);
            switch (outcome.Kind)
            {
                case OutcomeKind.Done:
                    return Record(track, PreviewDownloadStatus.Downloaded, "", target, outcome.Bytes, attempt);
                case OutcomeKind.Permanent:
                    return Record(track, PreviewDownloadStatus.Failed, context.Scrub(outcome.Error), "", 0, attempt);
                default:
                    lastError = context.Scrub(outcome.Error);
                    retryAfter = outcome.RetryAfter;
                    break;
            }
        }
        return Record(track, PreviewDownloadStatus.Failed, $"gave up after {options.MaxAttempts} attempts: {lastError}", "", 0, options.MaxAttempts);
    }

    private async Task<Outcome> TryOnceAsync(MsdTrack track, RequestContext context, string partial, CancellationToken ct) // partial: deleted by the caller unless Done
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(context.Options.RequestTimeout);
        try
        {
            // 1. Request with a fresh nonce and timestamp; headers first so the body can be streamed to disk.
            using var request = new HttpRequestMessage(HttpMethod.Get, context.BuildUri(track, UnixTime()));
            using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
            int code = (int)response.StatusCode;
            string status = $"HTTP {code} {response.ReasonPhrase}".TrimEnd();
            // 5xx, 408 Request Timeout and 429 Too Many Requests are worth another try (after Retry-After when the
            // server names one); every other 4xx is permanent.
            if (code >= 500 || code is 408 or 429)
                return Outcome.Transient(status, RetryAfter(response.Headers.RetryAfter));
            if (code >= 400 || response.StatusCode != HttpStatusCode.OK)
                return Outcome.Permanent(status);

            // 2. Stream the body into the .part file, counting bytes.
            long? expected = response.Content.Headers.ContentLength;
            long written = 0;
            var head = new byte[4];
            int headFill = 0;
            await using (var body = await response.Content.ReadAsStreamAsync(timeout.Token).ConfigureAwait(false))
            await using (var file = Local(() => OpenPartial(partial)))
            {
                var buffer = new byte[CopyBufferSize];
                int n;
                while ((n = await body.ReadAsync(buffer, timeout.Token).ConfigureAwait(false)) > 0)
                {
                    for (int k = 0; k < n && headFill < head.Length; k++) head[headFill++] = buffer[k];
                    try { await file.WriteAsync(buffer.AsMemory(0, n), timeout.Token).ConfigureAwait(false); }
                    catch (Exception e) when (e is IOException or UnauthorizedAccessException) { throw new LocalWriteException(Target(), e); }
                    written += n;
                }
                try { await file.FlushAsync(timeout.Token).ConfigureAwait(false); }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException) { throw new LocalWriteException(Target(), e); }
            }

            // 3. A short body (Content-Length larger than what arrived) is a broken transfer: never keep it.
            if (expected is long length && written != length)
                return Outcome.Transient($"truncated response: {written} of {length} bytes");
            if (written == 0)
                return Outcome.Permanent("empty response body");
            if (!LooksLikeMp3(head.AsSpan(0, headFill)))
                return Outcome.Permanent($"response is not an MP3 (content type '{response.Content.Headers.ContentType?.MediaType}')");
            return Outcome.Done(written);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return Outcome.Transient($"timed out after {context.Options.RequestTimeout.TotalSeconds:0.###} s");
        }
        catch (Exception e) when (e is HttpRequestException or IOException and not LocalWriteException)
        {
            return Outcome.Transient($"transfer failed: {e.Message}");
        }

        // The preview's own name, for messages (the partial file is a hidden temp beside it).
        string Target() => Path.Combine(context.Options.OutputDirectory, track.TrackId + ".mp3");

        Stream Local(Func<Stream> open)
        {
            try { return open(); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { throw new LocalWriteException(Target(), e); }
        }
    }

    /// <summary>
    /// Delay before retry number <paramref name="retry"/>: the exponential backoff, or the server's Retry-After when
    /// that is longer, never more than <see cref="PreviewDownloadOptions.MaxBackoff"/>.
    /// </summary>
    internal static TimeSpan RetryDelay(PreviewDownloadOptions options, int retry, TimeSpan? retryAfter)
    {
        var backoff = Backoff(options, retry);
        return retryAfter is { } wait && wait > backoff ? (wait < options.MaxBackoff ? wait : options.MaxBackoff) : backoff;
    }

    private static TimeSpan? RetryAfter(System.Net.Http.Headers.RetryConditionHeaderValue? header) => header switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => date - DateTimeOffset.UtcNow is var d && d > TimeSpan.Zero ? d : TimeSpan.Zero,
        _ => null,
    };

    /// <summary>Delay before retry number <paramref name="retry"/> (1-based): initial · 2^(retry−1), capped.</summary>
    internal static TimeSpan Backoff(PreviewDownloadOptions options, int retry)
    {
        double ticks = options.InitialBackoff.Ticks * Math.Pow(2, retry - 1);
        return TimeSpan.FromTicks((long)Math.Min(ticks, options.MaxBackoff.Ticks));
    }

    // Whether an existing file starts like an MP3 (an unreadable one counts as not: it is reported, never overwritten).
    private static bool IsMp3File(string path)
    {
        Span<byte> head = stackalloc byte[4];
        try
        {
            using var file = File.OpenRead(path);
            return LooksLikeMp3(head[..file.ReadAtLeast(head, head.Length, throwOnEndOfStream: false)]);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return false; }
    }

    /// <summary>An ID3v2 tag or an MPEG audio frame sync (11 set bits) at the start.</summary>
    internal static bool LooksLikeMp3(ReadOnlySpan<byte> head) =>
        head.Length >= 3 && head[0] == (byte)'I' && head[1] == (byte)'D' && head[2] == (byte)'3'
        || head.Length >= 2 && head[0] == 0xFF && (head[1] & 0xE0) == 0xE0;

    private static bool IsSafeFileName(string id) =>
        id.Length is > 0 and <= 128 && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-');

    private static PreviewDownloadRecord Record(MsdTrack t, PreviewDownloadStatus status, string reason, string file, long bytes, int attempts) =>
        new(t.TrackId, t.Track7DigitalId, t.SongId, t.ArtistName, t.Title, status, reason, file, bytes, attempts);

    /// <inheritdoc />
    public void Dispose()
    {
        if (_ownsClient) _client.Dispose();
    }

    private enum OutcomeKind { Done, Transient, Permanent }

    private readonly record struct Outcome(OutcomeKind Kind, string Error, long Bytes, TimeSpan? RetryAfter = null)
    {
        public static Outcome Done(long bytes) => new(OutcomeKind.Done, "", bytes);
        public static Outcome Transient(string error, TimeSpan? retryAfter = null) => new(OutcomeKind.Transient, error, 0, retryAfter);
        public static Outcome Permanent(string error) => new(OutcomeKind.Permanent, error, 0);
    }

    /// <summary>Per-run request settings: URL building, signing, and scrubbing secrets out of messages.</summary>
    internal sealed partial class RequestContext(PreviewDownloadOptions options, string? key, string? secret)
    {
        public PreviewDownloadOptions Options { get; } = options;

        public Uri BuildUri(MsdTrack track, long unixTime)
        {
            string url = Options.UrlTemplate
                .Replace("{7digitalid}", track.Track7DigitalId.ToString(System.Globalization.CultureInfo.InvariantCulture))
                .Replace("{track_id}", Uri.EscapeDataString(track.TrackId))
                .Replace("{song_id}", Uri.EscapeDataString(track.SongId));
            var uri = new Uri(url);
            return key is null || secret is null ? uri : OAuth1Signer.SignQuery(uri, key, secret, OAuth1Signer.NewNonce(), unixTime);
        }

        /// <summary>
        /// Removes the credentials from any text that may reach the manifest or a log: the values of every
        /// <c>oauth_…=</c> query parameter (the key travels in signed URLs), and the key and secret themselves wherever
        /// they appear — when they are at least <see cref="MinScrubbedLength"/> characters, since masking a one-letter
        /// "secret" everywhere would mask that letter in every message ("f***iled").
        /// </summary>
        public string Scrub(string text)
        {
            text = OAuthParameter().Replace(text, "$1***");
            if (key is { Length: >= MinScrubbedLength }) text = text.Replace(key, "***", StringComparison.Ordinal);
            if (secret is { Length: >= MinScrubbedLength }) text = text.Replace(secret, "***", StringComparison.Ordinal);
            return text;
        }

        /// <summary>Shorter credentials are masked only as OAuth parameter values (7digital keys are far longer).</summary>
        public const int MinScrubbedLength = 6;

        [System.Text.RegularExpressions.GeneratedRegex(@"(oauth_[a-z_]+=)[^&\s""'<>]+")]
        private static partial System.Text.RegularExpressions.Regex OAuthParameter();
    }
}
