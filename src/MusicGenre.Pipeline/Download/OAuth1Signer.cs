using System.Security.Cryptography;
using System.Text;

namespace MusicGenre.Pipeline.Download;

/// <summary>
/// OAuth 1.0 HMAC-SHA1 request signing (RFC 5849 §3.4), as 7digital's preview endpoint expects it in "two-legged" form:
/// consumer key and secret only, no token, parameters sent in the query string (RFC 5849 §3.5.3).
/// </summary>
internal static class OAuth1Signer
{
    /// <summary>
    /// Returns <paramref name="uri"/> with the oauth_* protocol parameters and oauth_signature appended to its query.
    /// </summary>
    public static Uri SignQuery(Uri uri, string consumerKey, string consumerSecret, string nonce, long timestamp)
    {
        // 1. Protocol parameters (RFC 5849 §3.1); no oauth_token in two-legged use.
        var oauth = new List<KeyValuePair<string, string>>
        {
            new("oauth_consumer_key", consumerKey),
            new("oauth_nonce", nonce),
            new("oauth_signature_method", "HMAC-SHA1"),
            new("oauth_timestamp", timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            new("oauth_version", "1.0"),
        };

        // 2. Sign the base string built from the request's own query plus the protocol parameters.
        string signature = Signature(BaseString("GET", uri, oauth), consumerSecret, tokenSecret: "");

        // 3. Append everything to the query, percent-encoded (RFC 5849 §3.5.3).
        var query = new StringBuilder(uri.Query.TrimStart('?'));
        foreach (var (name, value) in oauth.Append(new("oauth_signature", signature)))
        {
            if (query.Length > 0) query.Append('&');
            query.Append(PercentEncode(name)).Append('=').Append(PercentEncode(value));
        }
        return new UriBuilder(uri) { Query = query.ToString() }.Uri;
    }

    /// <summary>
    /// The signature base string (RFC 5849 §3.4.1): METHOD &amp; encoded base URI &amp; encoded normalized parameters, where
    /// the parameters are the URI's query parameters plus <paramref name="extraParameters"/> (protocol and form-body
    /// parameters, unencoded).
    /// </summary>
    public static string BaseString(string method, Uri uri, IEnumerable<KeyValuePair<string, string>> extraParameters)
    {
        // 1. Base string URI (§3.4.1.2): lower-case scheme and host, default port dropped, path kept, no query.
        bool defaultPort = uri.IsDefaultPort
            || (uri.Scheme == Uri.UriSchemeHttp && uri.Port == 80) || (uri.Scheme == Uri.UriSchemeHttps && uri.Port == 443);
        string baseUri = uri.Scheme.ToLowerInvariant() + "://" + uri.Host.ToLowerInvariant()
            + (defaultPort ? "" : ":" + uri.Port.ToString(System.Globalization.CultureInfo.InvariantCulture))
            + uri.AbsolutePath;

        // 2. Collect parameters (§3.4.1.3.1): decoded query pairs plus the extra ones.
        var pairs = ParseQuery(uri.Query).Concat(extraParameters)
            .Select(p => (Name: PercentEncode(p.Key), Value: PercentEncode(p.Value)))
            .ToList();

        // 3. Normalize (§3.4.1.3.2): sort encoded pairs by name then value in byte order, join with '=' and '&'.
        pairs.Sort((a, b) =>
        {
            int byName = string.CompareOrdinal(a.Name, b.Name);
            return byName != 0 ? byName : string.CompareOrdinal(a.Value, b.Value);
        });
        string normalized = string.Join("&", pairs.Select(p => p.Name + "=" + p.Value));

        // 4. Concatenate (§3.4.1.1).
        return method.ToUpperInvariant() + "&" + PercentEncode(baseUri) + "&" + PercentEncode(normalized);
    }

    /// <summary>HMAC-SHA1 of the base string keyed by encoded secrets joined with '&amp;' (RFC 5849 §3.4.2), base64.</summary>
    public static string Signature(string baseString, string consumerSecret, string tokenSecret)
    {
        byte[] key = Encoding.UTF8.GetBytes(PercentEncode(consumerSecret) + "&" + PercentEncode(tokenSecret));
        byte[] mac = HMACSHA1.HashData(key, Encoding.UTF8.GetBytes(baseString));
        return Convert.ToBase64String(mac);
    }

    /// <summary>RFC 3986 percent-encoding of UTF-8 bytes, leaving only unreserved characters (RFC 5849 §3.6).</summary>
    public static string PercentEncode(string value)
    {
        var sb = new StringBuilder(value.Length + 8);
        foreach (byte b in Encoding.UTF8.GetBytes(value))
        {
            bool unreserved = b is >= (byte)'A' and <= (byte)'Z' or >= (byte)'a' and <= (byte)'z' or >= (byte)'0' and <= (byte)'9'
                or (byte)'-' or (byte)'.' or (byte)'_' or (byte)'~';
            if (unreserved) sb.Append((char)b);
            else sb.Append('%').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
        }
        return sb.ToString();
    }

    /// <summary>A fresh random nonce: 16 random bytes as lower-case hex.</summary>
    public static string NewNonce() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    private static IEnumerable<KeyValuePair<string, string>> ParseQuery(string query)
    {
        // application/x-www-form-urlencoded decoding: '+' is a space, then percent-decoding.
        foreach (string part in query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            int eq = part.IndexOf('=');
            string name = eq < 0 ? part : part[..eq];
            string value = eq < 0 ? "" : part[(eq + 1)..];
            yield return new(Uri.UnescapeDataString(name.Replace('+', ' ')), Uri.UnescapeDataString(value.Replace('+', ' ')));
        }
    }
}
