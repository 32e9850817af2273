using System.Globalization;
using System.Text;

namespace MusicGenre.IO;

/// <summary>
/// Text from outside (file names, genre names, reasons) placed in lines MusicGenre writes for people: Markdown reports
/// and one-line console messages.
/// </summary>
internal static class DisplayText
{
    /// <summary>
    /// <paramref name="value"/> as literal inline Markdown, one line: the punctuation CommonMark and GitHub tables read as
    /// markup (<c>\ ` * _ [ ] &lt; &gt; | ~ &amp;</c>) is backslash-escaped, so that "my_song_2*.wav" keeps its underscores
    /// and star and a "|" does not split a table cell; control characters are written as by <see cref="OneLine"/>, their
    /// backslash escaped too.
    /// </summary>
    public static string Markdown(string value)
    {
        var sb = new StringBuilder(value.Length + 8);
        foreach (char c in value)
        {
            if (c is '\\' or '`' or '*' or '_' or '[' or ']' or '<' or '>' or '|' or '~' or '&') sb.Append('\\').Append(c);
            else if (char.IsControl(c)) sb.Append('\\').Append(Escape(c));
            else sb.Append(c);
        }
        return sb.ToString();
    }

    /// <summary>
    /// <paramref name="value"/> on one console line: line breaks and other control characters (a file name may hold any)
    /// become visible escapes — <c>\n</c>, <c>\r</c>, <c>\t</c>, <c>\u001b</c> — so that a name can neither split a
    /// result line that scripts read line by line nor send terminal escape sequences. Other characters are kept.
    /// </summary>
    public static string OneLine(string value)
    {
        if (!value.AsSpan().ContainsAnyInRange('\0', '\x1f') && !value.AsSpan().ContainsAnyInRange('\x7f', '\x9f')) return value;
        var sb = new StringBuilder(value.Length + 8);
        foreach (char c in value) sb.Append(char.IsControl(c) ? Escape(c) : c.ToString());
        return sb.ToString();
    }

    private static string Escape(char c) => c switch
    {
        '\n' => "\\n",
        '\r' => "\\r",
        '\t' => "\\t",
        _ => string.Create(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}"),
    };
}
