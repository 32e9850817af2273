namespace MusicGenre.IO;

/// <summary>
/// What differs between two sets of named settings, in one line — "n_mels 128 vs 96; genres [a,b] vs [a,c]" — so that a
/// refusal to mix stores or resume a checkpoint points at the difference instead of printing two long dumps.
/// </summary>
internal static class SettingsDiff
{
    /// <summary>
    /// The settings that differ, in <paramref name="a"/>'s order then those only in <paramref name="b"/>, each as
    /// <c>name A vs B</c> ("(none)" where one side lacks it), joined by "; ". Empty when they agree.
    /// </summary>
    public static string Describe(IEnumerable<KeyValuePair<string, string>> a, IEnumerable<KeyValuePair<string, string>> b)
    {
        var left = a.ToList();
        var right = b.ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
        var parts = new List<string>();
        foreach (var (name, value) in left)
        {
            if (!right.Remove(name, out var other)) parts.Add($"{name} {value} vs (none)");
            else if (!string.Equals(value, other, StringComparison.Ordinal)) parts.Add($"{name} {value} vs {other}");
        }
        parts.AddRange(right.Select(kv => $"{kv.Key} (none) vs {kv.Value}"));
        return string.Join("; ", parts);
    }

    /// <summary>The <c>key=value</c> pairs of a <c>;</c>-separated fingerprint (a value may itself hold '=' or ',').</summary>
    public static IEnumerable<KeyValuePair<string, string>> Pairs(string fingerprint) =>
        fingerprint.Split(';', StringSplitOptions.RemoveEmptyEntries).Select(part =>
        {
            int eq = part.IndexOf('=');
            return eq < 0 ? new KeyValuePair<string, string>(part, "") : new KeyValuePair<string, string>(part[..eq], part[(eq + 1)..]);
        });
}
