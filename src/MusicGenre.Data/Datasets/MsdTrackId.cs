using System.Text.RegularExpressions;

namespace MusicGenre.Data.Datasets;

/// <summary>Million Song Dataset track ids: "TR" followed by 16 upper-case letters or digits (e.g. TRWJAZW128F42760DD).</summary>
internal static partial class MsdTrackId
{
    /// <summary>True when <paramref name="text"/> is exactly one track id.</summary>
    public static bool IsValid(string text) => ExactRegex().IsMatch(text);

    /// <summary>
    /// The track id at the start of a file name (<c>TRWJAZW128F42760DD_test.mp3</c> → <c>TRWJAZW128F42760DD</c>), or null.
    /// The id must be followed by a non-alphanumeric character or the end of the name, so longer tokens do not match.
    /// </summary>
    public static string? FromFileName(string path)
    {
        var m = PrefixRegex().Match(Path.GetFileName(path));
        return m.Success ? m.Groups[1].Value : null;
    }

    [GeneratedRegex("^TR[A-Z0-9]{16}$", RegexOptions.CultureInvariant)]
    private static partial Regex ExactRegex();

    [GeneratedRegex("^(TR[A-Z0-9]{16})(?![A-Za-z0-9])", RegexOptions.CultureInvariant)]
    private static partial Regex PrefixRegex();
}
