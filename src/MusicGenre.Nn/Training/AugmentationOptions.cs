namespace MusicGenre.Nn.Training;

/// <summary>
/// Training-time augmentations for log-mel segments (validation and prediction never augment). Applied per segment in
/// this order: random crop length (per batch), random time crop (when segments are longer than the network input) and time stretch,
/// circular time shift, gain, pitch shift along the mel axis, random low-pass, spectral tilt and equaliser, level normalisation, input normalisation, SpecAugment
/// frequency and time masks (set to 0, the mean after normalisation), then mixup per batch.
/// </summary>
public sealed record AugmentationOptions
{
    /// <summary>No augmentation at all.</summary>
    public static AugmentationOptions None { get; } = new() { RandomCrop = false };

    /// <summary>
    /// The named sets of <c>musicgenre train --augment</c>, joined by <c>+</c> (case-insensitive), or <c>none</c>:
    /// <c>robust</c> (2–3 s crops per batch at librosa_default's frame rate, a random 3.5–10 kHz low-pass on half the
    /// segments, ±3 dB/octave tilt), <c>standard</c> (±30-frame time shift, ±6 dB gain, 2 frequency masks ≤ 16 mels and
    /// 2 time masks ≤ 20 frames), <c>timbre</c> (±6 dB equaliser, ±2 mel-band pitch shift), <c>tempo</c> (±20 % time
    /// stretch). The CLI's default, and the bundled model's recipe, is <c>robust+standard</c>; the default of
    /// <see cref="TrainerOptions.Augmentation"/> is none of them.
    /// </summary>
    /// <example><code>var options = new TrainerOptions { Augmentation = AugmentationOptions.Parse("robust+standard"), BandLimitHz = 7600 };</code></example>
    /// <exception cref="FormatException">A set is unknown, given twice, or <c>none</c> is joined with others.</exception>
    public static AugmentationOptions Parse(string sets)
    {
        ArgumentNullException.ThrowIfNull(sets);
        if (sets.Equals("none", StringComparison.OrdinalIgnoreCase)) return None;
        var options = new AugmentationOptions();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (string part in sets.ToLowerInvariant().Split('+'))
        {
            if (!seen.Add(part)) throw new FormatException($"'{sets}' names '{part}' twice");
            if (part == "none") throw new FormatException($"'{sets}': 'none' cannot be joined with other sets; give none alone");
            options = part switch
            {
                "standard" => options with { TimeShiftFrames = 30, GainDb = 6, FrequencyMasks = 2, FrequencyMaskWidth = 16, TimeMasks = 2, TimeMaskWidth = 20 },
                // Crops of 2–3 s (86–130 frames at librosa_default), low-pass on half the segments, ±3 dB/octave tilt.
                "robust" => options with { MinCropFrames = 86, LowPassProbability = 0.5f, TiltDbPerOctave = 3 },
                // A random ±6 dB equaliser curve and a pitch shift of up to ±2 mel bands (about a semitone).
                "timbre" => options with { EqDb = 6, PitchShiftBands = 2 },
                // Tempo up to 20 % faster or slower (the log-mel's time axis resampled).
                "tempo" => options with { TimeStretch = 0.2f },
                _ => throw new FormatException($"'{sets}': '{part}' is not one of robust, standard, timbre, tempo (joined by +), or none"),
            };
        }
        return options;
    }

    /// <summary>Crop a random window when segments have more frames than the network input (else the centre window).</summary>
    public bool RandomCrop { get; init; } = true;

    /// <summary>
    /// Largest tempo change as a fraction (0 = off): each segment draws a rate r log-uniform in [1/(1 + this), 1 + this]
    /// and its window is read from round(frames·r) source frames (at most the segment's), linearly interpolated to the
    /// window's frames, so the same music is heard up to this much faster or slower (rhythm patterns at other tempi;
    /// pitch and timbre stay). Only the time axis of the log-mel is resampled.
    /// </summary>
    public float TimeStretch { get; init; }

    /// <summary>Largest circular time shift in frames (uniform in ±this; 0 = off).</summary>
    public int TimeShiftFrames { get; init; }

    /// <summary>Largest gain change in dB, added to the log-mel values (uniform in ±this; 0 = off).</summary>
    public float GainDb { get; init; }

    /// <summary>
    /// Shortest crop in frames (0 = off): each batch draws a frame count uniformly in [this, the segment's frames] and
    /// every segment of the batch is cropped to it at a random start, so a network that pools over time learns clips of
    /// every length it will be asked about.
    /// </summary>
    public int MinCropFrames { get; init; }

    /// <summary>
    /// Probability that a segment is low-passed (0 = off): a cut-off frequency is drawn log-uniformly in
    /// [<see cref="LowPassMinHz"/>, <see cref="LowPassMaxHz"/>] and every mel band above it loses
    /// <see cref="LowPassDbPerOctave"/> dB per octave, floored at the segment's top_db floor (its maximum − 80 dB). This is
    /// what a 16 kHz recording, a low-bit-rate MP3 or an old tape looks like after log-mel. Needs the bands' frequencies
    /// (<see cref="SegmentSet.BandFrequencies"/>).
    /// </summary>
    public float LowPassProbability { get; init; }

    /// <summary>Lowest low-pass cut-off in Hz.</summary>
    public float LowPassMinHz { get; init; } = 3500;

    /// <summary>Highest low-pass cut-off in Hz.</summary>
    public float LowPassMaxHz { get; init; } = 10000;

    /// <summary>Attenuation slope above the cut-off, dB per octave.</summary>
    public float LowPassDbPerOctave { get; init; } = 120;

    /// <summary>
    /// Largest spectral tilt in dB per octave (0 = off): each segment gets a tilt uniform in ±this, pivoting at 1 kHz, added
    /// to every band (an equaliser or microphone that favours bass or treble). Needs <see cref="SegmentSet.BandFrequencies"/>.
    /// </summary>
    public float TiltDbPerOctave { get; init; }

    /// <summary>
    /// Largest gain of a random equaliser in dB (0 = off): each segment draws a gain uniform in ±this at
    /// <see cref="EqPoints"/> frequencies spread evenly on a log-frequency axis from 60 Hz to 11 kHz, and every mel band
    /// gets the gain interpolated linearly in log-frequency between them (flat beyond the ends): the colouring a
    /// different microphone, room, mix or master gives the same music. Floored like the low-pass. Needs
    /// <see cref="SegmentSet.BandFrequencies"/>.
    /// </summary>
    public float EqDb { get; init; }

    /// <summary>Control points of the random equaliser (2–32).</summary>
    public int EqPoints { get; init; } = 6;

    /// <summary>
    /// Largest shift along the mel axis in bands (0 = off): each segment moves up or down by a whole number of bands
    /// uniform in ±this, the band that moves in from the edge repeating the edge band. On librosa's (Slaney) mel scale a
    /// band above 1 kHz is a constant musical interval (about half a semitone at librosa_default: 128 bands up to
    /// 11 kHz) and below 1 kHz a constant 26 Hz, so this is a cheap approximate pitch shift that keeps rhythm and texture:
    /// songs in other keys, voices and instruments in other registers.
    /// </summary>
    public int PitchShiftBands { get; init; }

    /// <summary>Number of SpecAugment frequency masks per segment.</summary>
    public int FrequencyMasks { get; init; }

    /// <summary>Largest frequency-mask width in mel bands (width uniform in 0..this).</summary>
    public int FrequencyMaskWidth { get; init; } = 16;

    /// <summary>Number of SpecAugment time masks per segment.</summary>
    public int TimeMasks { get; init; }

    /// <summary>Largest time-mask width in frames (width uniform in 0..this).</summary>
    public int TimeMaskWidth { get; init; } = 20;

    /// <summary>Mixup Beta(α, α) parameter (0 = off): each batch is blended with a shuffled copy of itself, targets likewise.</summary>
    public float MixupAlpha { get; init; }

    /// <summary>Whether a training batch of <paramref name="size"/> is blended (mixup on, and another segment to blend with).</summary>
    internal bool Blends(int size) => MixupAlpha > 0 && size > 1;

    /// <summary>True when any random transformation is switched on.</summary>
    public bool Any => RandomCrop || MinCropFrames > 0 || TimeStretch > 0 || TimeShiftFrames > 0 || GainDb > 0 || LowPassProbability > 0 || TiltDbPerOctave > 0
        || EqDb > 0 || PitchShiftBands > 0 || FrequencyMasks > 0 || TimeMasks > 0 || MixupAlpha > 0;

    /// <summary>True when an augmentation needs the mel bands' centre frequencies.</summary>
    internal bool NeedsBandFrequencies => LowPassProbability > 0 || TiltDbPerOctave > 0 || EqDb > 0;

    /// <summary>Every invalid setting, for <see cref="TrainerOptions.Validate"/>.</summary>
    internal IEnumerable<string> Problems()
    {
        if (MinCropFrames < 0) yield return $"Augmentation.MinCropFrames must be ≥ 0 (got {MinCropFrames})";
        if (!(LowPassProbability >= 0 && LowPassProbability <= 1)) yield return $"Augmentation.LowPassProbability must be in [0, 1] (got {LowPassProbability})";
        if (!(LowPassMinHz > 0 && LowPassMinHz <= LowPassMaxHz && float.IsFinite(LowPassMaxHz)))
            yield return $"Augmentation.LowPassMinHz/MaxHz must satisfy 0 < min ≤ max (got {LowPassMinHz}, {LowPassMaxHz})";
        if (!(LowPassDbPerOctave > 0 && LowPassDbPerOctave <= 1000)) yield return $"Augmentation.LowPassDbPerOctave must be in (0, 1000] (got {LowPassDbPerOctave})";
        if (!(TiltDbPerOctave >= 0 && TiltDbPerOctave <= 24)) yield return $"Augmentation.TiltDbPerOctave must be in [0, 24] (got {TiltDbPerOctave})";
        if (!(EqDb >= 0 && EqDb <= 24)) yield return $"Augmentation.EqDb must be in [0, 24] (got {EqDb})";
        if (EqPoints is < 2 or > 32) yield return $"Augmentation.EqPoints must be in [2, 32] (got {EqPoints})";
        if (PitchShiftBands is < 0 or > 16) yield return $"Augmentation.PitchShiftBands must be in [0, 16] (got {PitchShiftBands})";
        if (!(TimeStretch >= 0 && TimeStretch <= 1)) yield return $"Augmentation.TimeStretch must be in [0, 1] (got {TimeStretch})";
        if (TimeShiftFrames < 0) yield return $"Augmentation.TimeShiftFrames must be ≥ 0 (got {TimeShiftFrames})";
        if (!(GainDb >= 0 && GainDb <= 60)) yield return $"Augmentation.GainDb must be in [0, 60] dB (got {GainDb})";
        if (FrequencyMasks is < 0 or > 16) yield return $"Augmentation.FrequencyMasks must be in [0, 16] (got {FrequencyMasks})";
        if (TimeMasks is < 0 or > 16) yield return $"Augmentation.TimeMasks must be in [0, 16] (got {TimeMasks})";
        if (FrequencyMaskWidth < 0) yield return $"Augmentation.FrequencyMaskWidth must be ≥ 0 (got {FrequencyMaskWidth})";
        if (TimeMaskWidth < 0) yield return $"Augmentation.TimeMaskWidth must be ≥ 0 (got {TimeMaskWidth})";
        if (!(MixupAlpha >= 0 && MixupAlpha <= 10)) yield return $"Augmentation.MixupAlpha must be in [0, 10] (got {MixupAlpha})";
    }

    /// <inheritdoc />
    public override string ToString() => string.Create(System.Globalization.CultureInfo.InvariantCulture,
        $"crop={(RandomCrop ? "random" : "centre")} mincrop={MinCropFrames} stretch=±{TimeStretch} lowpass={LowPassProbability}@{LowPassMinHz}-{LowPassMaxHz}Hz/{LowPassDbPerOctave}dB tilt=±{TiltDbPerOctave}dB/oct eq=±{EqDb}dBx{EqPoints} pitch=±{PitchShiftBands} shift=±{TimeShiftFrames} gain=±{GainDb}dB fmask={FrequencyMasks}x{FrequencyMaskWidth} tmask={TimeMasks}x{TimeMaskWidth} mixup={MixupAlpha}");
}
