namespace MusicGenre.Pipeline.Download;

/// <summary>
/// Settings of a preview download run (<c>musicgenre download --msd &lt;dir&gt; --out &lt;dir&gt;</c>).
/// Credentials come from <see cref="ConsumerKey"/>/<see cref="ConsumerSecret"/> or, when those are null, from the
/// environment variables <see cref="KeyVariable"/>/<see cref="SecretVariable"/>; they are never logged or written.
/// </summary>
internal sealed class PreviewDownloadOptions
{
    /// <summary>7digital's preview clip endpoint, the default <see cref="UrlTemplate"/>.</summary>
    public const string SevenDigitalTemplate = "http://previews.7digital.com/clip/{7digitalid}";

    /// <summary>Environment variable holding the OAuth consumer key.</summary>
    public const string KeyVariable = "MUSICGENRE_7DIGITAL_KEY";

    /// <summary>Environment variable holding the OAuth consumer secret.</summary>
    public const string SecretVariable = "MUSICGENRE_7DIGITAL_SECRET";

    /// <summary>Folder the previews go to, one <c>&lt;track_id&gt;.mp3</c> each. Created if missing.</summary>
    public required string OutputDirectory { get; init; }

    /// <summary>
    /// URL of a track's preview with placeholders <c>{7digitalid}</c>, <c>{track_id}</c>, <c>{song_id}</c>
    /// (values are URL-escaped). May carry a query, e.g. <c>…/clip/{7digitalid}?country=GB</c>.
    /// </summary>
    public string UrlTemplate { get; init; } = SevenDigitalTemplate;

    /// <summary>OAuth consumer key; null reads <see cref="KeyVariable"/>. Requests are signed when a key is known.</summary>
    public string? ConsumerKey { get; init; }

    /// <summary>OAuth consumer secret; null reads <see cref="SecretVariable"/>.</summary>
    public string? ConsumerSecret { get; init; }

    /// <summary>Requests in flight at once (1–64).</summary>
    public int Concurrency { get; init; } = 4;

    /// <summary>Requests per track at most, the first included (1–20). Only 5xx, timeouts and broken transfers are retried.</summary>
    public int MaxAttempts { get; init; } = 4;

    /// <summary>Wait before the first retry; doubled for each further retry up to <see cref="MaxBackoff"/>.</summary>
    public TimeSpan InitialBackoff { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Longest wait between retries.</summary>
    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Time limit of one request, headers and body together.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Manifest CSV path; null means <c>manifest.csv</c> in <see cref="OutputDirectory"/>.</summary>
    public string? ManifestPath { get; init; }

    /// <summary>The manifest path actually used.</summary>
    public string ResolvedManifestPath => ManifestPath ?? Path.Combine(OutputDirectory, "manifest.csv");

    /// <summary>
    /// Key and secret after falling back to the environment (<paramref name="environment"/> defaults to
    /// <see cref="Environment.GetEnvironmentVariable(string)"/>); both null when requests go unsigned.
    /// </summary>
    public (string? Key, string? Secret) ResolveCredentials(Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        string? key = NullIfEmpty(ConsumerKey ?? environment(KeyVariable));
        string? secret = NullIfEmpty(ConsumerSecret ?? environment(SecretVariable));
        return (key, secret);
    }

    /// <summary>Checks every setting and throws one <see cref="ArgumentException"/> listing all problems.</summary>
    public void Validate(Func<string, string?>? environment = null)
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(OutputDirectory))
            problems.Add("OutputDirectory (--out) is empty");
        if (Concurrency is < 1 or > 64)
            problems.Add($"Concurrency (--concurrency) is {Concurrency}; use 1 to 64");
        if (MaxAttempts is < 1 or > 20)
            problems.Add($"MaxAttempts is {MaxAttempts}; use 1 to 20");
        if (InitialBackoff < TimeSpan.Zero || MaxBackoff < InitialBackoff)
            problems.Add($"backoff {InitialBackoff}..{MaxBackoff} is not a non-negative increasing range");
        if (RequestTimeout <= TimeSpan.Zero)
            problems.Add($"RequestTimeout is {RequestTimeout}; it must be positive");

        string probe = UrlTemplate.Replace("{7digitalid}", "1").Replace("{track_id}", "T").Replace("{song_id}", "S");
        if (!UrlTemplate.Contains("{7digitalid}") && !UrlTemplate.Contains("{track_id}") && !UrlTemplate.Contains("{song_id}"))
            problems.Add($"UrlTemplate '{UrlTemplate}' has no {{7digitalid}}, {{track_id}} or {{song_id}} placeholder");
        else if (!Uri.TryCreate(probe, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            problems.Add($"UrlTemplate '{UrlTemplate}' is not an absolute http(s) URL");

        var (key, secret) = ResolveCredentials(environment);
        if ((key is null) != (secret is null))
            problems.Add($"give both the OAuth consumer key and secret (options or {KeyVariable}/{SecretVariable}), not only one");
        else if (key is null && UrlTemplate == SevenDigitalTemplate)
            problems.Add($"the 7digital preview endpoint needs OAuth credentials: pass the consumer key and secret or set {KeyVariable} and {SecretVariable}");

        if (problems.Count > 0)
            throw new ArgumentException("Invalid download options:" + Environment.NewLine + "  - " + string.Join(Environment.NewLine + "  - ", problems));
    }

    private static string? NullIfEmpty(string? s) => string.IsNullOrEmpty(s) ? null : s;
}
