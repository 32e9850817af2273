using System.Globalization;
using MusicGenre.Pipeline.Evaluation;
using ScottPlot;

namespace MusicGenre.Plots;

/// <summary>The figures of <c>musicgenre evaluate</c>'s report folder, drawn with ScottPlot (headless).</summary>
internal sealed class ReportFigures : IReportFigures
{
    /// <summary>The one instance (the figures hold no state).</summary>
    public static ReportFigures Instance { get; } = new();

    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <inheritdoc />
    public void SaveConfusion(EvaluationReport report, string title, string path) =>
        PngFile.Render(ConfusionPlot(report, title), path, 900, 800);

    /// <summary>A heatmap of row-normalised recall with the song counts written in each cell.</summary>
    internal static Plot ConfusionPlot(EvaluationReport r, string title)
    {
        int k = r.Genres.Count;
        var share = new double[k, k];
        for (int i = 0; i < k; i++)
        {
            int row = 0;
            for (int j = 0; j < k; j++) row += r.Confusion[i, j];
            for (int j = 0; j < k; j++) share[i, j] = row > 0 ? (double)r.Confusion[i, j] / row : 0;
        }
        var plot = new Plot();
        var heatmap = plot.Add.Heatmap(share);
        heatmap.Colormap = new ScottPlot.Colormaps.Viridis();
        heatmap.ManualRange = new ScottPlot.Range(0, 1);
        plot.Add.ColorBar(heatmap).Label = "share of the true genre's songs";
        // The heatmap puts row 0 at the top; cell (i, j) is centred at x = j, y = k - 1 - i.
        for (int i = 0; i < k; i++)
            for (int j = 0; j < k; j++)
            {
                var text = plot.Add.Text(r.Confusion[i, j].ToString(Inv), j, k - 1 - i);
                text.LabelFontSize = 14;
                text.LabelFontColor = share[i, j] > 0.5 ? Colors.Black : Colors.White;
                text.LabelAlignment = Alignment.MiddleCenter;
            }
        double[] ticks = Enumerable.Range(0, k).Select(i => (double)i).ToArray();
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(ticks, r.Genres.ToArray());
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericManual(ticks, r.Genres.Reverse().ToArray());
        plot.Axes.Bottom.TickLabelStyle.Rotation = 45;
        plot.Axes.Bottom.TickLabelStyle.Alignment = Alignment.MiddleLeft;
        plot.Axes.Bottom.Label.Text = "predicted genre";
        // Rotated genre names need room below the axis: reserve it, so the axis title sits under them, not across them.
        plot.Axes.Bottom.MinimumSize = 110;
        plot.Axes.Left.Label.Text = "true genre";
        plot.Title(string.Create(Inv, $"{title}: song accuracy {r.SongAccuracy:P1} ({r.Songs} songs)"));
        return plot;
    }
}
