using System.Globalization;
using System.Text;
using MusicGenre.IO;
using MusicGenre.Nn.ModelFile;


namespace MusicGenre.Pipeline.Evaluation;

/// <summary>
/// Writes an evaluation report folder: <c>summary.md</c> (Markdown), <c>confusion.csv</c> and, drawn by the caller's
/// <see cref="IReportFigures"/>, <c>confusion.png</c> (song level; rows true, columns predicted), <c>per_genre.csv</c>, <c>songs.csv</c> (every song's probabilities) and,
/// for the robustness protocol, <c>excerpts.csv</c> (every excerpt: where it lies in its song, its length and probabilities).
/// The folder is replaced as a whole (<see cref="Write"/>): an earlier evaluation's summary never stays beside this one's files.
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
    /// <item>The other files are renamed in (microseconds, not the seconds the figure takes).</item>
    /// <item>The summary is renamed in last.</item>
    /// </list>
    /// </remarks>
    /// <exception cref="IOException">A file cannot be written, renamed into place or (the earlier summary) deleted.</exception>
    public static void Write(string folder, EvaluationReport report, string title, string? extraMarkdown = null, string unit = "segment",
        IReportFigures? figures = null)
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

            // 2. The earlier summary goes first; 3. the rest in; 4. the summary last.
            Delete(summary.Path);
            foreach (var file in staged.Where(f => f != summary)) file.Commit();
            summary.Commit();
        }
        finally
        {
            foreach (var file in staged) file.Dispose();
        }
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
