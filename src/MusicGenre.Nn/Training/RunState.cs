using MusicGenre.Nn.Architectures;
using MusicGenre.Nn.Initialization;
using MusicGenre.Nn.ModelFile;
using MusicGenre.Nn.Optimizers;

namespace MusicGenre.Nn.Training;

/// <summary>
/// The mutable state of one training run (position, generators, partial sums, best weights, history) and its
/// conversion to and from a <see cref="TrainingState"/> checkpoint.
/// </summary>
internal sealed class RunState(TrainerOptions options, SegmentSet data, ArchitectureSpec spec, GenreNetwork net,
    Optimizer optimizer, InputNormalization normalization, int keptBands, int[] train, int[] validation)
{
    public required Rng Shuffle { get; init; }
    public required Rng Augment { get; init; }

    /// <summary>
    /// The devices that have run this training, as the model records them (<see cref="TrainingMetadata.Device"/>): this
    /// run's backend, or, after a resume, the checkpoint's devices with this one added when it rounds differently.
    /// </summary>
    public required string Device { get; set; }
    public int Epoch { get; set; }
    public int StepInEpoch { get; set; }
    public long GlobalStep { get; set; }
    public int[] Order { get; set; } = [];
    public double SumLoss { get; set; }
    public long SumCorrect { get; set; }
    public long Seen { get; set; }
    public double BestLoss { get; private set; } = double.PositiveInfinity;
    public double BestAccuracy { get; private set; } = double.NegativeInfinity;
    public int BestEpoch { get; private set; }
    public int BadEpochs { get; private set; }
    public List<EpochMetrics> History { get; } = [];
    private List<ModelTensor> _bestParameters = [], _bestBuffers = [];

    /// <summary>Records the epoch just finished (<see cref="Epoch"/> still 0-based) if it beats the best; returns whether it did.</summary>
    public bool UpdateBest(double loss, double accuracy)
    {
        bool better = options.Monitor == MonitorMetric.ValidationAccuracy
            ? accuracy > BestAccuracy || accuracy == BestAccuracy && loss < BestLoss
            : loss < BestLoss;
        if (better)
        {
            BestLoss = loss; BestAccuracy = accuracy; BestEpoch = Epoch + 1; BadEpochs = 0;
            _bestParameters = net.ExportParameters();
            _bestBuffers = net.ExportBuffers();
        }
        else BadEpochs++;
        return better;
    }

    /// <summary>The current model (weights as they are now).</summary>
    public GenreModel Model(IReadOnlyList<ModelTensor> parameters, IReadOnlyList<ModelTensor> buffers) => new()
    {
        Architecture = spec.Name,
        HyperParameters = spec.HyperParameters,
        FeaturePreset = options.FeaturePreset,
        Labels = options.Labels.ToArray(),
        SegmentSeconds = options.SegmentSeconds,
        Level = options.Level,
        KeptBands = keptBands,
        Mfcc = options.Mfcc,
        MelBands = options.Mfcc > 0 ? data.Mels : 0,
        BandLimitHz = options.BandLimitHz,
        Parameters = parameters,
        Buffers = buffers,
        Normalization = normalization,
        Training = Metadata(),
    };

    /// <summary>A checkpoint of the run as it is now.</summary>
    public TrainingState Capture() => new()
    {
        Current = Model(net.ExportParameters(), net.ExportBuffers()),
        OptimizerName = optimizer.GetType().Name,
        OptimizerSteps = optimizer.StepCount,
        OptimizerState = optimizer.State.Select(s => new ModelTensor(s.Name, s.Value.Shape.ToArray(), s.Value.ToArray())).ToList(),
        ShuffleRng = Shuffle.GetState(),
        AugmentRng = Augment.GetState(),
        DropoutCalls = net.Dropouts.Select(d => d.CallCount).ToArray(),
        BatchNormBatches = net.BatchNorms.Select(b => b.NumBatchesTracked).ToArray(),
        Epoch = Epoch, StepInEpoch = StepInEpoch, GlobalStep = GlobalStep, Order = Order,
        SumLoss = SumLoss, SumCorrect = SumCorrect, Seen = Seen,
        BestLoss = BestLoss, BestAccuracy = BestAccuracy, BestEpoch = BestEpoch, BadEpochs = BadEpochs,
        BestParameters = _bestParameters, BestBuffers = _bestBuffers,
        History = History,
        OptionsFingerprint = options.Fingerprint(),
        DataFingerprint = data.Fingerprint(),
    };

    /// <summary>Continues from checkpoint <paramref name="s"/>, after checking it belongs to these options and data.</summary>
    public void Restore(TrainingState s, string path)
    {
        // 1. Same run? Options, data and architecture must match exactly, or the resumed numbers would be meaningless.
        if (s.OptionsFingerprint != options.Fingerprint())
            throw new ModelFileException(path, $"checkpoint was written with other training options ({MusicGenre.IO.SettingsDiff.Describe(MusicGenre.IO.SettingsDiff.Pairs(s.OptionsFingerprint), MusicGenre.IO.SettingsDiff.Pairs(options.Fingerprint()))}: checkpoint vs now); delete it or use the same options.");
        if (s.DataFingerprint != data.Fingerprint())
            throw new ModelFileException(path, "checkpoint was written for other training data (segments, labels or song ids differ); delete it or use the same data.");
        if (s.OptimizerName != optimizer.GetType().Name || s.DropoutCalls.Length != net.Dropouts.Count || s.BatchNormBatches.Length != net.BatchNorms.Count)
            throw new ModelFileException(path, "checkpoint does not match the network or optimizer being trained.");
        if (s.Order.Length != 0 && s.Order.Length != train.Length || s.Epoch < 0 || s.StepInEpoch < 0)
            throw new ModelFileException(path, "checkpoint position is inconsistent with the training split.");
        // 2. Weights, running statistics, optimizer moments and step.
        try
        {
            net.Load(s.Current);
            GenreNetwork.Restore(optimizer.State.Select(t => (t.Name, t.Value)), s.OptimizerState, "optimizer state");
        }
        catch (InvalidDataException e) { throw new ModelFileException(path, e.Message, e); }
        optimizer.StepCount = s.OptimizerSteps;
        // 3. Generators and counters.
        Shuffle.SetState(s.ShuffleRng);
        Augment.SetState(s.AugmentRng);
        for (int i = 0; i < net.Dropouts.Count; i++) net.Dropouts[i].CallCount = s.DropoutCalls[i];
        for (int i = 0; i < net.BatchNorms.Count; i++) net.BatchNorms[i].NumBatchesTracked = s.BatchNormBatches[i];
        // 4. The devices so far: resuming on a device that rounds differently is allowed (as PyTorch allows it), but the
        //    model is then not the one an uninterrupted run makes, so the model file names both.
        if (s.Current.Training.Device is { Length: > 0 } before) // empty in checkpoints of builds up to 81d062b
            Device = RoundsAlike(before[(before.LastIndexOf(TrainingMetadata.DeviceSeparator, StringComparison.Ordinal) is var i and >= 0 ? i + TrainingMetadata.DeviceSeparator.Length : 0)..], Device)
                ? before : before + TrainingMetadata.DeviceSeparator + Device;
        // 5. Position, sums, best-so-far and history.
        Epoch = s.Epoch; StepInEpoch = s.StepInEpoch; GlobalStep = s.GlobalStep; Order = s.Order;
        SumLoss = s.SumLoss; SumCorrect = s.SumCorrect; Seen = s.Seen;
        BestLoss = s.BestLoss; BestAccuracy = s.BestAccuracy; BestEpoch = s.BestEpoch; BadEpochs = s.BadEpochs;
        _bestParameters = s.BestParameters.ToList(); _bestBuffers = s.BestBuffers.ToList();
        History.Clear();
        History.AddRange(s.History.Select(h => h with { Epochs = options.Epochs }));
    }

    /// <summary>
    /// Whether two backends (by <c>IBackend.Name</c>) give the same bits: CPU backends of the same vector width do,
    /// whatever their thread counts (every reduction is summed in a fixed order); CPU backends of different widths do
    /// not (two epochs of gtzan-mini at 512, 256 and 128 bits differ in the fourth decimal of the loss); a GPU only itself.
    /// </summary>
    internal static bool RoundsAlike(string device, string other) => NumericsOf(device) == NumericsOf(other);

    /// <summary><c>cpu (2 threads, Vector512)</c> → <c>cpu (Vector512)</c>; any other name as it is.</summary>
    private static string NumericsOf(string device) =>
        device.StartsWith("cpu (", StringComparison.Ordinal) && device.LastIndexOf(", ", StringComparison.Ordinal) is var comma and > 0
            ? "cpu (" + device[(comma + 2)..] : device;

    /// <summary>The run's outcome: the best weights (or the current ones if no epoch finished).</summary>
    public TrainingResult Result(bool stoppedEarly)
    {
        var parameters = _bestParameters.Count > 0 ? _bestParameters : net.ExportParameters();
        var buffers = _bestParameters.Count > 0 ? _bestBuffers : net.ExportBuffers();
        return new TrainingResult(Model(parameters, buffers), History.ToList(), BestEpoch, stoppedEarly, train.Length, validation.Length,
            streamedSegments: data.Data is null);
    }

    /// <summary>This build's informational version (with the commit when the build knew it).</summary>
    internal static string BuildVersion { get; } =
        typeof(RunState).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyInformationalVersionAttribute), false)
            .OfType<System.Reflection.AssemblyInformationalVersionAttribute>().FirstOrDefault()?.InformationalVersion ?? "";

    private TrainingMetadata Metadata()
    {
        var best = History.FirstOrDefault(h => h.Epoch == BestEpoch);
        var metrics = new SortedDictionary<string, double>(StringComparer.Ordinal);
        if (best is not null)
        {
            metrics["train_loss"] = best.TrainLoss; metrics["train_accuracy"] = best.TrainAccuracy;
            if (!double.IsNaN(best.ValidationLoss)) { metrics["val_loss"] = best.ValidationLoss; metrics["val_accuracy"] = best.ValidationAccuracy; }
        }
        return new TrainingMetadata
        {
            Date = DateTimeOffset.UtcNow,
            Epochs = History.Count,
            BestEpoch = BestEpoch,
            Data = $"{options.DataDescription} segments={data.Count} songs={data.SongIds.Distinct().Count()} train={train.Length} val={validation.Length} shape=[{data.Channels},{data.Mels},{data.Frames}]".Trim(),
            Options = options.Describe(),
            Build = BuildVersion,
            Device = Device,
            Metrics = metrics,
            // Every history column but the epoch, which is the index of a value.
            History = new SortedDictionary<string, double[]>(
                EpochColumns.All.Where(c => c.Name != "epoch").ToDictionary(c => c.Name, c => History.Select(c.Value).ToArray()),
                StringComparer.Ordinal),
        };
    }
}
