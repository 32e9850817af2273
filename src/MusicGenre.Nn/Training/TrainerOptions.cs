using System.Globalization;
using MusicGenre.Nn.Architectures;
using MusicGenre.Nn.Backends;
using MusicGenre.Nn.ModelFile;

namespace MusicGenre.Nn.Training;

/// <summary>
/// Everything that controls a training run. <see cref="Validate"/> checks all of it up front and reports every
/// problem in one <see cref="TrainerOptionsException"/>.
/// </summary>
public sealed record TrainerOptions
{
    /// <summary>The 10 GTZAN genres in the project's order.</summary>
    public static IReadOnlyList<string> GtzanGenres { get; } =
        ["blues", "classical", "country", "disco", "hiphop", "jazz", "metal", "pop", "reggae", "rock"];

    /// <summary>Architecture preset (<c>default</c> or <c>lachmish2016</c>).</summary>
    public string Architecture { get; init; } = ArchitectureCatalog.Default;

    /// <summary>Hyper-parameter overrides (e.g. <c>dense = 1024</c>, <c>width = 32</c>); channels, mels, frames and classes come from the data.</summary>
    public IReadOnlyDictionary<string, double> HyperParameters { get; init; } = new Dictionary<string, double>();

    /// <summary>Genre labels in output order (label i of the data is genre i). <c>GenreTrainer</c> and <c>musicgenre train</c> take them from the feature store and replace this value.</summary>
    public IReadOnlyList<string> Labels { get; init; } = GtzanGenres;

    /// <summary>Feature preset the segments came from (stored in the model). <c>GenreTrainer</c> takes it from the feature store and replaces this value.</summary>
    public string FeaturePreset { get; init; } = "librosa_default";

    /// <summary>Frames fed to the network (0 = all of each segment for <c>default</c>, the preset's frames for <c>lachmish2016</c>); shorter than the segments means cropping.</summary>
    public int InputFrames { get; init; }

    /// <summary>Maximum number of epochs.</summary>
    public int Epochs { get; init; } = 30;

    /// <summary>Mini-batch size.</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>Base learning rate.</summary>
    public float LearningRate { get; init; } = 1e-3f;

    /// <summary>Optimizer.</summary>
    public OptimizerKind Optimizer { get; init; } = OptimizerKind.AdamW;

    /// <summary>SGD momentum.</summary>
    public float Momentum { get; init; } = 0.9f;

    /// <summary>Weight decay (decoupled for AdamW, L2 otherwise).</summary>
    public float WeightDecay { get; init; } = 1e-2f;

    /// <summary>Learning-rate schedule.</summary>
    public ScheduleKind Schedule { get; init; } = ScheduleKind.Cosine;

    /// <summary>Linear warm-up epochs for the cosine schedule.</summary>
    public int WarmupEpochs { get; init; }

    /// <summary>Epochs between decays for the step schedule.</summary>
    public int StepEpochs { get; init; } = 10;

    /// <summary>Decay factor for the step schedule.</summary>
    public float StepGamma { get; init; } = 0.1f;

    /// <summary>Clip gradients to this global L2 norm (0 = off).</summary>
    public float GradientClipNorm { get; init; }

    /// <summary>Seed of every random choice (split, init, shuffle, dropout, augmentation).</summary>
    public ulong Seed { get; init; } = 1234;

    /// <summary>Device (CPU by default; <c>Auto</c> tries CUDA, OpenCL, then CPU).</summary>
    public DeviceKind Device { get; init; } = DeviceKind.Cpu;

    /// <summary>CPU threads, 0 = one per core (results are bitwise the same for a fixed seed whatever the thread count).</summary>
    public int ThreadCount { get; init; } = Environment.ProcessorCount;

    /// <summary><see cref="ThreadCount"/> with 0 resolved to the processor count.</summary>
    internal int EffectiveThreadCount => ThreadCount == 0 ? Environment.ProcessorCount : ThreadCount;

    /// <summary>Share of each genre's songs held out for validation (0 = none: the best epoch is then the one with the lowest training loss).</summary>
    public double ValidationFraction { get; init; } = 0.2;

    /// <summary>Stop after this many epochs without improvement of <see cref="Monitor"/> (0 = never stop early).</summary>
    public int Patience { get; init; } = 8;

    /// <summary>Metric that picks the best epoch.</summary>
    public MonitorMetric Monitor { get; init; } = MonitorMetric.ValidationLoss;

    /// <summary>Input normalisation computed on the training split.</summary>
    public NormalizationMode Normalization { get; init; } = NormalizationMode.PerMel;

    /// <summary>Level normalisation of every input window (default: its maximum is subtracted, so the model ignores loudness).</summary>
    public LevelNormalization Level { get; init; } = LevelNormalization.WindowMax;

    /// <summary>
    /// Band limit in Hz (0 = off): mel bands centred above it are set to the window's floor in training and prediction
    /// alike, so the model cannot tell a 16 kHz or MP3 recording from a full-band one. Needs <see cref="SegmentSet.BandFrequencies"/>.
    /// The default here is 0; <c>musicgenre train</c>'s (the bundled model's recipe) is 7600.
    /// </summary>
    public double BandLimitHz { get; init; }

    /// <summary>
    /// Input features: 0 (the default) feeds the network the log-mel segments as stored; N &gt; 0 feeds it their first N
    /// mel-frequency cepstral coefficients instead — the orthonormal DCT-II of each window's log-mel along the mel axis
    /// (librosa.feature.mfcc), taken after level normalisation and the band limit and before input standardisation, in
    /// training and prediction alike. Augmentations act on the log-mel; SpecAugment's frequency masks then cover
    /// coefficients. Must not exceed the store's mel bands; <c>default</c> needs N ≥ 2^blocks (16 with 4 blocks).
    /// </summary>
    public int Mfcc { get; init; }

    /// <summary>Length in seconds of the audio segments the data was cut into; stored in the model (the pipeline sets it from the feature store).</summary>
    public double SegmentSeconds { get; init; } = 3.0;

    /// <summary>
    /// Training augmentations (default: none but random crops). <c>musicgenre train</c>'s default, the bundled model's
    /// recipe, is <c>AugmentationOptions.Parse("robust+standard")</c> with <see cref="BandLimitHz"/> 7600.
    /// </summary>
    public AugmentationOptions Augmentation { get; init; } = new();

    /// <summary>
    /// Fine-tuning: start from the weights of this model file instead of random ones. The model must have the same
    /// architecture, hyper-parameters, input (MFCC count, level, band limit) and feature preset and segment length as this
    /// run; its input standardisation is kept (the weights expect it). With the same genres every weight is loaded; with
    /// other genres (transfer to a new label set) all but the output layer are, and the output layer starts fresh.
    /// <c>musicgenre train --init</c> and <c>GenreTrainer</c> take the architecture and input settings from the model.
    /// </summary>
    public string? InitialModelPath { get; init; }

    /// <summary>The initial model's content (its tensors' checksums), set by the trainer once it has read the file: part of the fingerprint, so a checkpoint of a run from another initial model is not resumed.</summary>
    internal string InitialModelChecksum { get; init; } = "";

    /// <summary>Checkpoint file: written at every epoch end (and every <see cref="CheckpointEverySteps"/> steps and on cancellation); if it exists when training starts, training resumes from it. Null = no checkpoints.</summary>
    public string? CheckpointPath { get; init; }

    /// <summary>Also checkpoint every this many optimizer steps (0 = epoch ends only).</summary>
    public int CheckpointEverySteps { get; init; }

    /// <summary>Free text describing the data, stored in the model's metadata.</summary>
    public string DataDescription { get; init; } = "";

    /// <summary>
    /// Read training segments from the feature store as each batch needs them (about 0.1 ms per segment), instead of
    /// loading the store into memory first. A run on a store whose segments would take more than half the memory the
    /// process may use streams whatever this says. Either way the run computes exactly the same numbers: this option is
    /// not part of what a checkpoint must match.
    /// </summary>
    public bool StreamSegments { get; init; }

    /// <summary>Throws <see cref="TrainerOptionsException"/> listing every invalid option.</summary>
    public void Validate() => Throw(Problems());

    /// <summary>Every invalid option (empty when valid).</summary>
    public List<string> Problems()
    {
        var p = new List<string>();
        if (!ArchitectureCatalog.Names.Contains(Architecture))
            p.Add($"Architecture '{Architecture}' is unknown (known: {string.Join(", ", ArchitectureCatalog.Names)})");
        else
        {
            var known = ArchitectureCatalog.Defaults(Architecture).Keys.ToHashSet();
            // The input shape and the genre count come from the data; a value given here would be recorded but not used.
            foreach (var key in HyperParameters.Keys.Where(k => !known.Contains(k)))
                p.Add($"HyperParameters: '{key}' is not a hyper-parameter of '{Architecture}' (known: {string.Join(", ", known.Except(DataKeys(Architecture)))})");
            foreach (var key in HyperParameters.Keys.Where(k => DataKeys(Architecture).Contains(k)))
                p.Add($"HyperParameters: '{key}' is not set by hand: it comes from the data ({(key == "mels" ? "the store's mel bands, or the MFCC count when training on MFCCs" : key == "classes" ? "the store's genres" : "the store's segment shape")})");
        }
        if (Labels.Count < 2) p.Add($"Labels: need at least 2 genres (got {Labels.Count})");
        if (Labels.Distinct(StringComparer.Ordinal).Count() != Labels.Count || Labels.Any(string.IsNullOrWhiteSpace))
            p.Add("Labels must be distinct and non-empty");
        if (string.IsNullOrWhiteSpace(FeaturePreset)) p.Add("FeaturePreset must be named");
        if (InputFrames < 0) p.Add($"InputFrames must be ≥ 0 (got {InputFrames})");
        if (Epochs is < 1 or > 100_000) p.Add($"Epochs must be in [1, 100000] (got {Epochs})");
        if (BatchSize is < 1 or > 65_536) p.Add($"BatchSize must be in [1, 65536] (got {BatchSize})");
        if (!(LearningRate > 0 && LearningRate <= 10)) p.Add(Inv($"LearningRate must be in (0, 10] (got {LearningRate})"));
        if (!(Momentum >= 0 && Momentum < 1)) p.Add(Inv($"Momentum must be in [0, 1) (got {Momentum})"));
        if (!(WeightDecay >= 0 && WeightDecay < 1)) p.Add(Inv($"WeightDecay must be in [0, 1) (got {WeightDecay})"));
        if (!Enum.IsDefined(Optimizer)) p.Add($"Optimizer {Optimizer} is unknown");
        if (!Enum.IsDefined(Schedule)) p.Add($"Schedule {Schedule} is unknown");
        if (!Enum.IsDefined(Monitor)) p.Add($"Monitor {Monitor} is unknown");
        if (!Enum.IsDefined(Normalization)) p.Add($"Normalization {Normalization} is unknown");
        if (!Enum.IsDefined(Level)) p.Add($"Level {Level} is unknown");
        if (!(BandLimitHz >= 0 && BandLimitHz <= 1e6)) p.Add(Inv($"BandLimitHz must be in [0, 1e6] (got {BandLimitHz})"));
        if (Mfcc is < 0 or > 1024) p.Add($"Mfcc must be in [0, 1024] (0 = log-mel input; got {Mfcc})");
        if (!(SegmentSeconds > 0 && SegmentSeconds <= 3600)) p.Add(Inv($"SegmentSeconds must be in (0, 3600] (got {SegmentSeconds})"));
        if (WarmupEpochs < 0 || WarmupEpochs >= Epochs && Schedule == ScheduleKind.Cosine && WarmupEpochs > 0)
            p.Add($"WarmupEpochs must be ≥ 0 and below Epochs (got {WarmupEpochs})");
        if (StepEpochs < 1) p.Add($"StepEpochs must be ≥ 1 (got {StepEpochs})");
        if (!(StepGamma > 0 && StepGamma <= 1)) p.Add(Inv($"StepGamma must be in (0, 1] (got {StepGamma})"));
        if (!(GradientClipNorm >= 0) || float.IsInfinity(GradientClipNorm)) p.Add(Inv($"GradientClipNorm must be finite and ≥ 0 (got {GradientClipNorm})"));
        if (ThreadCount is < 0 or > 4096) p.Add($"ThreadCount must be in 0..4096 (0 = one per core; got {ThreadCount})");
        if (!Enum.IsDefined(Device)) p.Add($"Device {(int)Device} is not a device kind (auto, cpu, cuda or opencl)");
        else if (Device == DeviceKind.Simulator) p.Add("Device Simulator is ILGPU's CPU simulator, for testing kernels only (a thousand times slower); use auto, cpu, cuda or opencl");
        if (!(ValidationFraction >= 0 && ValidationFraction < 1)) p.Add(Inv($"ValidationFraction must be in [0, 1) (got {ValidationFraction})"));
        if (Patience < 0) p.Add($"Patience must be ≥ 0 (got {Patience})");
        if (InitialModelPath is { } init && !File.Exists(init)) p.Add($"InitialModelPath '{init}': file not found");
        if (CheckpointEverySteps < 0) p.Add($"CheckpointEverySteps must be ≥ 0 (got {CheckpointEverySteps})");
        if (CheckpointPath is { } cp)
        {
            string? dir = Path.GetDirectoryName(Path.GetFullPath(cp));
            if (string.IsNullOrWhiteSpace(cp) || dir is null || !Directory.Exists(dir))
                p.Add($"CheckpointPath '{cp}': folder does not exist");
        }
        if (Augmentation is null) p.Add("Augmentation must not be null (use AugmentationOptions.None)");
        else p.AddRange(Augmentation.Problems());
        return p;
    }

    /// <summary>The options that decide the numbers a run produces (everything but epochs-independent bookkeeping), to refuse resuming a checkpoint under different ones.</summary>
    internal string Fingerprint() =>
        Inv($"arch={Architecture};hp={string.Join(",", HyperParameters.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => Inv($"{kv.Key}={kv.Value:R}")))};") +
        Inv($"labels={string.Join(",", Labels)};frames={InputFrames};epochs={Epochs};batch={BatchSize};lr={LearningRate:R};opt={Optimizer};") +
        Inv($"mom={Momentum:R};wd={WeightDecay:R};sched={Schedule};warm={WarmupEpochs};step={StepEpochs};gamma={StepGamma:R};clip={GradientClipNorm:R};") +
        Inv($"seed={Seed};val={ValidationFraction:R};patience={Patience};monitor={Monitor};norm={Normalization};level={Level};band={BandLimitHz:R};aug={Augmentation}") +
        (Mfcc > 0 ? Inv($";mfcc={Mfcc}") : "") + (InitialModelPath is { } init ? $";init={Path.GetFullPath(init)};init_content={InitialModelChecksum}" : "");

    /// <summary>A one-line summary for the model's metadata.</summary>
    internal string Describe() =>
        Inv($"arch={Architecture}{(HyperParameters.Count == 0 ? "" : " hp=" + string.Join(",", HyperParameters.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => Inv($"{kv.Key}={kv.Value}"))))} optimizer={Optimizer} lr={LearningRate} wd={WeightDecay} schedule={Schedule} batch={BatchSize} epochs={Epochs} ") +
        Inv($"clip={GradientClipNorm} seed={Seed} threads={ThreadCount} val={ValidationFraction} patience={Patience} monitor={Monitor} ") +
        Inv($"norm={Normalization} level={Level} band_limit={BandLimitHz}Hz aug=[{Augmentation}]") + (Mfcc > 0 ? Inv($" mfcc={Mfcc}") : "") +
        (InitialModelPath is { } init ? $" init={Path.GetFileName(init)}" : "");

    /// <summary>Hyper-parameters of <paramref name="architecture"/> that come from the data (input shape, genre count), never from the options.</summary>
    internal static IReadOnlyList<string> DataKeys(string architecture) =>
        architecture == ArchitectureCatalog.Default ? ["channels", "mels", "frames", "classes"] : ["channels", "mels", "classes"];

    internal static void Throw(List<string> problems)
    {
        if (problems.Count > 0) throw new TrainerOptionsException(problems);
    }

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
