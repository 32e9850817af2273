using System.CommandLine;
using MusicGenre.Data.FeatureStore;
using MusicGenre.Pipeline.Tsne;
using MusicGenre.Plots;

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
        var points = new Option<string>("--points") { Description = "Embed one point per 'song' (mean log-mel over its segments) or per 'segment'.", DefaultValueFactory = _ => "song" };
        // --level as in train (max|none); --normalize is its former name here. Until 0.2 --level chose song|segment,
        // which --points does now: those two values are still understood, with a note.
        var level = new Option<string>("--level", "--normalize")
        {
            Description = "Level normalisation of each segment before embedding, as train's --level: none (absolute dB; unlike train's default) or max (its maximum dB subtracted, as the models see it). On gtzan-mini max lowers the link between position and loudness (R 0.96 → 0.82) but also genre neighbourhoods (5-NN 60 % → 38 %): see README.",
            DefaultValueFactory = _ => "none",
        };
        var model = new Option<string?>("--model", "-m")
        {
            Description = "Embed what this model has learnt instead of the log-mel: each segment becomes the input of the model's output layer (for a song, the mean over its segments). The model applies its own level normalisation, so --level does not apply.",
        };
        var seed = new Option<int>("--seed") { Description = "Random seed.", DefaultValueFactory = _ => 42 };
        var command = new Command("tsne", "Embed the songs of a feature store in 2-D with Barnes-Hut t-SNE and plot them coloured by genre (PNG + CSV).")
        {
            features, output, perplexity, points, level, model, seed, force,
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
                $"a t-SNE coordinates file (one starts with '{TsneCsv.Header}')", replace);
            string lvl = parse.GetValue(points)!.ToLowerInvariant(), levelName = parse.GetValue(level)!.ToLowerInvariant();
            string? modelPath = parse.GetValue(model) is { } m ? ArgParsing.ExistingPath(m, "--model") : null;
            if (modelPath is not null && parse.GetResult(level) is { Implicit: false })
                throw new UsageException(levelName is "song" or "segment"
                    ? $"--level {levelName} is --points {levelName} now; --level (max or none) does not apply with --model"
                    : "--level does not apply with --model (the model applies its own level normalisation)");
            if (levelName is "song" or "segment")
            {
                if (parse.GetResult(points) is { Implicit: false }) throw new UsageException($"--level '{levelName}': give max or none (one point per {levelName} is --points {levelName})");
                ctx.Error.WriteLine($"note: --level {levelName} is now --points {levelName}; --level takes max or none, as in train");
                (lvl, levelName) = (levelName, "none");
            }
            if (lvl is not ("song" or "segment")) throw new UsageException($"--points '{lvl}' must be song or segment");
            var levelMode = TrainCommand.TrainingArgs.LevelMode(levelName, "--level");
            using var store = FeatureStoreReader.Open(storePath);
            var (embedded, labels, ids) = modelPath is not null
                ? ProgressReporter.Run(ctx, "embed", _ => TsneInputs.Learnt(store, Nn.ModelFile.ModelFileReader.Read(modelPath), lvl == "segment", Environment.ProcessorCount))
                : lvl == "song" ? TsneInputs.Songs(store, levelMode) : TsneInputs.Segments(store, levelMode);
            var options = new TsneOptions { Perplexity = parse.GetValue(perplexity), Seed = parse.GetValue(seed) };
            // A perplexity the songs cannot support is the command line's mistake (exit 2); fewer than 4 songs is the data's.
            if (embedded.Length >= 4)
            {
                try { options.Validate(embedded.Length); }
                catch (ArgumentException e) { throw new UsageException(e.Message.Replace("Perplexity", "--perplexity", StringComparison.Ordinal).Replace("Invalid t-SNE", "invalid t-SNE", StringComparison.Ordinal)); }
            }
            var result = ProgressReporter.Run(ctx, "t-SNE", p => TsneEmbedder.Embed(embedded, options,
                new Progress<TsneProgress>(t => p.Report(new(t.Iteration, t.Iterations, $"KL {t.KlDivergence:F3}"))), ctx.Cancellation));
            int copies = store.Songs.Count - TsneInputs.OriginalSongs(store).Length;
            TsnePlot.SavePng(png, result, labels, store.Header.GenreNames, $"t-SNE of {(modelPath is null ? "" : $"{Path.GetFileName(modelPath)}'s view of ")}{Path.GetFileName(storePath)} ({embedded.Length} {lvl}s, perplexity {options.Perplexity})");
            TsneCsv.Write(csv, result, labels, store.Header.GenreNames, ids);
            if (copies > 0) ctx.Out.WriteLine($"left out {copies} altered cop{(copies == 1 ? "y" : "ies")} stored for training (preprocess --copies)");
            ctx.Out.WriteLine($"wrote {png} and {csv}");
            return CliApp.Ok;
        });
        return command;
    }
}
