namespace MusicGenre.Pipeline.Evaluation;

/// <summary>
/// Draws the figures of an evaluation report. The CLI passes MusicGenre.Plots' (ScottPlot); the library has none, so that
/// its package carries no plotting libraries (ScottPlot with SkiaSharp's and HarfBuzz's natives: ≈ 260 MB in the NuGet cache) for applications that only classify.
/// </summary>
internal interface IReportFigures
{
    /// <summary>
    /// Writes the song-level confusion matrix of <paramref name="report"/> as a PNG at <paramref name="path"/>, directly:
    /// the path is a temp that <see cref="ReportWriter"/> renames into place together with the report's other files.
    /// </summary>
    void SaveConfusion(EvaluationReport report, string title, string path);
}
