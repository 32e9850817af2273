using System.CommandLine;
using System.Globalization;
using MusicGenre.Nn.Backends;
using MusicGenre.Nn.Training;
using MusicGenre.Api;
using MusicGenre.Pipeline.Training;

namespace MusicGenre.Cli.Commands;

/// <summary><c>musicgenre train features.h5 --out model.h5</c>: trains a CNN with early stopping and checkpoints.</summary>
internal static class TrainCommand
{
    /// <summary>The options <c>train</c> and <c>evaluate --folds</c> share.</summary>
    internal sealed class TrainingArgs
    {
        public Option<string> Arch { get; } = new("--arch") { Description = "Architecture: default or lachmish2016.", DefaultValueFactory = _ => "default" };
        public Option<int> Epochs { get; } = new("--epochs") { Description = "Maximum epochs.", DefaultValueFactory = _ => 30 };
        public Option<int> Batch { get; } = new("--batch") { Description = "Mini-batch size.", DefaultValueFactory = _ => 32 };
        public Option<float> Lr { get; } = new("--lr") { Description = "Peak learning rate.", DefaultValueFactory = _ => 1e-3f };
        public Option<string> Optimizer { get; } = new("--optimizer") { Description = "adamw (decoupled weight decay), adam or sgd (momentum 0.9).", DefaultValueFactory = _ => "adamw" };
        public Option<float> WeightDecay { get; } = new("--weight-decay") { Description = "Weight decay (decoupled for adamw, L2 otherwise).", DefaultValueFactory = _ => 1e-2f };
        public Option<string> Schedule { get; } = new("--schedule") { Description = "Learning-rate schedule over the epochs: cosine (to 0), step (×0.1 every 10 epochs) or constant.", DefaultValueFactory = _ => "cosine" };
        public Option<int> Warmup { get; } = new("--warmup") { Description = "Epochs of linear learning-rate warm-up before the cosine schedule.", DefaultValueFactory = _ => 0 };
        public Option<float> Clip { get; } = new("--clip") { Description = "Clip gradients to this global L2 norm (0 = off).", DefaultValueFactory = _ => 0f };
        public Option<string> Device { get; } = new("--device") { Description = "auto, cpu, cuda or opencl.", DefaultValueFactory = _ => "cpu" };
        public Option<ulong> Seed { get; } = new("--seed") { Description = "Seed for initialisation, shuffling, dropout and augmentation.", DefaultValueFactory = _ => 1234UL };
        public Option<double> ValSplit { get; } = new("--val-split") { Description = "Share of songs held out for early stopping, taken per genre (rounded, at least one song of each genre that has two), so small stores hold out more; 0 = none, and the epoch with the lowest training loss is kept.", DefaultValueFactory = _ => 0.2 };
        public Option<string> SplitBy { get; } = new("--split-by") { Description = "Keep segments of one song or one artist together in the validation split and folds: song or artist (artists come from a CSV manifest's artist column; an artist of several genres counts under its main one).", DefaultValueFactory = _ => "song" };
        public Option<int> Patience { get; } = new("--patience") { Description = "Epochs without improvement before stopping early.", DefaultValueFactory = _ => 8 };
        public Option<int?> Threads { get; } = new("--threads", "-j") { Description = "CPU threads (default: all cores)." };
        public Option<string> Augment { get; } = new("--augment")
        {
            Description = "Training augmentation: sets joined by +, or none. robust: each batch cropped to a random 2–3 s, half the segments low-passed at a random 3.5–10 kHz, spectral tilt ±3 dB/octave; standard: ±30-frame circular time shift, ±6 dB gain, 2 SpecAugment frequency masks ≤ 16 mels and 2 time masks ≤ 20 frames; timbre: a random ±6 dB equaliser curve and a pitch shift of ±2 mel bands; tempo: each segment up to 20 % faster or slower. Chosen on gtzan-val and the excerpt protocol (README).",
            DefaultValueFactory = _ => "robust+standard",
        };

        public Option<float> Mixup { get; } = new("--mixup")
        {
            Description = "Mixup Beta(α, α) parameter added to the chosen augmentation: each batch is blended with a shuffled copy of itself, targets likewise (0 = off; 0.2 is common).",
            DefaultValueFactory = _ => 0f,
        };

        public Option<string> Level { get; } = new("--level")
        {
            Description = "Level normalisation of every input window: max (subtract the window's maximum dB, so loudness does not matter) or none (absolute level, as models before 0.2).",
            DefaultValueFactory = _ => "max",
        };

        public Option<double> BandLimit { get; } = new("--band-limit")
        {
            Description = "Band limit in Hz: mel bands above it are set to the floor in training and prediction, so 16 kHz, MP3 and full-band recordings look alike (0 = off).",
            DefaultValueFactory = _ => 7600,
        };

        public Option<int> Mfcc { get; } = new("--mfcc")
        {
            Description = "Train on the first N mel-frequency cepstral coefficients of each window instead of its log-mel (the 2016 project's other input; librosa's default is 20): the DCT of the log-mel after --level and --band-limit, as 'musicgenre features' writes /mfcc. 0 = log-mel. Below 16, the default architecture needs fewer pooling blocks (--hp blocks=3).",
            DefaultValueFactory = _ => 0,
        };

        public Option<string[]> HyperParameters { get; } = new("--hp")
        {
            Description = "Architecture hyper-parameter as key=value, repeatable (e.g. --hp width=16). default: width (8; channels of the first block, doubled each block), blocks (4), dropout (0.3), min_frames (86; shortest input in frames). lachmish2016: dense (8192), keep_prob (0.75). The input shape (mels, frames) and the genre count come from the store.",
            AllowMultipleArgumentsPerToken = false,
        };

        public Option<string?> Init { get; } = new("--init")
        {
            Description = "Fine-tune: start from this model's weights (e.g. models/default.h5) instead of random ones. The model's architecture, hyper-parameters and input settings are used, so --arch, --hp, --mfcc, --level and --band-limit are not given with it; the store needs the model's feature preset and segment length. With the model's genres every weight is loaded; with other genres all but the output layer. A lower --lr (e.g. 1e-4) keeps more of what the model knew.",
        };

        public Option<bool> Stream { get; } = new("--stream")
        {
            Description = "Read segments from the feature store as each batch needs them instead of loading the store into memory (same results; chosen by itself when the store would take more than half the memory).",
        };

        /// <summary>The value of <c>--split-by</c>: song or artist (case-insensitive).</summary>
        public SplitBy SplitByValue(ParseResult parse) => parse.GetValue(SplitBy)!.ToLowerInvariant() switch
        {
            "song" => Pipeline.Training.SplitBy.Song,
            "artist" => Pipeline.Training.SplitBy.Artist,
            var other => throw new UsageException($"--split-by '{other}' is not one of song, artist"),
        };

        /// <summary>
        /// The command-line option behind each <see cref="TrainerOptions"/> property that <see cref="TrainerOptions.Problems"/>
        /// names, so that a refusal names what the user typed (<c>--val-split 1 must be in [0, 1)</c>, not ValidationFraction).
        /// </summary>
        private static readonly (string Property, string Option)[] OptionNames =
        [
            ("ValidationFraction", "--val-split"), ("BatchSize", "--batch"), ("LearningRate", "--lr"), ("Epochs", "--epochs"),
            ("Patience", "--patience"), ("ThreadCount", "--threads"), ("BandLimitHz", "--band-limit"), ("HyperParameters", "--hp"),
            ("Architecture", "--arch"), ("Augmentation.MixupAlpha", "--mixup"), ("Mfcc", "--mfcc"), ("WeightDecay", "--weight-decay"),
            ("WarmupEpochs", "--warmup"), ("GradientClipNorm", "--clip"),
        ];

        internal static string InOptionNames(string problem)
        {
            foreach (var (property, option) in OptionNames)
                if (problem.Length > property.Length && problem.StartsWith(property, StringComparison.Ordinal) && problem[property.Length] is ' ' or ':')
                    return option + problem[property.Length..];
            return problem;
        }

        public IEnumerable<Option> All => [Arch, Epochs, Batch, Lr, Optimizer, WeightDecay, Schedule, Warmup, Clip, Device, Seed, ValSplit, SplitBy, Patience, Threads, Augment, Mixup, Level, BandLimit, Mfcc, HyperParameters, Init, Stream];

        private static Dictionary<string, double> ParseHyperParameters(string[]? pairs)
        {
            var hp = new Dictionary<string, double>(StringComparer.Ordinal);
            foreach (var pair in pairs ?? [])
            {
                int eq = pair.IndexOf('=');
                if (eq <= 0 || !double.TryParse(pair[(eq + 1)..], System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double v))
                    throw new UsageException($"--hp '{pair}' is not key=number (e.g. --hp width=16)");
                if (!hp.TryAdd(pair[..eq].Trim(), v))
                    throw new UsageException($"--hp {pair[..eq].Trim()} is given twice ({hp[pair[..eq].Trim()].ToString(System.Globalization.CultureInfo.InvariantCulture)} and {pair[(eq + 1)..]}); give it once");
            }
            return hp;
        }

        /// <summary>
        /// The augmentation of <c>--augment</c>: <c>none</c>, or named sets joined by <c>+</c> (<c>robust+standard</c>),
        /// each switching on its own transformations.
        /// </summary>
        internal static AugmentationOptions AugmentationPreset(string name)
        {
            try { return AugmentationOptions.Parse(name); }
            catch (FormatException e) { throw new UsageException($"--augment {e.Message}"); }
        }

        /// <summary>The one of <paramref name="choices"/> whose name (lower case) is <paramref name="text"/>; another word is a usage error listing them.</summary>
        private static T Choice<T>(string text, string option, params T[] choices) where T : struct, Enum
        {
            foreach (var choice in choices)
                if (choice.ToString().Equals(text, StringComparison.OrdinalIgnoreCase)) return choice;
            throw new UsageException($"{option} '{text}' is not one of {string.Join(", ", choices.Select(c => c.ToString().ToLowerInvariant()))}");
        }

        /// <summary>The level normalisation named <c>max</c> or <c>none</c> on the command line (<c>--level</c>, <c>tsne --normalize</c>).</summary>
        internal static Nn.ModelFile.LevelNormalization LevelMode(string name, string option = "--level") => name.ToLowerInvariant() switch
        {
            "max" => Nn.ModelFile.LevelNormalization.WindowMax,
            "none" => Nn.ModelFile.LevelNormalization.None,
            _ => throw new UsageException($"{option} '{name}' is not one of max, none"),
        };

        public TrainerOptions Build(ParseResult parse, string? checkpoint)
        {
            var kind = ArgParsing.Device(parse.GetValue(Device)!);
            string? init = parse.GetValue(Init) is { } i ? ArgParsing.ExistingPath(i, "--init") : null;
            if (init is not null) ArgParsing.RefuseGiven(parse, "is taken from the --init model (fine-tuning continues its network)", Arch, HyperParameters, Mfcc, Level, BandLimit);
            var options = new TrainerOptions
            {
                Architecture = parse.GetValue(Arch)!,
                HyperParameters = ParseHyperParameters(parse.GetValue(HyperParameters)),
                Epochs = parse.GetValue(Epochs),
                BatchSize = parse.GetValue(Batch),
                LearningRate = parse.GetValue(Lr),
                Optimizer = Choice(parse.GetValue(Optimizer)!, "--optimizer", OptimizerKind.AdamW, OptimizerKind.Adam, OptimizerKind.Sgd),
                WeightDecay = parse.GetValue(WeightDecay),
                Schedule = Choice(parse.GetValue(Schedule)!, "--schedule", ScheduleKind.Cosine, ScheduleKind.Step, ScheduleKind.Constant),
                WarmupEpochs = parse.GetValue(Warmup),
                GradientClipNorm = parse.GetValue(Clip),
                Device = kind,
                Seed = parse.GetValue(Seed),
                ValidationFraction = parse.GetValue(ValSplit),
                Patience = parse.GetValue(Patience),
                ThreadCount = parse.GetValue(Threads) ?? Environment.ProcessorCount,
                CheckpointPath = checkpoint,
                Augmentation = AugmentationPreset(parse.GetValue(Augment)!) with { MixupAlpha = parse.GetValue(Mixup) },
                Level = LevelMode(parse.GetValue(Level)!),
                BandLimitHz = parse.GetValue(BandLimit),
                Mfcc = parse.GetValue(Mfcc),
                InitialModelPath = init,
                StreamSegments = parse.GetValue(Stream),
            };
            // Fine-tuning: the model's architecture and input settings, checked below like given ones.
            options = Pipeline.Training.TrainingJob.FromInitialModel(options);
            var problems = options.Problems();
            if (options.WarmupEpochs > 0 && options.Schedule != ScheduleKind.Cosine)
                problems.Add($"--warmup applies to the cosine schedule only (--schedule {options.Schedule.ToString().ToLowerInvariant()})");
            if (problems.Count == 0)
            {
                // Hyper-parameter values (e.g. width=0) are checked by building the architecture with the store's
                // shape still unknown (the catalog's defaults for it): a bad value is a usage error, not a failed run.
                // With --mfcc the network's rows are the coefficients, so they are checked as its mels.
                var hp = new Dictionary<string, double>(options.HyperParameters);
                if (options.Mfcc > 0) hp["mels"] = options.Mfcc;
                try
                {
                    var spec = Nn.Architectures.ArchitectureCatalog.Create(options.Architecture, hp);
                    if (!spec.AcceptsAnyLength && options.Augmentation.MinCropFrames > 0)
                        problems.Add($"--augment {parse.GetValue(Augment)} crops each batch to a random 2–3 s, which {(init is null ? "--arch " : "the --init model's network, ")}{options.Architecture} (fixed-length windows), cannot take; use --augment standard (or none)");
                    else if (options.Augmentation.MinCropFrames > 0 && options.Augmentation.MinCropFrames < spec.MinFrames)
                        problems.Add($"--augment {parse.GetValue(Augment)} crops batches down to {options.Augmentation.MinCropFrames} frames (2 s), below the {spec.MinFrames} frames --hp min_frames asks for; lower min_frames or use --augment standard");
                    // The network takes the store's segments whole: a frames value would be recorded and never used.
                    if (init is null && options.HyperParameters.ContainsKey("frames"))
                        problems.Add("--hp frames: the input frames come from the store's segments (cut them with preprocess --segment)");
                }
                catch (ArgumentException e)
                {
                    string message = e.Message.Replace($" (Parameter '{e.ParamName}')", "", StringComparison.Ordinal);
                    problems.Add(options.Mfcc > 0 ? $"--mfcc {options.Mfcc}: {message}" : message);
                }
            }
            if (problems.Count > 0) throw new UsageException("invalid training options: " + string.Join("; ", problems.Select(InOptionNames)));
            return options;
        }
    }

    /// <summary>First line of the <c>--history</c> CSV: the history's columns (<see cref="EpochColumns"/>).</summary>
    internal static string HistoryHeader { get; } = string.Join(',', EpochColumns.Names);

    /// <summary>The <c>--history</c> CSV of <paramref name="epochs"/> (an empty field where there was no validation).</summary>
    internal static string HistoryCsv(IEnumerable<EpochMetrics> epochs)
    {
        var inv = CultureInfo.InvariantCulture;
        var sb = new System.Text.StringBuilder(HistoryHeader).Append('\n');
        foreach (var row in EpochColumns.Rows(epochs))
            sb.AppendJoin(',', EpochColumns.All.Select(c => row[c.Name] is not double v ? ""
                : c.IsInteger ? v.ToString("0", inv) : c.Name == "seconds" ? v.ToString("0.###", inv) : v.ToString("R", inv))).Append('\n');
        return sb.ToString();
    }

    public static Command Create()
    {
        var features = new Argument<string[]>("features")
        {
            Description = "Feature store written by 'musicgenre preprocess'; or several, e.g. the shards of 'preprocess --shard k/N' (files, or folders whose *.h5 files are taken), read as one without a merge.",
            Arity = ArgumentArity.OneOrMore,
        };
        var output = new Option<string>("--out", "-o") { Description = "Model file to write.", Required = true };
        var force = ArgParsing.ForceOption();
        var checkpointEvery = new Option<int>("--checkpoint-every")
        {
            Description = "Also checkpoint every N optimizer steps, not only at epoch ends (a kill -9 then loses at most N steps; Ctrl+C and SIGTERM always checkpoint where they stop). 0 = epoch ends only.",
            DefaultValueFactory = _ => 0,
        };
        var history = new Option<string?>("--history")
        {
            Description = "Write the per-epoch history (epoch, train/validation loss and accuracy, learning rate, seconds, best) to this CSV after every epoch, rewritten whole each time (a resumed run includes the epochs before it) — for a live plot or 'tail' of a long run. musicgenre info model.h5 shows it afterwards.",
        };
        var restart = new Option<bool>("--restart") { Description = "Discard the checkpoint of an earlier, unfinished run to the same --out and start over (by default a run resumes from it)." };
        var args = new TrainingArgs();
        var command = new Command("train", "Train a genre CNN on a feature store, or on the shards of one (early stopping on validation, checkpoint and resume).")
        {
            features, output, force, restart, checkpointEvery, history,
        };
        foreach (var o in args.All) command.Add(o);
        command.SetAction(parse =>
        {
            var ctx = CliContext.Get();
            ctx.CancelNote = "a re-run resumes from the checkpoint of the last step, when training had begun";
            string model = ArgParsing.OutputFile(parse.GetValue(output)!, "--out", ArgParsing.OutputKind.Model, parse.GetValue(force),
                [.. parse.GetValue(features)!.Select(f => ArgParsing.ExistingPath(f, "feature store")), parse.GetValue(args.Init)]);
            var stores = ArgParsing.FeatureStores(parse.GetValue(features)!, model, "train on", ctx.Error);
            string checkpoint = model + ".checkpoint";
            // Written beside the model during the run: a name the file system takes for the model may be too long for it.
            ArgParsing.OutputFile(checkpoint, "the checkpoint of --out", null, force: true);
            // Every store (those inside folder arguments too) counts as an input the history may not replace.
            string? historyCsv = parse.GetValue(history) is { } h
                ? ArgParsing.OutputFile(h, "--history", null, parse.GetValue(force), [.. stores, model, parse.GetValue(args.Init)])
                : null;
            // The model and its checkpoint are written (and the checkpoint deleted) during the run: a --history of the same
            // name would be overwritten by them, or overwrite them (also when they do not exist yet).
            if (historyCsv is not null && ArgParsing.RealPath(historyCsv) is var realHistory
                && (realHistory == ArgParsing.RealPath(model) || realHistory == ArgParsing.RealPath(checkpoint)))
                throw new UsageException($"--history '{historyCsv}' is the {(realHistory == ArgParsing.RealPath(model) ? "--out model" : "checkpoint of --out")}; give the history CSV its own name (e.g. '{Path.ChangeExtension(model, ".history.csv")}')");
            if (historyCsv is not null)
                ArgParsing.CheckReplaceableText(historyCsv, "--history", l => l.Count > 0 && l[0] == HistoryHeader, $"a training history CSV (one starts with '{HistoryHeader}')", parse.GetValue(force));
            int every = parse.GetValue(checkpointEvery);
            if (every < 0) throw new UsageException($"--checkpoint-every {every} must be 0 (epoch ends only) or more steps");
            var options = args.Build(parse, checkpoint) with { CheckpointEverySteps = every };
            // Held from before the checkpoint is looked at (--restart removes it) to the end of the run.
            using var exclusive = TrainingJob.TakeOutput(model);
            if (parse.GetValue(restart) && File.Exists(checkpoint))
            {
                File.Delete(checkpoint);
                ctx.Error.WriteLine($"--restart: removed the checkpoint {checkpoint}; training starts over");
            }
            else if (File.Exists(checkpoint))
                ctx.Error.WriteLine($"resuming from the checkpoint {checkpoint} if it matches these options and data (an earlier run to this --out that did not finish; --restart starts over)");
            using (var set = Data.FeatureStore.FeatureStoreSet.Open(stores))
            {
                if (options.ValidationFraction > 0 && args.SplitByValue(parse) == SplitBy.Artist)
                    foreach (var note in StoreSegments.ArtistSplitNotes(set.Songs.Select(s => s.Store.Songs[s.Song]), set.Header.GenreNames, SplitBy.Artist))
                        ctx.Error.WriteLine($"note: {note}");
                // A store made from a few genre folders still names every genre of --genres (the 10 GTZAN ones by default):
                // the model gets an output for each, which it never learns, and predicts them now and then.
                var present = set.Songs.Select(s => s.Store.Songs[s.Song].Label).ToHashSet();
                var empty = set.Header.GenreNames.Where((_, g) => !present.Contains(g)).ToList();
                if (empty.Count > 0 && options.InitialModelPath is null)
                    ctx.Error.WriteLine($"note: {empty.Count} of the store's {set.Header.GenreNames.Count} genres have no songs ({string.Join(", ", empty)}): " +
                        "the model gets an output for each that it never learns; preprocess with --genres naming only yours to leave them out");
            }
            // The epochs of a run being resumed are in its checkpoint; new ones are reported as they end.
            var epochs = new List<EpochMetrics>();
            if (historyCsv is not null && File.Exists(checkpoint))
                try { epochs.AddRange(Nn.Training.CheckpointFile.Read(checkpoint).History); }
                catch (Nn.ModelFile.ModelFileException) { } // the run itself reports an unusable checkpoint
            Nn.Training.TrainingResult result;
            try
            {
                result = ProgressReporter.Run(ctx, "train", p =>
                    GenreTrainer.Train(stores, model, options, args.SplitByValue(parse), new SyncProgress<EpochMetrics>(m =>
                    {
                        p.Report(new(m.Epoch, m.Epochs, $"epoch {m.Epoch}"));
                        ctx.Out.WriteLine(Describe(m));
                        if (historyCsv is not null)
                        {
                            epochs.RemoveAll(e => e.Epoch >= m.Epoch);
                            epochs.Add(m);
                            MusicGenre.IO.SafeFile.WriteAllText(historyCsv, HistoryCsv(epochs));
                        }
                    }), ctx.Cancellation));
            }
            catch (Nn.ModelFile.ModelFileException e) when (e.Path == checkpoint)
            {
                // A checkpoint this run cannot resume (other options or data, or damaged): say how to start over.
                throw new Nn.ModelFile.ModelFileException(checkpoint, e.Message[(checkpoint.Length + 2)..] + $"{Environment.NewLine}  To discard it and start over, run again with --restart.", e);
            }
            ctx.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"best epoch {result.BestEpoch}{(result.StoppedEarly ? " (stopped early)" : "")}; {result.TrainSegments} training and {result.ValidationSegments} validation segments{(result.StreamedSegments ? ", read from the store batch by batch" : "")}"));
            if (options.InitialModelPath is { } init && result.GenresFromInitialModel is { } carried)
            {
                var fresh = result.Model.Labels.Except(carried, StringComparer.Ordinal).ToList();
                ctx.Out.WriteLine(fresh.Count == 0
                    ? $"fine-tuned from {init}: every weight loaded"
                    : carried.Count == 0
                        ? $"fine-tuned from {init}: every weight but the output layer loaded; it has none of the store's genres, so the output layer started fresh"
                        : $"fine-tuned from {init}: every weight loaded but the output rows of {string.Join(", ", fresh)}, genres it did not have, which started fresh");
            }
            if (result.Model.Training.Device.Contains(Nn.ModelFile.TrainingMetadata.DeviceSeparator, StringComparison.Ordinal))
                ctx.Error.WriteLine($"note: the run was resumed on another device ({result.Model.Training.Device}), whose arithmetic rounds differently: the model is not the one an uninterrupted run on either device makes (the model file records both)");
            ctx.Out.WriteLine($"wrote {model}");
            return CliApp.Ok;
        });
        return command;
    }

    /// <summary>One epoch's line; without a validation split (--val-split 0) the validation columns show "–".</summary>
    internal static string Describe(EpochMetrics m) => string.Create(CultureInfo.InvariantCulture,
        $"epoch {m.Epoch,3}/{m.Epochs}: loss {m.TrainLoss:F4} acc {m.TrainAccuracy:P1} | val loss {Value(m.ValidationLoss, "F4")} val acc {Value(m.ValidationAccuracy, "P1")} | lr {m.LearningRate.ToString("G3", CultureInfo.InvariantCulture).Replace("E", "e", StringComparison.Ordinal)} | {m.Elapsed.TotalSeconds:F1}s{(m.IsBest ? " *" : "")}");

    private static string Value(double v, string format) => double.IsNaN(v) ? "–" : v.ToString(format, CultureInfo.InvariantCulture);
}

/// <summary>An <see cref="IProgress{T}"/> that calls back synchronously, so epoch lines print in order.</summary>
internal sealed class SyncProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
