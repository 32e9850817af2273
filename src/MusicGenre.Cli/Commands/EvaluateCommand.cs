using System.CommandLine;
using System.Globalization;
using MusicGenre.Data.FeatureStore;
using MusicGenre.Nn.ModelFile;
using MusicGenre.Pipeline.Evaluation;
using MusicGenre.Pipeline.Preprocess;

namespace MusicGenre.Cli.Commands;

/// <summary>
/// <c>musicgenre evaluate &lt;model&gt; &lt;features.h5|folder&gt; --report DIR</c>, or
/// <c>musicgenre evaluate --folds 5 &lt;features.h5|folder&gt; [--arch ...]</c>: song-level k-fold cross-validation
/// (a model is trained per fold with the training options, then scored on its held-out songs).
/// </summary>
internal static class EvaluateCommand
{
    public static Command Create()
    {
        var inputs = new Argument<string[]>("model-and-data")
        {
            Description = "<model> <data>: a model file and a feature store or audio folder/manifest (preprocessed into the report folder first). With --folds: only <data>.",
            Arity = new ArgumentArity(1, 2),
        };
        var report = new Option<string>("--report", "-r") { Description = "Report folder (summary.md, confusion.png/.csv, per_genre.csv, songs.csv).", DefaultValueFactory = _ => "report" };
        var folds = new Option<int>("--folds") { Description = "Song-level k-fold cross-validation: train and evaluate k models (the model argument is not read)." };
        var args = new TrainCommand.TrainingArgs();
        var command = new Command("evaluate", "Score a model on labelled data (segment and song accuracy, per-genre P/R/F1, confusion matrix), or cross-validate with --folds.")
        {
            inputs, report, folds,
        };
        foreach (var o in args.All) command.Add(o);
        command.SetAction(parse =>
        {
            var ctx = CliContext.Get();
            string reportDir = Path.GetFullPath(parse.GetValue(report)!);
            string[] given = parse.GetValue(inputs)!;
            int k = parse.GetValue(folds);
            if (k == 1 || k < 0) throw new UsageException($"--folds {k} must be at least 2 (or omitted)");
            if (k >= 2 && given.Length != 1) throw new UsageException("with --folds give only the data (a model is trained per fold)");
            if (k == 0 && given.Length != 2) throw new UsageException("give a model file and the data: musicgenre evaluate <model> <data>");
            string dataPath = ArgParsing.ExistingPath(given[^1], "data");
            Directory.CreateDirectory(reportDir);
            if (k >= 2)
            {
                var options = args.Build(parse, checkpoint: null);
                string store = EnsureStore(ctx, dataPath, reportDir, options.FeaturePreset);
                var cv = ProgressReporter.Run(ctx, "cross-validation", p =>
                    CrossValidation.Run(store, k, options, parse.GetValue(args.SplitBy), reportDir,
                        new SyncProgress<string>(line => ctx.Out.WriteLine(line)),
                        new SyncProgress<Nn.Training.EpochMetrics>(m => p.Report(new(m.Epoch, m.Epochs, $"epoch {m.Epoch}"))),
                        ctx.Cancellation));
                ctx.Out.WriteLine(CrossValidation.Summary(cv, options));
                ctx.Out.WriteLine($"report: {reportDir}");
                return CliApp.Ok;
            }

            string modelPath = ArgParsing.ExistingPath(given[0], "model");
            var genreModel = ModelFileReader.Read(modelPath);
            string storePath = EnsureStore(ctx, dataPath, reportDir, genreModel.FeaturePreset, genreModel.SegmentSeconds);
            using var storeReader = FeatureStoreReader.Open(storePath);
            var result = ProgressReporter.Run(ctx, "evaluate", p =>
                Evaluator.Evaluate(genreModel, storeReader, progress: new Progress<(int Done, int Total)>(d => p.Report(new(d.Done, d.Total))),
                    cancellationToken: ctx.Cancellation));
            ReportWriter.Write(reportDir, result, $"Evaluation of {Path.GetFileName(modelPath)} on {Path.GetFileName(dataPath)}");
            ctx.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"segment accuracy {result.SegmentAccuracy:P2} ({result.Segments} segments); song accuracy {result.SongAccuracy:P2} ({result.Songs} songs); macro F1 {result.MacroF1:F3}"));
            ctx.Out.WriteLine($"report: {reportDir}");
            return CliApp.Ok;
        });
        return command;
    }

    /// <summary>A feature store as given, or one preprocessed from an audio folder/manifest into the report folder.</summary>
    private static string EnsureStore(CliContext ctx, string dataPath, string reportDir, string preset, double segmentSeconds = 3.0)
    {
        if (File.Exists(dataPath) && string.Equals(Path.GetExtension(dataPath), ".h5", StringComparison.OrdinalIgnoreCase))
            return dataPath;
        string store = Path.Combine(reportDir, "features.h5");
        var options = new PreprocessOptions
        {
            Input = dataPath, Output = store, Features = PreprocessCommand.Preset(preset), SegmentSeconds = segmentSeconds,
        };
        var summary = ProgressReporter.Run(ctx, "preprocess", p =>
            Preprocessor.RunAsync(options, new Progress<PreprocessProgress>(r => p.Report(new(r.Done, r.Total, r.Stage))), ctx.Cancellation)
                .GetAwaiter().GetResult());
        foreach (var bad in summary.BadFiles) ctx.Error.WriteLine($"skipped {bad.Path}: {bad.Reason}");
        return summary.StorePath ?? throw new InvalidDataException($"{dataPath}: no song produced a segment");
    }
}
