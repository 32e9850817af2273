using System.Globalization;

namespace MusicGenre.Plots;

/// <summary>Writes a ScottPlot figure as a PNG, atomically, with the same tick labels whatever the caller's culture.</summary>
internal static class PngFile
{
    /// <summary>Saves <paramref name="plot"/> to <paramref name="path"/> as <see cref="Render"/> does, through a temp file renamed into place.</summary>
    public static void Save(ScottPlot.Plot plot, string path, int width, int height) =>
        MusicGenre.IO.SafeFile.Write(path, temp => Render(plot, temp, width, height));

    /// <summary>
    /// Renders <paramref name="plot"/> straight into <paramref name="path"/>: for a caller that writes to a temp of its own
    /// and renames it (the evaluation report renames all its files together). ScottPlot formats automatic tick labels with
    /// the current culture ("0,95" in German, an Arabic letter mark before negatives in Arabic): the render runs under the
    /// invariant culture, as every other number the project writes.
    /// </summary>
    public static void Render(ScottPlot.Plot plot, string path, int width, int height)
    {
        var culture = CultureInfo.CurrentCulture;
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
        try { plot.SavePng(path, width, height); }
        finally { CultureInfo.CurrentCulture = culture; }
    }
}
