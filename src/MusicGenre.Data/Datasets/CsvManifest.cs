using System.Text;

namespace MusicGenre.Data.Datasets;

/// <summary>
/// Loads a CSV manifest with a header row naming the columns <c>path,genre[,song_id][,artist]</c> (any order, case-insensitive,
/// extra columns ignored). Fields follow RFC 4180: comma-separated, optionally double-quoted, <c>""</c> inside quotes is a
/// quote, and quoted fields may hold commas and line breaks. Relative paths are resolved against the manifest's folder;
/// a missing song_id defaults to the file name without extension.
/// </summary>
internal static class CsvManifest
{
    /// <summary>Reads the manifest. Rows whose genre is not in <paramref name="genres"/> are listed in <see cref="Dataset.Skipped"/>.</summary>
    /// <exception cref="FileNotFoundException">The manifest does not exist.</exception>
    /// <exception cref="DatasetFormatException">Missing header columns, a row with the wrong field count, an unterminated quote,
    /// an empty path or genre, or a duplicate song id — naming the file and line.</exception>
    public static Dataset Load(string manifestPath, GenreList? genres = null)
    {
        genres ??= GenreList.Gtzan;
        manifestPath = Path.GetFullPath(manifestPath);
        // Never opened unless a regular, non-empty file (a pipe would block the open); an empty one is a malformed manifest.
        if (MusicGenre.IO.InputFile.Check(manifestPath) is { Kind: MusicGenre.IO.InputFile.Kind.Empty } empty)
            throw new DatasetFormatException(manifestPath, 0, $"the manifest is {empty.Text}; expected a header 'path,genre[,song_id][,artist]'");
        MusicGenre.IO.InputFile.Require(manifestPath, "CSV manifest");
        string baseDir = Path.GetDirectoryName(manifestPath)!;

        using var reader = new StreamReader(manifestPath, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        var rows = ReadRecords(reader, manifestPath).GetEnumerator();

        // 1. The header names the columns.
        if (!rows.MoveNext()) throw new DatasetFormatException(manifestPath, 0, "the manifest is empty; expected a header 'path,genre[,song_id][,artist]'");
        var (headerLine, header) = rows.Current;
        int Column(string name) => Array.FindIndex(header, h => string.Equals(h, name, StringComparison.OrdinalIgnoreCase));
        int pathCol = Column("path"), genreCol = Column("genre"), idCol = Column("song_id"), artistCol = Column("artist");
        if (pathCol < 0 || genreCol < 0)
            throw new DatasetFormatException(manifestPath, headerLine, $"header must name the columns 'path' and 'genre' (found: {string.Join(",", header)}){SeparatorHint(header)}");

        // 2. Each row becomes an entry or a skipped item.
        var entries = new List<DatasetEntry>();
        var skipped = new List<SkippedItem>();
        var idLines = new Dictionary<string, int>(StringComparer.Ordinal);
        var pathLines = new Dictionary<string, int>(StringComparer.Ordinal);
        while (rows.MoveNext())
        {
            var (line, fields) = rows.Current;
            if (fields.Length == 1 && fields[0].Length == 0) continue;
            if (fields.Length != header.Length)
                throw new DatasetFormatException(manifestPath, line, $"expected {header.Length} field(s) as in the header, found {fields.Length}");
            string path = fields[pathCol], label = fields[genreCol];
            if (path.Length == 0) throw new DatasetFormatException(manifestPath, line, "empty 'path'");
            if (label.Length == 0) throw new DatasetFormatException(manifestPath, line, "empty 'genre'");
            string fullPath = Path.GetFullPath(path, baseDir);
            string songId = idCol >= 0 && fields[idCol].Length > 0 ? fields[idCol] : Path.GetFileNameWithoutExtension(path);
            string? artist = artistCol >= 0 && fields[artistCol].Length > 0 ? fields[artistCol] : null;

            if (!genres.TryGetIndex(label, out int genre))
            {
                skipped.Add(new SkippedItem(manifestPath, line, path, $"genre '{label}' is not in the genre list ({genres})"));
                continue;
            }
            if (!idLines.TryAdd(songId, line))
                throw new DatasetFormatException(manifestPath, line, $"song id '{songId}' already used on line {idLines[songId]} (song ids must be unique; add a song_id column)");
            // One recording under two ids (perhaps two genres) would sit on both sides of a split as two songs.
            if (!pathLines.TryAdd(fullPath, line))
                throw new DatasetFormatException(manifestPath, line, $"'{path}' is already listed on line {pathLines[fullPath]} (each audio file once)");
            entries.Add(new DatasetEntry(fullPath, genre, songId, artist));
        }
        return new Dataset(genres, entries, skipped);
    }

    /// <summary>
    /// When a header of one field holds ';' or a tab: the manifest is separated by something else than commas (spreadsheets
    /// in locales with a decimal comma save "CSV" with ';').
    /// </summary>
    internal static string SeparatorHint(string[] header) =>
        header.Length == 1 && (header[0].Contains(';') ? "';'" : header[0].Contains('\t') ? "tabs" : null) is { } by
            ? $"; the header looks separated by {by}: a manifest is comma-separated (save it as 'CSV UTF-8 (comma delimited)', or replace the separators)"
            : "";

    /// <summary>
    /// RFC 4180 records with the 1-based line each starts on. Spaces and tabs around an unquoted field, and around the quotes
    /// of a quoted one, are not part of it (hand-written manifests put a space after commas); inside quotes every character
    /// is kept (a file name may begin or end with a space).
    /// </summary>
    internal static IEnumerable<(int Line, string[] Fields)> ReadRecords(TextReader reader, string source)
    {
        var fields = new List<string>();
        var field = new StringBuilder();
        int line = 1, recordLine = 1;
        bool inQuotes = false, fieldWasQuoted = false, any = false;
        int c;
        string End() => fieldWasQuoted ? field.ToString() : field.ToString().Trim(' ', '\t');
        while ((c = reader.Read()) >= 0)
        {
            any = true;
            char ch = (char)c;
            if (inQuotes)
            {
                // 1. Inside quotes: "" is a literal quote, a lone " closes the field, anything else (newlines too) is data.
                if (ch == '"')
                {
                    if (reader.Peek() == '"') { reader.Read(); field.Append('"'); }
                    else inQuotes = false;
                }
                else
                {
                    if (ch == '\n') line++;
                    field.Append(ch);
                }
                continue;
            }
            switch (ch)
            {
                // 2. Outside quotes: a quote may only open a field (after spaces); commas and newlines end fields and records.
                case '"' when !fieldWasQuoted && field.ToString().Trim(' ', '\t').Length == 0:
                    field.Clear();
                    inQuotes = true;
                    fieldWasQuoted = true;
                    break;
                case '"':
                    throw new DatasetFormatException(source, line, "a quote inside an unquoted field (quote the whole field and double inner quotes)");
                case ',':
                    fields.Add(End()); field.Clear(); fieldWasQuoted = false;
                    break;
                case '\r':
                    break;
                case '\n':
                    fields.Add(End()); field.Clear(); fieldWasQuoted = false;
                    yield return (recordLine, fields.ToArray());
                    fields.Clear();
                    any = false;
                    recordLine = ++line;
                    break;
                case ' ' or '\t' when fieldWasQuoted:
                    break;
                default:
                    if (fieldWasQuoted) throw new DatasetFormatException(source, line, "text after a closing quote (expected ',' or end of line)");
                    field.Append(ch);
                    break;
            }
        }
        // 3. The last record may lack a final newline; an open quote at end of file is an error.
        if (inQuotes) throw new DatasetFormatException(source, recordLine, "unterminated quoted field");
        if (any)
        {
            fields.Add(End());
            yield return (recordLine, fields.ToArray());
        }
    }
}
