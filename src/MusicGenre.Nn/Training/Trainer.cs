using System.Diagnostics;
using MusicGenre.Nn.Architectures;
using MusicGenre.Nn.Backends;
using MusicGenre.Nn.Backends.Cpu;
using MusicGenre.Nn.Initialization;
using MusicGenre.Nn.Layers;
using MusicGenre.Nn.Losses;
using MusicGenre.Nn.ModelFile;
using MusicGenre.Nn.Optimizers;
using MusicGenre.Nn.Optimizers.Schedules;
using MusicGenre.Nn.Tensors;

namespace MusicGenre.Nn.Training;

/// <summary>
/// Trains a genre classifier on in-memory segments: song-level validation split, input normalisation from the
/// training split, seeded shuffling/augmentation/dropout, the chosen optimizer and schedule, gradient clipping, early
/// stopping, checkpoints that resume bit-exactly, and the best model as the result. With a fixed seed and thread
/// count the CPU backend makes the whole run bitwise reproducible.
/// </summary>
/// <example><code>
/// var result = new Trainer(new TrainerOptions { Epochs = 20, CheckpointPath = "run.ckpt.h5" })
///     .Train(new SegmentSet(x, n, 1, 128, 130, labels, songIds), new Progress&lt;EpochMetrics&gt;(Console.WriteLine), ct);
/// ModelFileWriter.Write("model.h5", result.Model);
/// </code></example>
internal sealed partial class Trainer
{
    private const ulong SplitStream = 1, InitStream = 2, ShuffleStream = 3, DropoutStream = 4, AugmentStream = 5;

    /// <summary>Validates <paramref name="options"/> (every problem in one <see cref="TrainerOptionsException"/>).</summary>
    public Trainer(TrainerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
    }

    /// <summary>The options of this trainer.</summary>
    public TrainerOptions Options { get; }

    /// <summary>
    /// Memory the run may use, in bytes: a CPU run whose estimated peak (<see cref="TrainingMemory"/>) exceeds it is
    /// refused before the network is allocated. Null (the default): what the GC reports this process may use,
    /// <see cref="GCMemoryInfo.TotalAvailableMemoryBytes"/> (physical memory, or a container's or heap hard limit).
    /// </summary>
    internal long? MemoryLimitBytes { get; init; }

    /// <summary>Creates the backend instead of <see cref="BackendFactory"/> (tests, to count its allocations).</summary>
    internal Func<IBackend>? CreateBackend { get; init; }



    /// <summary>The memory estimate of the last CPU run (null before one, or for a GPU run).</summary>
    internal TrainingMemory? Memory { get; private set; }

    /// <summary>Raised after every optimizer step with (global step, batch loss); for fine-grained progress.</summary>
    public event Action<long, float>? StepCompleted;

    /// <summary>
    /// Runs training and returns the best model. Resumes from <see cref="TrainerOptions.CheckpointPath"/> when that file
    /// exists (same options and data required). Cancelling saves a checkpoint at the current step (when a path is set)
    /// and throws <see cref="OperationCanceledException"/>.
    /// </summary>
    /// <exception cref="TrainerOptionsException">The data does not fit the options (all problems listed), or a CPU run would need more memory than the process may use.</exception>
    /// <exception cref="ModelFileException">The checkpoint is unreadable or belongs to other options or data.</exception>
    /// <exception cref="InvalidOperationException">The loss became NaN or infinite (learning rate too high).</exception>
    public TrainingResult Train(SegmentSet data, IProgress<EpochMetrics>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        var o = Options;
        // 1. Architecture from the data's shape, checked together with the data.
        var spec = CreateSpec(o, data);
        int frames = spec.Frames;
        // 2. Song-level split and normalisation statistics of the training side.
        var (train, val) = SongSplit.Split(data, o.ValidationFraction, new Rng(SubSeed(o.Seed, SplitStream)));
        if (train.Length == 0) TrainerOptions.Throw(["the training split is empty (too few songs for the validation fraction)"]);
        if ((o.Augmentation.NeedsBandFrequencies || o.BandLimitHz > 0) && data.BandFrequencies?.Length != data.Mels)
            TrainerOptions.Throw(["low-pass/tilt augmentation and a band limit need the mel bands' frequencies (SegmentSet.BandFrequencies); the feature store sets them"]);
        int keptBands = KeptBands(o, data);
        var mfcc = MfccInput.For(o.Mfcc, data.Mels);
        // Fine-tuning keeps the model's standardisation: its weights expect inputs scaled that way.
        var initial = InitialModel(o, spec);
        if (initial is not null) o = o with { InitialModelChecksum = InitialChecksum(initial) };
        var norm = initial?.Normalization ?? ComputeNormalization(o.Normalization, o.Level, keptBands, mfcc, data, train);
        // 3. Network, optimizer, generators — after refusing a CPU run that would not fit in memory, before allocating it.
        using var backend = CreateBackend?.Invoke() ?? BackendFactory.Create(o.Device, new BackendOptions { ThreadCount = o.EffectiveThreadCount });
        if (backend is CpuBackend cpu)
            Memory = TrainingMemory.Check(o, spec, data.ResidentValues, train.Length, val.Length, cpu,
                MemoryLimitBytes ?? GC.GetGCMemoryInfo().TotalAvailableMemoryBytes);
        var net = GenreNetwork.Build(spec, backend, SubSeed(o.Seed, DropoutStream));
        net.Initialize(new Rng(SubSeed(o.Seed, InitStream)));
        IReadOnlyList<string>? carried = initial is null ? null : LoadInitial(net, initial, o.Labels);
        var optimizer = CreateOptimizer(o, backend, net.Net.Parameters);
        var schedule = CreateSchedule(o);
        var run = new RunState(o, data, spec, net, optimizer, norm, keptBands, train, val)
        {
            Shuffle = new Rng(SubSeed(o.Seed, ShuffleStream)),
            Augment = new Rng(SubSeed(o.Seed, AugmentStream)),
            Device = backend.Name,
        };
        // 4. Resume when a checkpoint exists.
        if (o.CheckpointPath is { } cp && File.Exists(cp)) run.Restore(CheckpointFile.Read(cp), cp);

        var assembler = new BatchAssembler(data, frames, norm, o.Level, keptBands, mfcc);
        var batch = assembler.CreateBatch(Math.Min(o.BatchSize, Math.Max(train.Length, 1)), spec.Classes);
        var ce = new SoftmaxCrossEntropy(backend);
        var softCe = new SoftTargetCrossEntropy(backend);
        Tensor? input = null; // one storage for every batch shape (Tensor.Fit)
        int stepsPerEpoch = (train.Length + o.BatchSize - 1) / o.BatchSize;
        bool stoppedEarly = false;
        try
        {
            while (run.Epoch < o.Epochs)
            {
                if (o.Patience > 0 && run.BadEpochs >= o.Patience) { stoppedEarly = true; break; }
                var clock = Stopwatch.StartNew();
                // 5. This epoch's order (kept when resuming mid-epoch) and learning rate.
                if (run.Order.Length == 0)
                {
                    run.Order = (int[])train.Clone();
                    run.Shuffle.Shuffle(run.Order.AsSpan());
                    run.StepInEpoch = 0; run.SumLoss = 0; run.SumCorrect = 0; run.Seen = 0;
                }
                optimizer.LearningRate = schedule.At(run.Epoch);
                // 6. Steps: assemble (augment) → forward → loss → backward → clip → update.
                while (run.StepInEpoch < stepsPerEpoch)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    int start = run.StepInEpoch * o.BatchSize, size = Math.Min(o.BatchSize, train.Length - start);
                    assembler.Fill(run.Order.AsSpan(start, size), batch, o.Augmentation, run.Augment);
                    var x = Input(backend, ref input, batch, spec);
                    var logits = net.Net.Forward(x, training: true);
                    float loss;
                    Tensor dlogits;
                    ReadOnlySpan<float> probs;
                    if (batch.HasSoftTargets)
                    {
                        loss = softCe.Forward(logits, batch.SoftTargetBuffer.AsSpan(0, size * spec.Classes));
                        dlogits = softCe.Backward();
                        probs = softCe.Probabilities;
                    }
                    else
                    {
                        loss = ce.Forward(logits, batch.LabelSpan);
                        dlogits = ce.Backward();
                        probs = ce.Probabilities.ToArray();
                    }
                    if (!float.IsFinite(loss)) throw Diverged($"loss is {loss.ToString(System.Globalization.CultureInfo.InvariantCulture)}", run, run.StepInEpoch + 1, optimizer.LearningRate);
                    net.Net.Backward(dlogits, needInputGradient: false);
                    if (o.GradientClipNorm > 0) GradientClipping.ClipGlobalNorm(net.Net.Parameters, o.GradientClipNorm);
                    optimizer.Step();
                    run.SumLoss += (double)loss * size;
                    run.SumCorrect += CountCorrect(probs, batch.LabelSpan, spec.Classes);
                    run.Seen += size;
                    run.StepInEpoch++;
                    run.GlobalStep++;
                    StepCompleted?.Invoke(run.GlobalStep, loss);
                    if (o.CheckpointPath is { } path && (o.CheckpointEverySteps > 0 && run.GlobalStep % o.CheckpointEverySteps == 0 || cancellationToken.IsCancellationRequested))
                    {
                        RequireFinite(net, run, optimizer.LearningRate);
                        CheckpointFile.Write(path, run.Capture());
                    }
                }
                // A loss can stay finite while weights or BatchNorm statistics overflow (a saturated softmax): the epoch's
                // model must be usable before it is validated, kept as the best or checkpointed.
                RequireFinite(net, run, optimizer.LearningRate);
                // 7. Validation (eval mode), best-epoch bookkeeping, metrics, checkpoint.
                var (valLoss, valAcc) = val.Length > 0 ? Evaluate(net, assembler, ce, ref input, val, o.BatchSize, spec) : (double.NaN, double.NaN);
                double trainLoss = run.SumLoss / run.Seen, trainAcc = (double)run.SumCorrect / run.Seen;
                bool best = run.UpdateBest(val.Length > 0 ? valLoss : trainLoss, val.Length > 0 ? valAcc : trainAcc);
                var metrics = new EpochMetrics(run.Epoch + 1, o.Epochs, trainLoss, trainAcc, valLoss, valAcc, optimizer.LearningRate, best, clock.Elapsed);
                run.History.Add(metrics);
                run.Epoch++;
                run.Order = [];
                run.StepInEpoch = 0;
                if (o.CheckpointPath is { } cpPath) CheckpointFile.Write(cpPath, run.Capture());
                progress?.Report(metrics);
            }
        }
        finally
        {
            Tensor.Release(ref input);
        }
        var result = run.Result(stoppedEarly);
        result.GenresFromInitialModel = carried;
        return result;
    }

    /// <summary>The divergence error: what went non-finite, in which epoch and step (1-based), and what to change.</summary>
    private static InvalidOperationException Diverged(string what, RunState run, int step, float learningRate) =>
        new(string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"Training diverged: {what} at epoch {run.Epoch + 1}, step {step}; lower the learning rate (now {learningRate}) or enable gradient clipping."));

    /// <summary>Throws <see cref="Diverged"/> when, after the step just done, a weight or a BatchNorm statistic is NaN or infinite.</summary>
    private static void RequireFinite(GenreNetwork net, RunState run, float learningRate)
    {
        foreach (var (name, value, kind) in net.Net.Parameters.Select(p => (p.Name, p.Value, "weight")).Concat(net.Net.Buffers.Select(b => (b.Name, b.Value, "statistic"))))
        {
            float[] values = value.ToArray();
            if (MusicGenre.Simd.SampleScan.IndexOfOutside(values, float.MaxValue) is var i and >= 0)
                throw Diverged(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{kind} '{name}' is {values[i]}"), run, run.StepInEpoch, learningRate);
        }
    }

    private static ArchitectureSpec CreateSpec(TrainerOptions o, SegmentSet data)
    {
        var problems = new List<string>();
        if (data.Count == 0) problems.Add("the segment set is empty");
        int bad = Array.FindIndex(data.Labels, l => l >= o.Labels.Count);
        if (bad >= 0) problems.Add($"segment {bad} has label {data.Labels[bad]}, but only {o.Labels.Count} genres are configured ({string.Join(", ", o.Labels)})");
        var hp = new Dictionary<string, double>(o.HyperParameters)
        {
            ["channels"] = data.Channels, ["mels"] = o.Mfcc > 0 ? o.Mfcc : data.Mels, ["classes"] = o.Labels.Count,
        };
        if (o.Mfcc > data.Mels) problems.Add($"Mfcc: {o.Mfcc} coefficients need at least as many mel bands; the segments have {data.Mels}");
        int frames = o.InputFrames > 0 ? o.InputFrames
            : o.Architecture == ArchitectureCatalog.Default ? data.Frames
            : (int)(o.HyperParameters.TryGetValue("frames", out double f) ? f : ArchitectureCatalog.Defaults(o.Architecture)["frames"]);
        hp["frames"] = frames;
        if (frames > data.Frames) problems.Add($"the network needs {frames} frames per segment, the segments have {data.Frames}");
        ArchitectureSpec? spec = null;
        try { spec = ArchitectureCatalog.Create(o.Architecture, hp); }
        catch (ArgumentException e) { problems.Add(e.Message); }
        if (spec is not null && o.Augmentation.MinCropFrames > 0)
        {
            if (!spec.AcceptsAnyLength) problems.Add($"Augmentation.MinCropFrames needs an architecture that accepts any length; '{o.Architecture}' needs exactly {spec.Frames} frames");
            else if (o.Augmentation.MinCropFrames < spec.MinFrames) problems.Add($"Augmentation.MinCropFrames {o.Augmentation.MinCropFrames} is below the {spec.MinFrames} frames '{o.Architecture}' needs");
        }
        TrainerOptions.Throw(problems);
        return spec!;
    }

    /// <summary>Input statistics of the training segments after level normalisation and the MFCC step (whole segments, as evaluation sees them).</summary>
    private static InputNormalization ComputeNormalization(NormalizationMode mode, LevelNormalization level, int keptBands, MfccInput? mfcc, SegmentSet data, int[] train)
    {
        int rows = data.Channels * (mfcc?.Coefficients ?? data.Mels);
        var sum = new double[rows];
        var sq = new double[rows];
        var levelled = new float[data.SegmentLength];
        var cepstra = mfcc is null ? [] : new float[rows * data.Frames];
        var read = data.ReadBuffer();
        foreach (int i in train)
        {
            ReadOnlySpan<float> seg = data.Segment(i, read);
            if (level != LevelNormalization.None || keptBands > 0)
            {
                seg.CopyTo(levelled);
                LevelNormalizer.Apply(level, keptBands, levelled, data.Channels, data.Mels, data.Frames);
                seg = levelled;
            }
            if (mfcc is not null)
            {
                mfcc.Apply(seg, data.Channels, data.Frames, cepstra);
                seg = cepstra;
            }
            for (int r = 0; r < rows; r++)
            {
                double s = 0, q = 0;
                foreach (float v in seg.Slice(r * data.Frames, data.Frames)) { s += v; q += (double)v * v; }
                sum[r] += s; sq[r] += q;
            }
        }
        return InputNormalization.FromSums(mode, sum, sq, (long)train.Length * data.Frames);
    }

    private static Optimizer CreateOptimizer(TrainerOptions o, IBackend backend, IReadOnlyList<Parameter> parameters) => o.Optimizer switch
    {
        OptimizerKind.Sgd => new Sgd(backend, parameters, o.LearningRate, o.Momentum, o.WeightDecay),
        OptimizerKind.Adam => new Adam(backend, parameters, o.LearningRate, weightDecay: o.WeightDecay),
        _ => Adam.AdamW(backend, parameters, o.LearningRate, weightDecay: o.WeightDecay),
    };

    private static ILearningRateSchedule CreateSchedule(TrainerOptions o) => o.Schedule switch
    {
        ScheduleKind.Cosine => new CosineSchedule(o.LearningRate, o.Epochs, 0f, o.WarmupEpochs),
        ScheduleKind.Step => new StepSchedule(o.LearningRate, o.StepEpochs, o.StepGamma),
        _ => new StepSchedule(o.LearningRate, int.MaxValue, 1f),
    };

    /// <summary>The input tensor for a batch (one cached tensor per batch size and frame count), filled from the host buffer.</summary>
    private static Tensor Input(IBackend backend, ref Tensor? cached, Batch batch, ArchitectureSpec spec)
    {
        var x = Tensor.Fit(backend, ref cached, new Shape(batch.Size, spec.InputChannels, spec.Mels, batch.Frames));
        x.CopyFrom(batch.InputSpan);
        return x;
    }

    private static (double Loss, double Accuracy) Evaluate(GenreNetwork net, BatchAssembler assembler, SoftmaxCrossEntropy ce,
        ref Tensor? input, int[] indices, int batchSize, ArchitectureSpec spec)
    {
        var batch = assembler.CreateBatch(Math.Min(batchSize, indices.Length), spec.Classes);
        double sumLoss = 0;
        long correct = 0;
        for (int start = 0; start < indices.Length; start += batchSize)
        {
            int size = Math.Min(batchSize, indices.Length - start);
            assembler.Fill(indices.AsSpan(start, size), batch, null, null);
            var logits = net.Net.Forward(Input(net.Backend, ref input, batch, spec), training: false);
            sumLoss += (double)ce.Forward(logits, batch.LabelSpan) * size;
            correct += CountCorrect(ce.Probabilities.ToArray(), batch.LabelSpan, spec.Classes);
        }
        return (sumLoss / indices.Length, (double)correct / indices.Length);
    }

    private static int CountCorrect(ReadOnlySpan<float> probs, ReadOnlySpan<int> labels, int classes)
    {
        int correct = 0;
        for (int n = 0; n < labels.Length; n++)
        {
            var row = probs.Slice(n * classes, classes);
            int arg = 0;
            for (int k = 1; k < classes; k++) if (row[k] > row[arg]) arg = k;
            if (arg == labels[n]) correct++;
        }
        return correct;
    }

    /// <summary>Mel bands at or below <see cref="TrainerOptions.BandLimitHz"/> (0 = all bands: no limit, or no frequencies known).</summary>
    private static int KeptBands(TrainerOptions o, SegmentSet data)
    {
        if (o.BandLimitHz <= 0 || data.BandFrequencies is not { } hz) return 0;
        int kept = hz.Count(f => f <= o.BandLimitHz);
        return kept >= data.Mels ? 0 : Math.Max(kept, 1);
    }

    /// <summary>A per-purpose seed: SplitMix64 of the run seed mixed with a stream number.</summary>
    internal static ulong SubSeed(ulong seed, ulong stream)
    {
        ulong z = seed + stream * 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
