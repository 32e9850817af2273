namespace MusicGenre.IO;

/// <summary>CSV fields as RFC 4180 writes them.</summary>
internal static class Csv
{
    /// <summary><paramref name="value"/> as it is, or quoted (inner quotes doubled) when it holds a comma, quote or line break.</summary>
    public static string Field(string value) =>
        value.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
}
