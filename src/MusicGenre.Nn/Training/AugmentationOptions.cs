namespace MusicGenre.Nn.Training;

/// <summary>
/// Training-time augmentations for log-mel segments (validation and prediction never augment). Applied per segment in
/// this order: random time crop (when segments are longer than the network input), circular time shift, gain, input
/// normalisation, SpecAugment frequency and time masks (set to 0, the mean after normalisation), then mixup per batch.
/// </summary>
public sealed record AugmentationOptions
{
    /// <summary>No augmentation at all.</summary>
    public static AugmentationOptions None { get; } = new() { RandomCrop = false };

    /// <summary>Crop a random window when segments have more frames than the network input (else the centre window).</summary>
    public bool RandomCrop { get; init; } = true;

    /// <summary>Largest circular time shift in frames (uniform in ±this; 0 = off).</summary>
    public int TimeShiftFrames { get; init; }

    /// <summary>Largest gain change in dB, added to the log-mel values (uniform in ±this; 0 = off).</summary>
    public float GainDb { get; init; }

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

    /// <summary>True when any random transformation is switched on.</summary>
    public bool Any => RandomCrop || TimeShiftFrames > 0 || GainDb > 0 || FrequencyMasks > 0 || TimeMasks > 0 || MixupAlpha > 0;

    /// <summary>Every invalid setting, for <see cref="TrainerOptions.Validate"/>.</summary>
    internal IEnumerable<string> Problems()
    {
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
        $"crop={(RandomCrop ? "random" : "centre")} shift=±{TimeShiftFrames} gain=±{GainDb}dB fmask={FrequencyMasks}x{FrequencyMaskWidth} tmask={TimeMasks}x{TimeMaskWidth} mixup={MixupAlpha}");
}
