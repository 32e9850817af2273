using MusicGenre.Pipeline.Tsne;

namespace MusicGenre.Plots;

/// <summary>One call for <c>musicgenre tsne</c>: embed, then write the PNG scatter and the coordinates CSV.</summary>
internal static class TsneReport
{
    /// <summary>
    /// Runs Barnes-Hut t-SNE on <paramref name="data"/> and writes <paramref name="pngPath"/> plus the CSV
    /// (<paramref name="csvPath"/>, default: the PNG path with extension .csv). Labels are checked before the
    /// (long) embedding starts.
    /// </summary>
    /// <example><code>
    /// var r = TsneReport.Create(features, labels, genres, "tsne.png", ids: songIds, progress: p, cancellationToken: ct);
    /// </code></example>
    public static TsneResult Create(float[][] data, IReadOnlyList<int> labels, IReadOnlyList<string> labelNames, string pngPath,
        string? csvPath = null, IReadOnlyList<string>? ids = null, TsneOptions? options = null,
        IProgress<TsneProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentException.ThrowIfNullOrEmpty(pngPath);

        // 1. Fail fast on label problems: a placeholder result of the right size goes through the same checks.
        TsneCsv.CheckLabels(new TsneResult(new double[2 * data.Length], 0, 0), labels, labelNames);
        if (ids is not null && ids.Count != data.Length)
            throw new ArgumentException($"{ids.Count} ids for {data.Length} points", nameof(ids));

        // 2. Embed, then write both outputs (each atomically).
        var result = TsneEmbedder.Embed(data, options, progress, cancellationToken);
        TsnePlot.SavePng(pngPath, result, labels, labelNames, string.Create(System.Globalization.CultureInfo.InvariantCulture, $"t-SNE of {data.Length} points (perplexity {(options ?? new TsneOptions()).Perplexity:0.##})"));
        TsneCsv.Write(csvPath ?? Path.ChangeExtension(pngPath, ".csv"), result, labels, labelNames, ids);
        return result;
    }
}
