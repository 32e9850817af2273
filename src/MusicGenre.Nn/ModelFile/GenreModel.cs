using MusicGenre.Nn.Architectures;

namespace MusicGenre.Nn.ModelFile;

/// <summary>
/// Everything a trained genre classifier is, as host data: the architecture preset and hyper-parameters, the feature
/// preset its inputs come from, the genre labels (output order), the weights and BatchNorm running statistics (PyTorch
/// state-dict names), the input normalisation, and how it was trained. Saved and loaded with
/// <see cref="ModelFileWriter"/> / <see cref="ModelFileReader"/>; turned into a runnable network by the trainer's
/// network builder.
/// </summary>
internal sealed record GenreModel
{
    /// <summary>Architecture preset name (<c>default</c>, <c>lachmish2016</c>).</summary>
    public required string Architecture { get; init; }

    /// <summary>All hyper-parameters of the preset (defaults included).</summary>
    public required IReadOnlyDictionary<string, double> HyperParameters { get; init; }

    /// <summary>Name of the feature preset that produced the inputs (e.g. <c>librosa_default</c>).</summary>
    public required string FeaturePreset { get; init; }

    /// <summary>Genre labels in output order.</summary>
    public required IReadOnlyList<string> Labels { get; init; }

    /// <summary>Length in seconds of the audio segments the model was trained on (a song is cut into these to classify it).</summary>
    public double SegmentSeconds { get; init; } = 3.0;

    /// <summary>Trainable parameters in network order.</summary>
    public required IReadOnlyList<ModelTensor> Parameters { get; init; }

    /// <summary>BatchNorm running statistics in network order (empty for networks without BatchNorm).</summary>
    public required IReadOnlyList<ModelTensor> Buffers { get; init; }

    /// <summary>Level normalisation of each input window, applied before <see cref="Normalization"/>.</summary>
    public LevelNormalization Level { get; init; }

    /// <summary>Mel bands the model hears, counted from the lowest (0 = all); the rest are set to the floor (see <see cref="LevelNormalizer"/>).</summary>
    public int KeptBands { get; init; }

    /// <summary>The band limit in Hz that <see cref="KeptBands"/> came from (0 = none); for reports.</summary>
    public double BandLimitHz { get; init; }

    /// <summary>
    /// MFCC coefficients the network takes (<see cref="MfccInput"/>: the first rows of the DCT-II of each levelled
    /// log-mel window, then standardised), or 0 when it takes the log-mel itself.
    /// </summary>
    public int Mfcc { get; init; }

    /// <summary>Mel bands of the log-mel windows the model is given (its feature preset's n_mels); needed with <see cref="Mfcc"/>, else 0 (= the architecture's mels).</summary>
    public int MelBands { get; init; }

    /// <summary>Rows of each input window as given (before the MFCC step): <see cref="MelBands"/> for an MFCC model, else the architecture's mels.</summary>
    internal int InputBands(ArchitectureSpec spec) => Mfcc > 0 ? MelBands : spec.Mels;

    /// <summary>Input standardisation computed on the training split.</summary>
    public required InputNormalization Normalization { get; init; }

    /// <summary>How the model was trained.</summary>
    public TrainingMetadata Training { get; init; } = new();

    /// <summary>The architecture description (validates the preset name and hyper-parameters).</summary>
    internal ArchitectureSpec CreateSpec() => ArchitectureCatalog.Create(Architecture, HyperParameters);

    /// <summary>
    /// Every inconsistency between this model and its architecture: missing, unexpected or mis-shaped tensors, wrong
    /// label count, bad normalisation statistics, non-finite values. Empty when the model is usable.
    /// </summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        ArchitectureSpec spec;
        try { spec = CreateSpec(); }
        catch (ArgumentException e) { return [e.Message]; }
        Compare("parameter", spec.ParameterSpecs(), Parameters, problems);
        Compare("buffer", spec.BufferSpecs(), Buffers, problems);
        if (Labels.Count != spec.Classes)
            problems.Add($"{Labels.Count} genre labels for a network with {spec.Classes} outputs");
        if (Labels.Distinct(StringComparer.Ordinal).Count() != Labels.Count || Labels.Any(string.IsNullOrWhiteSpace))
            problems.Add($"genre labels must be distinct and non-empty: [{string.Join(", ", Labels)}]");
        int stats = InputNormalization.StatCount(Normalization.Mode, spec.InputChannels, spec.Mels);
        if (Normalization.Mean.Length != stats || Normalization.Std.Length != stats)
            problems.Add($"normalisation '{Normalization.Mode}' needs {stats} means and stds, has {Normalization.Mean.Length} and {Normalization.Std.Length}");
        else if (Normalization.Mean.Any(v => !float.IsFinite(v)) || Normalization.Std.Any(v => !(v >= InputNormalization.MinStd) || !float.IsFinite(v)))
            problems.Add($"normalisation statistics must be finite with std ≥ {InputNormalization.MinStd:g} (training's floor: a smaller std divides the input into overflow)");
        if (!Enum.IsDefined(Level)) problems.Add($"level normalisation {(int)Level} is unknown");
        if (Mfcc < 0) problems.Add($"MFCC count {Mfcc} must be ≥ 0");
        else if (Mfcc > 0 && Mfcc != spec.Mels) problems.Add($"an MFCC model's architecture takes {spec.Mels} rows, not its {Mfcc} coefficients");
        else if (Mfcc > 0 && (MelBands < Mfcc || MelBands > 1024)) problems.Add($"mel bands {MelBands} must be in [{Mfcc}, 1024] for {Mfcc} MFCCs");
        else if (Mfcc == 0 && MelBands != 0 && MelBands != spec.Mels) problems.Add($"mel bands {MelBands} differ from the architecture's {spec.Mels} mels");
        int bands = Mfcc > 0 ? MelBands : spec.Mels;
        if (KeptBands < 0 || KeptBands > bands) problems.Add($"kept bands {KeptBands} must be in [0, {bands}]");
        if (!(BandLimitHz >= 0) || !double.IsFinite(BandLimitHz)) problems.Add($"band limit {BandLimitHz} Hz must be ≥ 0");
        if (string.IsNullOrWhiteSpace(FeaturePreset)) problems.Add("feature preset name is empty");
        if (!(SegmentSeconds > 0 && SegmentSeconds <= 3600)) problems.Add($"segment length {SegmentSeconds} s must be in (0, 3600] (as training takes it)");
        return problems;
    }

    private static void Compare(string kind, IReadOnlyList<TensorSpec> expected, IReadOnlyList<ModelTensor> actual, List<string> problems)
    {
        var byName = new Dictionary<string, ModelTensor>(StringComparer.Ordinal);
        foreach (var t in actual)
            if (!byName.TryAdd(t.Name, t)) problems.Add($"{kind} '{t.Name}' appears twice");
        foreach (var e in expected)
        {
            if (!byName.Remove(e.Name, out var t)) { problems.Add($"missing {kind} {e}"); continue; }
            if (!t.Shape.AsSpan().SequenceEqual(e.Shape)) problems.Add($"{kind} '{e.Name}' has shape [{string.Join(", ", t.Shape)}], the architecture needs [{string.Join(", ", e.Shape)}]");
            else if (t.Data.Length != e.Length) problems.Add($"{kind} '{e.Name}' has {t.Data.Length} values for shape [{string.Join(", ", e.Shape)}]");
            else if (t.Data.Any(v => !float.IsFinite(v))) problems.Add($"{kind} '{e.Name}' contains NaN or infinity");
            // A variance below 0 has no square root: BatchNorm would turn every input into NaN.
            else if (e.Name.EndsWith(".running_var", StringComparison.Ordinal) && t.Data.Any(v => v < 0))
                problems.Add($"{kind} '{e.Name}' holds a negative variance ({t.Data.Min():g})");
        }
        foreach (var name in byName.Keys) problems.Add($"unexpected {kind} '{name}' (not in the architecture)");
    }
}
