using System.CommandLine;
using System.Globalization;
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
            Description = "<model> <data>: a model file and a feature store or audio folder/manifest. With --folds: only <data> (an audio folder or manifest is then preprocessed into <report>/features.h5 first).",
            Arity = new ArgumentArity(1, 2),
        };
        var report = new Option<string>("--report", "-r") { Description = "Report folder: summary.md, confusion.png/.csv, per_genre.csv, songs.csv; excerpts.csv with --excerpts; folds.csv (and features.h5 for audio, fold<k>/model.h5 with --keep-models) with --folds. Files an earlier evaluation wrote there that this one does not are removed; yours stay.", DefaultValueFactory = _ => "report" };
        var folds = new Option<int?>("--folds") { Description = "Song-level k-fold cross-validation: train and evaluate k models (the model argument is not read)." };
        var keepModels = new Option<bool>("--keep-models") { Description = "With --folds: also write each fold's model to <report>/fold<k>/model.h5 (e.g. to score the folds with another protocol)." };
        var excerpts = new Option<string?>("--excerpts")
        {
            Description = "Robustness protocol: score every song on random excerpts of this length range (e.g. 2-3s) instead of whole clips; needs the audio files (an audio folder, or a store whose song paths exist).",
        };
        var perSong = new Option<int>("--per-song") { Description = "Excerpts per song (with --excerpts).", DefaultValueFactory = _ => 5 };
        var normalize = new Option<string>("--normalize") { Description = "Level of each excerpt (with --excerpts): peak (0 dBFS peak, default) or none (the recording's own).", DefaultValueFactory = _ => "peak" };
        var gain = new Option<double>("--gain") { Description = "Gain in dB applied to each excerpt after --normalize, clipped to ±1 (with --excerpts; e.g. -20).", DefaultValueFactory = _ => 0 };
        var force = new Option<bool>("--force") { Description = "Replace files in the --report folder even when they are not files an evaluation wrote (e.g. your own summary.md)." };
        var args = new TrainCommand.TrainingArgs();
        var command = new Command("evaluate", "Score a model on labelled data (segment and song accuracy, per-genre P/R/F1, confusion matrix), or cross-validate with --folds.")
        {
            inputs, report, folds, keepModels, excerpts, perSong, normalize, gain, force,
        };
        // The training options act only with --folds; --seed also draws the --excerpts.
        foreach (var o in args.All)
        {
            o.Description = o == args.Seed
                ? "Seed of the --excerpts (with the song id) and, with --folds, of each fold's training (initialisation, shuffling, dropout, augmentation)."
                : "With --folds: " + o.Description;
            command.Add(o);
        }
        command.SetAction(parse =>
        {
            var ctx = CliContext.Get();
            string[] given = parse.GetValue(inputs)!;
            int? foldsGiven = parse.GetValue(folds);
            if (foldsGiven is < 2) throw new UsageException($"--folds {foldsGiven} must be at least 2 (or omitted)");
            int k = foldsGiven ?? 0;
            if (k >= 2 && given.Length != 1) throw new UsageException("with --folds give only the data (a model is trained per fold)");
            if (k == 0 && given.Length != 2) throw new UsageException("give a model file and the data: musicgenre evaluate <model> <data>");
            if (k == 0 && parse.GetValue(keepModels)) throw new UsageException("--keep-models needs --folds (it keeps the models cross-validation trains)");
            // An option that would change nothing is refused rather than silently ignored.
            if (parse.GetValue(excerpts) is null)
                ArgParsing.RefuseGiven(parse, "applies only with --excerpts (the robustness protocol)", perSong, normalize, gain);
            if (k == 0)
            {
                ArgParsing.RefuseGiven(parse, "is a training option: it applies only with --folds (evaluate <model> <data> scores the model as it is)",
                    args.All.Where(o => o != args.Seed).ToArray());
                if (parse.GetValue(excerpts) is null) ArgParsing.RefuseGiven(parse, "applies only with --folds or --excerpts", args.Seed);
            }
            string dataPath = ArgParsing.ExistingPath(given[^1], "data");
            var protocol = Protocol(parse.GetValue(excerpts), parse.GetValue(perSong), parse.GetValue(normalize)!, parse.GetValue(gain), parse.GetValue(args.Seed));
            // The report folder is created only once there is something to write, so a refused run leaves nothing behind;
            // whether it can be made and written is found out now, after the other arguments, before the work.
            string reportDir = ArgParsing.OutputFolder(parse.GetValue(report), "--report");
            CheckReportFolder(reportDir, parse.GetValue(force), crossValidation: k >= 2);
            // One evaluation at a time per report folder: two would interleave their files (and, with --folds, share
            // the fold checkpoints).
            using var reportLock = MusicGenre.IO.FileLock.TakeBeside(reportDir, "evaluation (its --report folder)");
            if (k >= 2)
            {
                // Fold checkpoints in the report folder (cv.checkpoint.fold<k>): a stopped run resumes where it was.
                ctx.CancelNote = "a re-run with the same data, options and --report resumes: finished folds are not trained again, the stopped one continues from its checkpoint";
                // (Set after the options are checked: the report folder is made only when the folds start.)
                var options = args.Build(parse, checkpoint: null) with { CheckpointPath = Path.Combine(reportDir, CrossValidation.CheckpointName) };
                if (options.InitialModelPath is { } init)
                    ctx.Error.WriteLine($"warning: every fold starts from {init}; if that model was trained on any of these songs, the held-out scores are optimistic");
                string store = ProgressReporter.Run(ctx, "preprocess", p =>
                    EvaluationJob.EnsureStore(dataPath, reportDir, PreprocessCommand.Preset(options.FeaturePreset),
                        new Progress<PreprocessProgress>(r => p.Report(new(r.Done, r.Total, r.Stage))), line => ctx.Error.WriteLine($"skipped {MusicGenre.IO.DisplayText.OneLine(line)}"), ctx.Cancellation));
                using (var reader = Data.FeatureStore.FeatureStoreReader.Open(store))
                    foreach (var note in Pipeline.Training.StoreSegments.ArtistSplitNotes(reader.Songs, reader.Header.GenreNames, args.SplitByValue(parse), k))
                        ctx.Error.WriteLine($"note: {note}");
                var cv = ProgressReporter.Run(ctx, "cross-validation", p =>
                    CrossValidation.Run(store, k, options, args.SplitByValue(parse), reportDir,
                        new SyncProgress<string>(line => ctx.Out.WriteLine(line)),
                        new SyncProgress<Nn.Training.EpochMetrics>(m => p.Report(new(m.Epoch, m.Epochs, $"epoch {m.Epoch}"))),
                        ctx.Cancellation, protocol, parse.GetValue(keepModels), MusicGenre.Plots.ReportFigures.Instance));
                ctx.Out.WriteLine(CrossValidation.Summary(cv, options, protocol));
                ctx.Out.WriteLine($"report: {reportDir}");
                return CliApp.Ok;
            }

            string modelPath = ArgParsing.ExistingPath(given[0], "model");
            var outcome = ProgressReporter.Run(ctx, "evaluate", p =>
                EvaluationJob.Run(modelPath, dataPath, protocol, reportDir, new Progress<(int Done, int Total)>(d => p.Report(new(d.Done, d.Total))),
                    line => ctx.Error.WriteLine($"skipped {MusicGenre.IO.DisplayText.OneLine(line)}"), ctx.Cancellation,
                    line => ctx.Error.WriteLine($"warning: {MusicGenre.IO.DisplayText.OneLine(line)}"), MusicGenre.Plots.ReportFigures.Instance));
            var (result, unit, unreadable) = outcome;
            foreach (var note in outcome.Notes) ctx.Error.WriteLine($"note: {note}");
            ctx.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{unit} accuracy {result.SegmentAccuracy:P2} ({result.Segments} {unit}s); song accuracy {result.SongAccuracy:P2} ({result.Songs} songs); macro F1 {result.MacroF1:F3}"));
            ctx.Out.WriteLine($"report: {reportDir}");
            // As predict: a file that could not be read fails the command, after the others were scored and reported.
            if (unreadable.Count == 0) return CliApp.Ok;
            ctx.Error.WriteLine($"musicgenre: {unreadable.Count} audio file{(unreadable.Count == 1 ? "" : "s")} could not be read and {(unreadable.Count == 1 ? "is" : "are")} not in the scores (listed in {Path.Combine(reportDir, "summary.md")})");
            return CliApp.Failure;
        });
        return command;
    }


    /// <summary>
    /// The files an evaluation writes in <paramref name="reportDir"/> (and in its <c>fold&lt;k&gt;</c> folders) may
    /// replace only files an evaluation wrote before, unless <paramref name="force"/>: the default folder is <c>report</c>,
    /// a name a user may well have used for their own notes.
    /// </summary>
    internal static void CheckReportFolder(string reportDir, bool force, bool crossValidation)
    {
        if (force || !Directory.Exists(reportDir)) return;
        const string what = "--report file";
        var folders = !crossValidation ? [reportDir] : new[] { reportDir }.Concat(Directory.GetDirectories(reportDir, "fold*")
            .Where(d => ReportWriter.IsFoldFolder(Path.GetFileName(d))).Order(StringComparer.Ordinal)).ToArray();
        foreach (string folder in folders)
        {
            // Only cross-validation writes folds.csv, features.h5 (from audio) and fold models.
            foreach (var (name, isOurs, kind) in ReportWriter.TextFiles.Where(f => crossValidation || f.Name != "folds.csv"))
                ArgParsing.CheckReplaceableText(Path.Combine(folder, name), what, isOurs, kind, force);
            ArgParsing.CheckReplaceable(Path.Combine(folder, "confusion.png"), what, ArgParsing.OutputKind.Png, force);
            if (crossValidation)
                ArgParsing.CheckReplaceable(Path.Combine(folder, folder == reportDir ? "features.h5" : "model.h5"), what,
                    folder == reportDir ? ArgParsing.OutputKind.FeatureStore : ArgParsing.OutputKind.Model, force);
        }
    }

    /// <summary>The robustness protocol of --excerpts MIN-MAX (null without it); its other options are checked either way.</summary>
    internal static ExcerptProtocol? Protocol(string? excerpts, int perSong, string normalize, double gainDb, ulong seed)
    {
        var level = normalize.ToLowerInvariant() switch
        {
            "peak" => ExcerptLevel.Peak,
            "none" => ExcerptLevel.Original,
            _ => throw new UsageException($"--normalize '{normalize}' is not one of peak, none"),
        };
        if (excerpts is null) return null;
        var (min, max) = ArgParsing.SecondsRange(excerpts, "--excerpts");
        var protocol = new ExcerptProtocol { MinSeconds = min, MaxSeconds = max, PerSong = perSong, Level = level, GainDb = gainDb, Seed = seed };
        if (protocol.Problems() is { Count: > 0 } problems) throw new UsageException("invalid --excerpts protocol: " + string.Join("; ", problems));
        return protocol;
    }
}
