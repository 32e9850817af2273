using System.Globalization;
using MusicGenre.IO;

namespace MusicGenre.Pipeline.Tsne;

/// <summary>Writes a t-SNE embedding as CSV: <c>index,id,label,genre,x,y</c> (one row per point, invariant culture).</summary>
internal static class TsneCsv
{
    /// <summary>The header row.</summary>
    public const string Header = "index,id,label,genre,x,y";

    /// <summary>
    /// Writes the coordinates atomically (temp file, then rename). <paramref name="ids"/> (e.g. song ids) is optional;
    /// without it the id column is empty.
    /// </summary>
    /// <example><code>TsneCsv.Write("tsne.csv", result, labels, genreNames, songIds);</code></example>
    public static void Write(string path, TsneResult embedding, IReadOnlyList<int> labels, IReadOnlyList<string> labelNames,
        IReadOnlyList<string>? ids = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(embedding);
        CheckLabels(embedding, labels, labelNames);
        if (ids is not null && ids.Count != embedding.Count)
            throw new ArgumentException($"{ids.Count} ids for {embedding.Count} points", nameof(ids));

        SafeFile.WriteText(path, writer =>
        {
            writer.WriteLine(Header);
            for (int i = 0; i < embedding.Count; i++)
            {
                writer.WriteLine(string.Join(",",
                    i.ToString(CultureInfo.InvariantCulture),
                    Csv.Field(ids?[i] ?? ""),
                    labels[i].ToString(CultureInfo.InvariantCulture),
                    Csv.Field(labelNames[labels[i]]),
                    embedding.X(i).ToString("R", CultureInfo.InvariantCulture),
                    embedding.Y(i).ToString("R", CultureInfo.InvariantCulture)));
            }
        });
    }

    /// <summary>Throws when labels and points disagree in number or a label has no name.</summary>
    internal static void CheckLabels(TsneResult embedding, IReadOnlyList<int> labels, IReadOnlyList<string> labelNames)
    {
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(labelNames);
        if (labels.Count != embedding.Count)
            throw new ArgumentException($"{labels.Count} labels for {embedding.Count} points", nameof(labels));
        for (int i = 0; i < labels.Count; i++)
            if ((uint)labels[i] >= (uint)labelNames.Count)
                throw new ArgumentException($"label {labels[i]} of point {i} has no name (only {labelNames.Count} label names)", nameof(labels));
    }
}
