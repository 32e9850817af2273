using MusicGenre.Pipeline.Download;

namespace MusicGenre.Pipeline.Tests.Download;

public sealed class OAuth1SignerTests
{
    /// <summary>
    /// Published HMAC-SHA1 vector from Twitter's developer documentation "Creating a signature"
    /// (https://dev.twitter.com/oauth/overview/creating-signatures, now docs.x.com …/oauth-1-0a/creating-a-signature),
    /// also used as a test vector by e.g. bennadel/Crypto.cfc (examples/twitter_authentication.cfm) and
    /// r0man/oauth-clj (test/oauth/test/examples.clj). Inputs, base string and signature are as published.
    /// </summary>
    [Fact]
    public void TwitterDocumentationVector()
    {
        var uri = new Uri("https://api.twitter.com/1/statuses/update.json?include_entities=true");
        KeyValuePair<string, string>[] parameters =
        [
            new("status", "Hello Ladies + Gentlemen, a signed OAuth request!"),
            new("oauth_consumer_key", "xvz1evFS4wEEPTGEFPHBog"),
            new("oauth_nonce", "kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg"),
            new("oauth_signature_method", "HMAC-SHA1"),
            new("oauth_timestamp", "1318622958"),
            new("oauth_token", "370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb"),
            new("oauth_version", "1.0"),
        ];

        string baseString = OAuth1Signer.BaseString("POST", uri, parameters);

        Assert.Equal(
            "POST&https%3A%2F%2Fapi.twitter.com%2F1%2Fstatuses%2Fupdate.json&include_entities%3Dtrue%26oauth_consumer_key%3Dxvz1evFS4wEEPTGEFPHBog%26oauth_nonce%3DkYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg%26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D1318622958%26oauth_token%3D370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb%26oauth_version%3D1.0%26status%3DHello%2520Ladies%2520%252B%2520Gentlemen%252C%2520a%2520signed%2520OAuth%2520request%2521",
            baseString);
        Assert.Equal("tnnArxj06cWHq44gCs1OSKk/jLY=",
            OAuth1Signer.Signature(baseString, "kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw", "LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE"));
    }

    /// <summary>
    /// RFC 5849 §3.4.1.1 example (https://www.rfc-editor.org/rfc/rfc5849#section-3.4.1.1): the request
    /// <c>POST /request?b5=%3D%253D&amp;a3=a&amp;c%40=&amp;a2=r%20b</c> with body <c>c2&amp;a3=2+q</c> and the listed
    /// protocol parameters has the published signature base string below (the RFC does not publish its secrets, so
    /// only the base string is checked here; the HMAC step is covered by the Twitter vector).
    /// </summary>
    [Fact]
    public void Rfc5849BaseStringExample()
    {
        var uri = new Uri("http://example.com/request?b5=%3D%253D&a3=a&c%40=&a2=r%20b");
        KeyValuePair<string, string>[] parameters =
        [
            new("oauth_consumer_key", "9djdj82h48djs9d2"),
            new("oauth_token", "kkk9d7dh3k39sjv7"),
            new("oauth_signature_method", "HMAC-SHA1"),
            new("oauth_timestamp", "137131201"),
            new("oauth_nonce", "7d8f3e4a"),
            new("c2", ""),
            new("a3", "2 q"),
        ];

        Assert.Equal(
            "POST&http%3A%2F%2Fexample.com%2Frequest&a2%3Dr%2520b%26a3%3D2%2520q%26a3%3Da%26b5%3D%253D%25253D%26c%2540%3D%26c2%3D%26oauth_consumer_key%3D9djdj82h48djs9d2%26oauth_nonce%3D7d8f3e4a%26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D137131201%26oauth_token%3Dkkk9d7dh3k39sjv7",
            OAuth1Signer.BaseString("POST", uri, parameters));
    }

    [Theory]
    [InlineData("abcXYZ019-._~", "abcXYZ019-._~")]
    [InlineData("a b+c/d=e&f", "a%20b%2Bc%2Fd%3De%26f")]
    [InlineData("é☃", "%C3%A9%E2%98%83")]
    public void PercentEncodingFollowsRfc3986(string raw, string encoded) => Assert.Equal(encoded, OAuth1Signer.PercentEncode(raw));

    [Fact]
    public void SignedQueryVerifiesAndKeepsExistingParameters()
    {
        var uri = new Uri("http://previews.7digital.com/clip/8707738?country=GB");
        Uri signed = OAuth1Signer.SignQuery(uri, "my-key", "my-secret", "abc123", 1_700_000_000);

        // 1. The signed URL carries the original query and all protocol parameters.
        var query = signed.Query.TrimStart('?').Split('&').Select(p => p.Split('=')).ToDictionary(p => p[0], p => Uri.UnescapeDataString(p[1]));
        Assert.Equal("GB", query["country"]);
        Assert.Equal("my-key", query["oauth_consumer_key"]);
        Assert.Equal("abc123", query["oauth_nonce"]);
        Assert.Equal("1700000000", query["oauth_timestamp"]);
        Assert.Equal("HMAC-SHA1", query["oauth_signature_method"]);
        Assert.False(query.ContainsKey("oauth_token"));

        // 2. A verifier recomputes the signature from everything but oauth_signature with the two-legged key "secret&".
        string signature = query["oauth_signature"];
        var withoutSignature = new Uri(signed.GetLeftPart(UriPartial.Path) + "?" +
            string.Join("&", signed.Query.TrimStart('?').Split('&').Where(p => !p.StartsWith("oauth_signature=", StringComparison.Ordinal))));
        Assert.Equal(signature, OAuth1Signer.Signature(OAuth1Signer.BaseString("GET", withoutSignature, []), "my-secret", ""));

        // 3. A different secret gives a different signature (the check above is not vacuous).
        Assert.NotEqual(signature, OAuth1Signer.Signature(OAuth1Signer.BaseString("GET", withoutSignature, []), "other", ""));
    }
}
