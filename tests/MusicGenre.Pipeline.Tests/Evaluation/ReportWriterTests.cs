using MusicGenre.IO;
using MusicGenre.Pipeline.Evaluation;

namespace MusicGenre.Pipeline.Tests.Evaluation;

/// <summary>Names from outside (genres, files) in the report's Markdown and CSV files.</summary>
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
}
