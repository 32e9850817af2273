using System.CommandLine;
using MusicGenre.Data.FeatureStore;
using MusicGenre.Pipeline.Tsne;

namespace MusicGenre.Cli.Commands;

/// <summary><c>musicgenre tsne features.h5 --out tsne.png</c>: Barnes-Hut t-SNE of the songs, plotted by genre.</summary>
internal static class TsneCommand
{
    public static Command Create()
    {
        var features = new Argument<string>("features") { Description = "Feature store written by 'musicgenre preprocess'." };
        var output = new Option<string>("--out", "-o") { Description = "PNG scatter plot to write (the coordinates go to the same name with .csv).", DefaultValueFactory = _ => "tsne.png" };
        var force = ArgParsing.ForceOption();
        var perplexity = new Option<double>("--perplexity") { Description = "t-SNE perplexity (the original used 30).", DefaultValueFactory = _ => 30 };
        var level = new Option<string>("--level") { Description = "Embed one point per 'song' (mean log-mel over its segments) or per 'segment'.", DefaultValueFactory = _ => "song" };
        var normalize = new Option<string>("--normalize")
        {
            Description = "Level of each segment before embedding: none (default: absolute dB) or max (its maximum dB subtracted, as the models see it). On gtzan-mini max lowers the link between position and loudness (R 0.96 → 0.82) but also genre neighbourhoods (5-NN 60 % → 38 %): see README.",
            DefaultValueFactory = _ => "none",
        };
        var seed = new Option<int>("--seed") { Description = "Random seed.", DefaultValueFactory = _ => 42 };
        var command = new Command("tsne", "Embed the songs of a feature store in 2-D with Barnes-Hut t-SNE and plot them coloured by genre (PNG + CSV).")
        {
            features, output, perplexity, level, normalize, seed, force,
        };
        command.SetAction(parse =>
        {
            var ctx = CliContext.Get();
            string storePath = ArgParsing.ExistingPath(parse.GetValue(features)!, "feature store");
            string given = parse.GetValue(output)!;
            bool replace = parse.GetValue(force);
            string png = ArgParsing.OutputFile(given, "--out", ArgParsing.OutputKind.Png, replace, storePath);
            if (!string.Equals(Path.GetExtension(given), ".png", StringComparison.OrdinalIgnoreCase))
                throw new UsageException($"--out '{given}' must end in .png (the plot is a PNG image; the coordinates go beside it as .csv)");
            string csv = ArgParsing.OutputFile(Path.ChangeExtension(png, ".csv"), "the coordinates file beside --out", null, replace, storePath);
            ArgParsing.CheckReplaceableText(csv, "the coordinates file beside --out", l => l.Count > 0 && l[0] == TsneCsv.Header,
                $"a t-SNE coordinates file (first line '{TsneCsv.Header}')", replace);
            string lvl = parse.GetValue(level)!.ToLowerInvariant();
            if (lvl is not ("song" or "segment")) throw new UsageException($"--level '{lvl}' must be song or segment");
            var levelMode = TrainCommand.TrainingArgs.LevelMode(parse.GetValue(normalize)!, "--normalize");
            using var store = FeatureStoreReader.Open(storePath);
            var (points, labels, ids) = lvl == "song" ? TsneInputs.Songs(store, levelMode) : TsneInputs.Segments(store, levelMode);
            var options = new TsneOptions { Perplexity = parse.GetValue(perplexity), Seed = parse.GetValue(seed) };
            // A perplexity the songs cannot support is the command line's mistake (exit 2); fewer than 4 songs is the data's.
            if (points.Length >= 4)
            {
                try { options.Validate(points.Length); }
                catch (ArgumentException e) { throw new UsageException(e.Message.Replace("Perplexity", "--perplexity", StringComparison.Ordinal).Replace("Invalid t-SNE", "invalid t-SNE", StringComparison.Ordinal)); }
            }
            var result = ProgressReporter.Run(ctx, "t-SNE", p => TsneEmbedder.Embed(points, options,
                new Progress<TsneProgress>(t => p.Report(new(t.Iteration, t.Iterations, $"KL {t.KlDivergence:F3}"))), ctx.Cancellation));
            int copies = store.Songs.Count - TsneInputs.OriginalSongs(store).Length;
            TsnePlot.SavePng(png, result, labels, store.Header.GenreNames, $"t-SNE of {Path.GetFileName(storePath)} ({points.Length} {lvl}s, perplexity {options.Perplexity})");
            TsneCsv.Write(csv, result, labels, store.Header.GenreNames, ids);
            if (copies > 0) ctx.Out.WriteLine($"left out {copies} altered cop{(copies == 1 ? "y" : "ies")} stored for training (preprocess --copies)");
            ctx.Out.WriteLine($"wrote {png} and {csv}");
            return CliApp.Ok;
        });
        return command;
    }
}
