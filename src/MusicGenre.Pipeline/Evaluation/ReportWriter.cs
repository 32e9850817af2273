using System.Globalization;
using System.Text;
using MusicGenre.IO;
using MusicGenre.Nn.ModelFile;


namespace MusicGenre.Pipeline.Evaluation;

/// <summary>
/// Writes an evaluation report folder: <c>summary.md</c> (Markdown), <c>confusion.csv</c> and, drawn by the caller's
/// <see cref="IReportFigures"/>, <c>confusion.png</c> (song level; rows true, columns predicted), <c>per_genre.csv</c>, <c>songs.csv</c> (every song's probabilities) and,
/// for the robustness protocol, <c>excerpts.csv</c> (every excerpt: where it lies in its song, its length and probabilities).
/// The folder is replaced as a whole (<see cref="Write"/>): an earlier evaluation's files never stay beside this one's.
/// </summary>
internal static class ReportWriter
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    private const string SummaryTableHeader = "| level | items | accuracy |", PerGenreHeader = "genre,songs,precision,recall,f1",
        ConfusionHeaderStart = "true\\predicted,", SongsHeaderStart = "song_id,path,true,predicted,",
        ExcerptsHeaderStart = "song_id,excerpt,start_s,seconds,true,predicted,";

    /// <summary>
    /// The text files an evaluation writes in a report folder (these and <c>confusion.png</c>; cross-validation adds
    /// <c>folds.csv</c>), each with how its first lines (up to three) are recognised and what it is, in words: an existing
    /// file of that name is replaced only when it is one of these (<c>evaluate --force</c> otherwise).
    /// </summary>
    internal static readonly (string Name, Func<IReadOnlyList<string>, bool> IsOurs, string What)[] TextFiles =
    [
        ("summary.md", l => l.Count >= 3 && l[0].StartsWith("# ", StringComparison.Ordinal) && l[2] == SummaryTableHeader, "an evaluation summary"),
        ("confusion.csv", l => l.Count > 0 && l[0].StartsWith(ConfusionHeaderStart, StringComparison.Ordinal), "a confusion-matrix CSV"),
        ("per_genre.csv", l => l.Count > 0 && l[0] == PerGenreHeader, "a per-genre scores CSV"),
        ("songs.csv", l => l.Count > 0 && l[0].StartsWith(SongsHeaderStart, StringComparison.Ordinal), "a per-song scores CSV"),
        ("folds.csv", l => l.Count > 0 && l[0] == CrossValidation.FoldsHeader, "a cross-validation folds CSV"),
        ("excerpts.csv", l => l.Count > 0 && l[0].StartsWith(ExcerptsHeaderStart, StringComparison.Ordinal), "a per-excerpt scores CSV"),
    ];

    /// <summary>
    /// Writes the report; <paramref name="unit"/> names what a "segment" is (segment, window, excerpt). With
    /// <paramref name="figures"/> (the CLI's), also <c>confusion.png</c>; the library itself draws nothing.
    /// <paramref name="crossValidation"/>: the folder is a cross-validation report, whose <c>folds.csv</c> and
    /// <c>fold&lt;k&gt;</c> folders its run wrote; otherwise they are an earlier evaluation's and go (see below).
    /// </summary>
    /// <remarks>
    /// The folder is replaced as a whole as far as the file system allows: a kill, a full disk or a second run at once must
    /// not leave one evaluation's summary beside another's CSVs.
    /// <list type="number">
    /// <item>Every file is written to its temp beside its target, complete, the slow figure too; a failure here (or a
    /// kill) leaves the earlier report as it was.</item>
    /// <item>The earlier <c>summary.md</c> is deleted before any new file is renamed in: renaming the summary last alone
    /// would still leave an instant, or a failed rename, with the old summary beside new CSVs. So at every moment the folder
    /// holds the earlier report whole, no summary (a report being replaced, or whose replacing failed), or this one whole.</item>
    /// <item>The other files are renamed in (microseconds, not the seconds the figure takes); files of this tool's report
    /// kinds that this evaluation does not write are deleted (<see cref="RemoveEarlier"/>: an earlier run's
    /// <c>excerpts.csv</c>, <c>confusion.png</c>, and outside cross-validation <c>folds.csv</c> and the fold folders'
    /// reports), recognised as in <see cref="TextFiles"/>; a file of the user's is never deleted.</item>
    /// <item>The summary is renamed in last.</item>
    /// </list>
    /// </remarks>
    /// <exception cref="IOException">A file cannot be written, renamed into place or (an earlier one) deleted.</exception>
    public static void Write(string folder, EvaluationReport report, string title, string? extraMarkdown = null, string unit = "segment",
        IReportFigures? figures = null, bool crossValidation = false)
    {
        Directory.CreateDirectory(folder);
        var staged = new List<PendingFile>();
        try
        {
            // 1. Every file complete in its temp.
            staged.Add(SafeFile.BeginText(Path.Combine(folder, "confusion.csv"), ConfusionCsv(report)));
            staged.Add(SafeFile.BeginText(Path.Combine(folder, "per_genre.csv"), PerGenreCsv(report)));
            staged.Add(SafeFile.BeginText(Path.Combine(folder, "songs.csv"), SongsCsv(report)));
            if (report.Excerpts.Count > 0) staged.Add(SafeFile.BeginText(Path.Combine(folder, "excerpts.csv"), ExcerptsCsv(report)));
            if (figures != null)
            {
                var png = SafeFile.Begin(Path.Combine(folder, "confusion.png"));
                staged.Add(png);
                figures.SaveConfusion(report, title, png.TempPath);
            }
            var summary = SafeFile.BeginText(Path.Combine(folder, "summary.md"), Markdown(report, title, extraMarkdown, unit));
            staged.Add(summary);

            // 2. The earlier summary goes first; 3. the rest in, the earlier run's leftovers out; 4. the summary last.
            Delete(summary.Path);
            foreach (var file in staged.Where(f => f != summary)) file.Commit();
            var written = staged.Select(f => Path.GetFileName(f.Path)).ToHashSet(StringComparer.Ordinal);
            if (crossValidation) written.Add("folds.csv");
            RemoveEarlier(folder, written, foldFolders: !crossValidation);
            summary.Commit();
        }
        finally
        {
            foreach (var file in staged) file.Dispose();
        }
    }

    /// <summary>
    /// Deletes, in <paramref name="folder"/>, the files of this tool's report kinds (<see cref="TextFiles"/>, recognised by
    /// their first lines, and <c>confusion.png</c>, by its PNG signature) not named in <paramref name="keep"/>,
    /// <c>summary.md</c> first; with <paramref name="foldFolders"/> the same in each <c>fold&lt;k&gt;</c> subfolder, which
    /// goes too when that leaves it empty (a fold model kept there stays). Anything else — a user's notes, a file of
    /// one of these names that is not ours, <c>features.h5</c>, checkpoints — is left alone. Cross-validation calls it with
    /// nothing kept before its first fold: the earlier report no longer matches the folds it writes.
    /// </summary>
    /// <exception cref="IOException">A file of ours cannot be deleted (it would look part of the new report).</exception>
    internal static void RemoveEarlier(string folder, IReadOnlySet<string> keep, bool foldFolders)
    {
        if (!Directory.Exists(folder)) return;
        foreach (string name in ReportNames.Where(n => !keep.Contains(n)))
        {
            string path = Path.Combine(folder, name);
            if (IsOurs(path)) Delete(path);
        }
        if (!foldFolders) return;
        foreach (string fold in Directory.EnumerateDirectories(folder, "fold*").Where(d => IsFoldFolder(Path.GetFileName(d))).ToArray())
        {
            RemoveEarlier(fold, new HashSet<string>(), foldFolders: false);
            if (!Directory.EnumerateFileSystemEntries(fold).Any()) Directory.Delete(fold);
        }
    }

    /// <summary>Whether <paramref name="name"/> is a cross-validation fold folder's: <c>fold</c> and digits.</summary>
    internal static bool IsFoldFolder(string name) =>
        name.Length > 4 && name.StartsWith("fold", StringComparison.Ordinal) && !name.AsSpan(4).ContainsAnyExcept("0123456789");

    /// <summary>The files a report folder may hold, summary first (it is what says a folder holds a report).</summary>
    private static readonly string[] ReportNames = [.. TextFiles.Select(f => f.Name), "confusion.png"];

    /// <summary>
    /// Whether <paramref name="path"/> is a report file this tool wrote: a regular file whose first lines (up to three)
    /// are what <see cref="TextFiles"/> expects of its name, or for <c>confusion.png</c>, a PNG. A folder, a pipe, an
    /// empty or unreadable file is not.
    /// </summary>
    internal static bool IsOurs(string path)
    {
        string name = Path.GetFileName(path);
        if (InputFile.Check(path) is not null) return false;
        try
        {
            if (name == "confusion.png")
            {
                ReadOnlySpan<byte> signature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];
                Span<byte> head = stackalloc byte[8];
                using var f = File.OpenRead(path);
                return f.ReadAtLeast(head, 8, throwOnEndOfStream: false) == 8 && head.SequenceEqual(signature);
            }
            foreach (var (text, isOurs, _) in TextFiles)
            {
                if (text != name) continue;
                var lines = new List<string>(3);
                using var reader = new StreamReader(path);
                for (string? line; lines.Count < 3 && (line = reader.ReadLine()) != null;) lines.Add(line);
                return isOurs(lines);
            }
            return false;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return false; }
    }

    private static void Delete(string path)
    {
        try { if (File.Exists(path)) File.Delete(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"cannot remove '{path}' of an earlier evaluation: {e.Message}", e);
        }
    }

    public static string Markdown(EvaluationReport r, string title, string? extra = null, string unit = "segment")
    {
        var sb = new StringBuilder();
        // Names from outside (files, genres) are escaped: a '|' or newline in one must not break the title or a table.
        sb.AppendLine(Inv, $"# {DisplayText.Markdown(title)}").AppendLine();
        sb.AppendLine(SummaryTableHeader).AppendLine("|---|---:|---:|");
        sb.AppendLine(Inv, $"| {unit} | {r.Segments} | {r.SegmentAccuracy:P2} |");
        sb.AppendLine(Inv, $"| song (mean of {unit} probabilities) | {r.Songs} | {r.SongAccuracy:P2} |").AppendLine();
        sb.AppendLine(Inv, $"Macro F1 (song level): {r.MacroF1:F3}").AppendLine();
        sb.AppendLine("| genre | songs | precision | recall | F1 |").AppendLine("|---|---:|---:|---:|---:|");
        foreach (var g in r.PerGenre)
            sb.AppendLine(Inv, $"| {DisplayText.Markdown(g.Genre)} | {g.Support} | {g.Precision:F3} | {g.Recall:F3} | {g.F1:F3} |");
        sb.AppendLine().AppendLine("Confusion matrix (songs; rows = true genre, columns = predicted):").AppendLine();
        sb.Append("| true \\ predicted |").AppendJoin("", r.Genres.Select(g => $" {DisplayText.Markdown(g)} |")).AppendLine();
        sb.Append("|---|").AppendJoin("", r.Genres.Select(_ => "---:|")).AppendLine();
        for (int i = 0; i < r.Genres.Count; i++)
        {
            sb.Append(Inv, $"| {DisplayText.Markdown(r.Genres[i])} |");
            for (int j = 0; j < r.Genres.Count; j++) sb.Append(Inv, $" {r.Confusion[i, j]} |");
            sb.AppendLine();
        }
        if (extra != null) sb.AppendLine().AppendLine(extra);
        return sb.ToString();
    }

    private static string ConfusionCsv(EvaluationReport r)
    {
        var sb = new StringBuilder(ConfusionHeaderStart).AppendJoin(",", r.Genres.Select(Csv.Field)).AppendLine();
        for (int i = 0; i < r.Genres.Count; i++)
        {
            sb.Append(Csv.Field(r.Genres[i]));
            for (int j = 0; j < r.Genres.Count; j++) sb.Append(',').Append(r.Confusion[i, j].ToString(Inv));
            sb.AppendLine();
        }
        return sb.ToString();
    }

    private static string PerGenreCsv(EvaluationReport r)
    {
        var sb = new StringBuilder(PerGenreHeader + "\n");
        foreach (var g in r.PerGenre)
            sb.AppendLine(Inv, $"{Csv.Field(g.Genre)},{g.Support},{g.Precision:F4},{g.Recall:F4},{g.F1:F4}");
        return sb.ToString();
    }

    private static string SongsCsv(EvaluationReport r)
    {
        var sb = new StringBuilder(SongsHeaderStart).AppendJoin(",", r.Genres.Select(g => Csv.Field("p_" + g))).AppendLine();
        foreach (var o in r.Outcomes)
            sb.Append(Csv.Field(o.SongId)).Append(',').Append(Csv.Field(o.Path)).Append(',').Append(Csv.Field(r.Genres[o.Label])).Append(',').Append(Csv.Field(r.Genres[o.Predicted]))
              .AppendJoin("", o.Probabilities.Select(p => "," + p.ToString("F5", Inv))).AppendLine();
        return sb.ToString();
    }

    private static string ExcerptsCsv(EvaluationReport r)
    {
        var sb = new StringBuilder(ExcerptsHeaderStart).AppendJoin(",", r.Genres.Select(g => Csv.Field("p_" + g))).AppendLine();
        foreach (var e in r.Excerpts)
            sb.Append(Csv.Field(e.SongId)).Append(Inv, $",{e.Excerpt},{e.StartSeconds:F3},{e.Seconds:F3},{Csv.Field(r.Genres[e.Label])},{Csv.Field(r.Genres[e.Predicted])}")
              .AppendJoin("", e.Probabilities.Select(p => "," + p.ToString("F5", Inv))).AppendLine();
        return sb.ToString();
    }
}
