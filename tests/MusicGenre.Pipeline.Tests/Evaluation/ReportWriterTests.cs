using MusicGenre.IO;
using MusicGenre.Pipeline.Evaluation;

namespace MusicGenre.Pipeline.Tests.Evaluation;

/// <summary>
/// Names from outside (genres, files) in the report's Markdown and CSV files; a report folder replaced as a whole, with no
/// earlier evaluation's file left beside the new one's, and no file of the user's touched.
/// </summary>
public sealed class ReportWriterTests
{
    [Theory]
    [InlineData("blues.00000.wav", "blues.00000.wav")]
    [InlineData("my_song_2*.wav", "my\\_song\\_2\\*.wav")]
    [InlineData("a|b", "a\\|b")]
    [InlineData("two\nlines\r", "two\\\\nlines\\\\r")]
    [InlineData("esc\u001b[0m", "esc\\\\u001b\\[0m")]
    [InlineData("<b>&amp;", "\\<b\\>\\&amp;")]
    public void DisplayTextMarkdown_EscapesMarkup_AndMakesLineBreaksVisible(string value, string expected) =>
        Assert.Equal(expected, DisplayText.Markdown(value));

    /// <summary>
    /// A genre named "R|B, soul" and a title with a newline and underscores: the summary keeps one title line and tables of
    /// as many cells as genres (a '|' split a cell; a newline ended the title, and the summary was then not recognised as
    /// one, so a re-run refused to replace it), and the CSVs quote the comma (it shifted every column after it).
    /// </summary>
    [Fact]
    public void OutsideNames_KeepTheSummaryTablesAndCsvColumnsWhole()
    {
        string[] genres = ["R|B, soul", "rock"];
        var outcomes = new[]
        {
            new SongOutcome("s1", "/x/s1.wav", 0, 0, [0.9f, 0.1f]),
            new SongOutcome("s2", "/x/s2.wav", 1, 0, [0.6f, 0.4f]),
        };
        var report = Evaluator.Score(genres, outcomes, segmentHits: 1, segments: 2);
        string dir = SharedData.NewTempDir("musicgenre-report-names");
        ReportWriter.Write(dir, report, "Evaluation of my_model.h5 on new\nline.csv");

        var md = File.ReadAllLines(Path.Combine(dir, "summary.md"));
        Assert.Equal("# Evaluation of my\\_model.h5 on new\\\\nline.csv", md[0]);
        Assert.True(ReportWriter.TextFiles.Single(f => f.Name == "summary.md").IsOurs(md), "the summary is recognised as one");
        // Every table row of the genre and confusion tables: cells split on unescaped '|' only.
        int Cells(string row) => System.Text.RegularExpressions.Regex.Split(row, @"(?<!\\)\|").Length - 2;
        Assert.Equal(5, Cells(md.Single(l => l.StartsWith("| R", StringComparison.Ordinal) && l.Contains("0.", StringComparison.Ordinal))));
        Assert.Equal(1 + genres.Length, Cells(md.Single(l => l.StartsWith("| true", StringComparison.Ordinal))));

        foreach (var csv in new[] { "confusion.csv", "per_genre.csv", "songs.csv" })
        {
            using var reader = new StreamReader(Path.Combine(dir, csv));
            var rows = MusicGenre.Data.Datasets.CsvManifest.ReadRecords(reader, csv).Select(r => r.Fields).ToList();
            Assert.All(rows, r => Assert.Equal(rows[0].Length, r.Length));
            Assert.Contains(rows.SelectMany(r => r), f => f.Contains("R|B, soul", StringComparison.Ordinal));
        }
    }

    private static EvaluationReport Report(float p, bool excerpts = false)
    {
        var outcomes = new[]
        {
            new SongOutcome("s1", "/x/s1.wav", 0, p >= 0.5f ? 0 : 1, [p, 1 - p]),
            new SongOutcome("s2", "/x/s2.wav", 1, 1, [1 - p, p]),
        };
        var report = Evaluator.Score(["blues", "rock"], outcomes, segmentHits: 2, segments: 2);
        return excerpts ? report with { Excerpts = [new ExcerptOutcome("s1", 0, 1.5, 2.5, 0, outcomes[0].Predicted, [p, 1 - p])] } : report;
    }

    /// <summary>Writes a file that starts as a PNG (what the CLI's ScottPlot figure writes), or throws.</summary>
    private sealed class FakeFigures(string? text, Action<string>? whileDrawing = null) : IReportFigures
    {
        public void SaveConfusion(EvaluationReport report, string title, string path)
        {
            whileDrawing?.Invoke(path);
            if (text is null) throw new IOException("no space left on device");
            File.WriteAllBytes(path, [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, .. System.Text.Encoding.ASCII.GetBytes(text)]);
        }
    }

    private static Dictionary<string, string> Snapshot(string dir) => Directory.GetFiles(dir, "*", SearchOption.AllDirectories)
        .ToDictionary(f => Path.GetRelativePath(dir, f), File.ReadAllText);

    /// <summary>
    /// The figure is drawn (the slow part: seconds with ScottPlot) before any file is renamed into place, and a figure that
    /// fails leaves the earlier report whole, with no temp behind. Before, the CSVs were already renamed in by then: a kill
    /// or a full disk while drawing left the new songs.csv beside the old summary.md.
    /// </summary>
    [Fact]
    public void AFigureThatFails_LeavesTheEarlierReportWhole()
    {
        string dir = SharedData.NewTempDir("musicgenre-report-fail");
        ReportWriter.Write(dir, Report(0.9f), "Evaluation A", figures: new FakeFigures("A"));
        var before = Snapshot(dir);
        Assert.Equal(["confusion.csv", "confusion.png", "per_genre.csv", "songs.csv", "summary.md"], before.Keys.Order(StringComparer.Ordinal));

        var whileDrawing = new Dictionary<string, string>();
        Assert.Throws<IOException>(() => ReportWriter.Write(dir, Report(0.6f), "Evaluation B",
            figures: new FakeFigures(null, _ => { foreach (var (k, v) in Snapshot(dir).Where(f => !Path.GetFileName(f.Key).StartsWith('.'))) whileDrawing[k] = v; })));
        Assert.Equal(before, whileDrawing);
        Assert.Equal(before, Snapshot(dir)); // no temp left either
    }

    /// <summary>
    /// A rename that fails part way (here songs.csv cannot be replaced) leaves no summary at all, never the earlier one
    /// beside the new CSVs: the earlier summary goes before the first new file is renamed in.
    /// </summary>
    [Fact]
    public void ARenameThatFailsPartWay_LeavesNoSummary_NotTheEarlierOneBesideNewFiles()
    {
        string dir = SharedData.NewTempDir("musicgenre-report-rename");
        ReportWriter.Write(dir, Report(0.9f), "Evaluation A");
        string oldPerGenre = File.ReadAllText(Path.Combine(dir, "per_genre.csv"));
        File.Delete(Path.Combine(dir, "songs.csv"));
        Directory.CreateDirectory(Path.Combine(dir, "songs.csv"));

        var e = Assert.Throws<IOException>(() => ReportWriter.Write(dir, Report(0.3f), "Evaluation B"));
        Assert.Contains("songs.csv", e.Message);
        Assert.NotEqual(oldPerGenre, File.ReadAllText(Path.Combine(dir, "per_genre.csv"))); // B's files were going in
        Assert.False(File.Exists(Path.Combine(dir, "summary.md")), "A's summary beside B's CSVs");
        Assert.Empty(Directory.GetFiles(dir, ".*.tmp"));

        Directory.Delete(Path.Combine(dir, "songs.csv"));
        ReportWriter.Write(dir, Report(0.3f), "Evaluation B");
        Assert.StartsWith("# Evaluation B", File.ReadAllText(Path.Combine(dir, "summary.md")));
    }

    /// <summary>
    /// Files of this tool's report kinds that a new evaluation does not write go: an earlier run's excerpts.csv and
    /// confusion.png, and (outside cross-validation) folds.csv and the fold folders' reports; a fold model, the user's own
    /// files, and a file of one of those names that is not ours stay. Before, they stayed and looked part of the new report.
    /// </summary>
    [Fact]
    public void AnEarlierRunsFiles_ThatThisRunDoesNotWrite_Go_TheUsersStay()
    {
        string dir = SharedData.NewTempDir("musicgenre-report-stale");
        ReportWriter.Write(dir, Report(0.9f, excerpts: true), "Evaluation A", figures: new FakeFigures("A"), crossValidation: true);
        File.WriteAllText(Path.Combine(dir, "folds.csv"), "song_id,genre,fold\ns1,blues,1\n");
        ReportWriter.Write(Path.Combine(dir, "fold1"), Report(0.9f), "Fold 1 of 5");
        File.WriteAllText(Path.Combine(dir, "fold1", "model.h5"), "a fold model");
        ReportWriter.Write(Path.Combine(dir, "fold5"), Report(0.9f), "Fold 5 of 5");
        ReportWriter.Write(Path.Combine(dir, "fold6"), Report(0.9f), "Fold 6 of 6");
        File.WriteAllText(Path.Combine(dir, "fold6", "notes.txt"), "mine");
        File.WriteAllText(Path.Combine(dir, "notes.md"), "# mine");
        Directory.CreateDirectory(Path.Combine(dir, "folder"));

        // A cross-validation report keeps folds.csv and its folds; only the excerpts and the figure it no longer writes go.
        ReportWriter.Write(dir, Report(0.8f), "Cross-validation B", crossValidation: true);
        Assert.False(File.Exists(Path.Combine(dir, "excerpts.csv")));
        Assert.False(File.Exists(Path.Combine(dir, "confusion.png")));
        Assert.True(File.Exists(Path.Combine(dir, "folds.csv")) && File.Exists(Path.Combine(dir, "fold5", "summary.md")));

        // A plain evaluation: the cross-validation's files go, fold folders left empty too.
        ReportWriter.Write(dir, Report(0.6f), "Evaluation C");
        Assert.Equal(["confusion.csv", "fold1/model.h5", "fold6/notes.txt", "notes.md", "per_genre.csv", "songs.csv", "summary.md"],
            Snapshot(dir).Keys.Select(k => k.Replace('\\', '/')).Order(StringComparer.Ordinal));
        Assert.Equal(["fold1", "fold6", "folder"], Directory.GetDirectories(dir).Select(Path.GetFileName).Order(StringComparer.Ordinal));

        // Files of those names that are not ours stay.
        File.WriteAllText(Path.Combine(dir, "excerpts.csv"), "my,own\n1,2\n");
        File.WriteAllText(Path.Combine(dir, "confusion.png"), "not a PNG");
        File.WriteAllText(Path.Combine(dir, "folds.csv"), "");
        File.WriteAllText(Path.Combine(dir, "fold1", "songs.csv"), "title,artist\n");
        ReportWriter.Write(dir, Report(0.7f), "Evaluation D");
        Assert.Equal("my,own\n1,2\n", File.ReadAllText(Path.Combine(dir, "excerpts.csv")));
        Assert.Equal("not a PNG", File.ReadAllText(Path.Combine(dir, "confusion.png")));
        Assert.Equal("", File.ReadAllText(Path.Combine(dir, "folds.csv")));
        Assert.Equal("title,artist\n", File.ReadAllText(Path.Combine(dir, "fold1", "songs.csv")));
    }
}
