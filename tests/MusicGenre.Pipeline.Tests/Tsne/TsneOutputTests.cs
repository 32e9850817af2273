using System.Globalization;
using MusicGenre.Pipeline.Tsne;
using MusicGenre.Plots;

namespace MusicGenre.Pipeline.Tests.Tsne;

public sealed class TsneOutputTests
{
    private static readonly string[] Genres = ["blues", "classical", "country", "disco", "hiphop", "jazz", "metal", "pop", "reggae", "rock"];

    [Fact]
    public void PngAndCsvAreWritten()
    {
        var (data, labels) = TsneData.Blobs(10, 20, 16, 8, seed: 6);
        var result = TsneEmbedder.Embed(data, new TsneOptions { Seed = 1, Iterations = 400 });
        string dir = SharedData.NewTempDir();
        string png = Path.Combine(dir, "out", "tsne.png"), csv = Path.Combine(dir, "out", "tsne.csv");
        string[] ids = Enumerable.Range(0, data.Length).Select(i => $"song,{i}").ToArray();

        TsnePlot.SavePng(png, result, labels, Genres, "synthetic blobs");
        TsneCsv.Write(csv, result, labels, Genres, ids);

        // PNG: signature and the IHDR size; nothing but the two outputs in the folder (no temp files left).
        byte[] bytes = File.ReadAllBytes(png);
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, bytes[..4]);
        Assert.Equal(1000, System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(16)));
        Assert.Equal(800, System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(20)));
        Assert.Equal(2, Directory.GetFiles(Path.Combine(dir, "out")).Length);

        // CSV: header plus one row per point with the exact coordinates.
        string[] lines = File.ReadAllLines(csv);
        Assert.Equal(TsneCsv.Header, lines[0]);
        Assert.Equal(data.Length + 1, lines.Length);
        string[] row = lines[5].Split(',');
        Assert.Equal(["4", "\"song", "4\"", labels[4].ToString(CultureInfo.InvariantCulture), Genres[labels[4]]], row[..5]);
        Assert.Equal(result.X(4), double.Parse(row[5], CultureInfo.InvariantCulture));
        Assert.Equal(result.Y(4), double.Parse(row[6], CultureInfo.InvariantCulture));

        // Keep a copy for eyeballing when asked to (never into the repository).
        if (Environment.GetEnvironmentVariable("MUSICGENRE_TSNE_PNG") is { Length: > 0 } keep) File.Copy(png, keep, overwrite: true);
    }

    [Fact]
    public void ReportWritesPngAndCsvBesideEachOtherAndChecksLabelsFirst()
    {
        var (data, labels) = TsneData.Blobs(3, 12, 5, 6, seed: 2);
        string png = Path.Combine(SharedData.NewTempDir(), "tsne.png");
        var options = new TsneOptions { Perplexity = 5, Iterations = 200 };

        var result = TsneReport.Create(data, labels, Genres, png, options: options);

        Assert.Equal(data.Length, result.Count);
        Assert.True(File.Exists(png));
        Assert.Equal(data.Length + 1, File.ReadAllLines(Path.ChangeExtension(png, ".csv")).Length);

        // A label without a name is reported before any work is done, and nothing is written.
        string other = Path.Combine(SharedData.NewTempDir(), "bad.png");
        var e = Assert.Throws<ArgumentException>(() => TsneReport.Create(data, labels, ["only-one"], other, options: options));
        Assert.Contains("has no name", e.Message);
        Assert.False(File.Exists(other));
    }

    [Fact]
    public void LabelProblemsAreReported()
    {
        var result = new TsneResult(new double[8], 0, 0);
        string path = Path.Combine(SharedData.NewTempDir(), "x.png");
        Assert.Contains("3 labels for 4 points", Assert.Throws<ArgumentException>(() => TsnePlot.SavePng(path, result, [0, 1, 2], Genres)).Message);
        Assert.Contains("label 12 of point 3 has no name", Assert.Throws<ArgumentException>(() => TsneCsv.Write(path, result, [0, 1, 2, 12], Genres)).Message);
        Assert.False(File.Exists(path));
    }
}
