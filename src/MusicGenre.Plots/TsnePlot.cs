using MusicGenre.Pipeline.Tsne;
using ScottPlot;

namespace MusicGenre.Plots;

/// <summary>Renders a t-SNE embedding as a PNG scatter plot coloured by label, with a legend (ScottPlot, headless).</summary>
internal static class TsnePlot
{
    /// <summary>
    /// Writes the scatter plot of <paramref name="embedding"/> to <paramref name="path"/> (atomically: temp file, then
    /// rename). Point i gets colour <c>labels[i]</c>; the legend shows <paramref name="labelNames"/>[label] for every
    /// label that occurs.
    /// </summary>
    /// <example><code>TsnePlot.SavePng("tsne.png", result, labels, ["blues", "classical", …], "GTZAN t-SNE");</code></example>
    /// <exception cref="ArgumentException">Label count differs from the point count, or a label has no name.</exception>
    public static void SavePng(string path, TsneResult embedding, IReadOnlyList<int> labels, IReadOnlyList<string> labelNames,
        string? title = null, int width = 1000, int height = 800)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(embedding);
        TsneCsv.CheckLabels(embedding, labels, labelNames);
        if (width < 100 || height < 100)
            throw new ArgumentOutOfRangeException(nameof(width), $"image size {width}×{height} is too small (at least 100×100)");

        // 1. One scatter series per label so the legend has one entry per genre, in label order.
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        foreach (int label in labels.Distinct().Order())
        {
            var members = Enumerable.Range(0, embedding.Count).Where(i => labels[i] == label).ToArray();
            double[] xs = members.Select(embedding.X).ToArray();
            double[] ys = members.Select(embedding.Y).ToArray();
            var series = plot.Add.ScatterPoints(xs, ys, palette.GetColor(label));
            series.MarkerSize = embedding.Count > 2000 ? 3 : 6;
            series.LegendText = labelNames[label];
        }

        // 2. Decorations: t-SNE axes carry no units, so only the title and legend are informative.
        plot.Title(title ?? $"t-SNE of {embedding.Count} points");
        plot.XLabel("t-SNE 1");
        plot.YLabel("t-SNE 2");
        plot.ShowLegend(Edge.Right);

        // 3. Render beside the target and rename, so a crash never leaves a half-written PNG under the real name.
        PngFile.Save(plot, path, width, height);
    }
}
