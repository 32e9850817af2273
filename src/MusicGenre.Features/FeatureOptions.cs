using System.Globalization;

namespace MusicGenre.Features;

/// <summary>
/// Every parameter of the feature front end, named and defaulted as in librosa 0.10.2
/// (<c>stft</c> → <c>melspectrogram</c> → <c>power_to_db</c> → <c>mfcc</c>). Immutable; derive variants with
/// <c>with</c>. Named instances live in <see cref="FeaturePresets"/>. Call <see cref="Validate"/> (the extractor does)
/// to get every problem at once.
/// </summary>
public sealed record FeatureOptions
{
    /// <summary>Preset name (for reports and file attributes).</summary>
    public string Name { get; init; } = "custom";

    /// <summary>Sample rate of the input audio in Hz.</summary>
    public int SampleRate { get; init; } = 22050;

    /// <summary>FFT length (any length ≥ 2; 2/3/5/7-smooth lengths are fastest).</summary>
    public int NFft { get; init; } = 2048;

    /// <summary>Hop between frames in samples.</summary>
    public int HopLength { get; init; } = 512;

    /// <summary>Window length ≤ <see cref="NFft"/>; the window is zero-padded centred to n_fft. Null means n_fft.</summary>
    public int? WinLength { get; init; }

    /// <summary>The analysis window.</summary>
    public WindowType Window { get; init; } = WindowType.Hann;

    /// <summary>Pad the signal by n_fft/2 on both sides so frame t is centred on sample t·hop.</summary>
    public bool Center { get; init; } = true;

    /// <summary>Padding used when <see cref="Center"/> is true.</summary>
    public PadMode PadMode { get; init; } = PadMode.Constant;

    /// <summary>Exponent of the magnitude spectrogram: 1 (magnitude) or 2 (power).</summary>
    public double Power { get; init; } = 2.0;

    /// <summary>Number of mel bands.</summary>
    public int NMels { get; init; } = 128;

    /// <summary>Lowest filterbank frequency in Hz.</summary>
    public double FMin { get; init; }

    /// <summary>Highest filterbank frequency in Hz; null means sample_rate / 2.</summary>
    public double? FMax { get; init; }

    /// <summary>Mel frequency scale.</summary>
    public MelScale MelScale { get; init; } = MelScale.Slaney;

    /// <summary>Filterbank row normalisation.</summary>
    public MelNorm MelNorm { get; init; } = MelNorm.Slaney;

    /// <summary>Reference of the dB conversion: a fixed value or the array maximum.</summary>
    public DbReference DbReference { get; init; } = DbReference.Value;

    /// <summary>Fixed dB reference when <see cref="DbReference"/> is <see cref="DbReference.Value"/>.</summary>
    public double RefValue { get; init; } = 1.0;

    /// <summary>Floor applied to power and reference before the logarithm.</summary>
    public double Amin { get; init; } = 1e-10;

    /// <summary>Dynamic range kept below the maximum (dB); null keeps everything.</summary>
    public double? TopDb { get; init; } = 80.0;

    /// <summary>Number of MFCCs (rows of the orthonormal DCT-II of the log-mel).</summary>
    public int NMfcc { get; init; } = 20;

    /// <summary>
    /// Segmenting (the 2016 project's <c>seed_exact</c> preprocessing): when set, the signal is cut into windows of
    /// this many samples, each turned into its own [n_mels, frames] block with its own dB reference. Null: one block.
    /// </summary>
    public int? SegmentLength { get; init; }

    /// <summary>Samples between segment starts (required with <see cref="SegmentLength"/>).</summary>
    public int? SegmentHop { get; init; }

    /// <summary>Number of segments; null takes as many as fit. A shorter signal is an error.</summary>
    public int? SegmentCount { get; init; }

    /// <summary>Effective window length.</summary>
    public int EffectiveWinLength => WinLength ?? NFft;

    /// <summary>Effective highest filterbank frequency.</summary>
    public double EffectiveFMax => FMax ?? SampleRate / 2.0;

    /// <summary>Number of frequency bins, 1 + n_fft/2.</summary>
    public int BinCount => 1 + NFft / 2;

    /// <summary>True when the options describe segmented output (<see cref="SegmentLength"/> set).</summary>
    public bool IsSegmented => SegmentLength is not null;

    /// <summary>Every problem with these options; empty when they are usable.</summary>
    public IReadOnlyList<string> Problems()
    {
        var p = new List<string>();
        void Add(FormattableString s) => p.Add(s.ToString(CultureInfo.InvariantCulture));

        if (SampleRate <= 0) Add($"SampleRate must be > 0 (got {SampleRate}).");
        if (NFft < 2) Add($"NFft must be ≥ 2 (got {NFft}).");
        if (NFft > 1 << 20) Add($"NFft must be ≤ 1048576 (got {NFft}).");
        if (HopLength <= 0) Add($"HopLength must be > 0 (got {HopLength}).");
        if (WinLength is { } w && (w <= 0 || w > NFft)) Add($"WinLength must be in 1..NFft={NFft} (got {w}).");
        if (!Enum.IsDefined(Window)) Add($"Window {(int)Window} is not a known window.");
        if (!Enum.IsDefined(PadMode)) Add($"PadMode {(int)PadMode} is not a known pad mode.");
        if (Power is not (1.0 or 2.0)) Add($"Power must be 1 or 2 (got {Power}).");
        if (NMels <= 0) Add($"NMels must be > 0 (got {NMels}).");
        if (!double.IsFinite(FMin) || FMin < 0) Add($"FMin must be finite and ≥ 0 (got {FMin}).");
        if (FMax is { } fmax && (!double.IsFinite(fmax) || fmax <= 0)) Add($"FMax must be finite and > 0 (got {fmax}).");
        if (SampleRate > 0 && EffectiveFMax > SampleRate / 2.0) Add($"FMax {EffectiveFMax} exceeds the Nyquist frequency {SampleRate / 2.0}.");
        if (double.IsFinite(FMin) && FMin >= EffectiveFMax) Add($"FMin {FMin} must be below FMax {EffectiveFMax}.");
        if (!Enum.IsDefined(MelScale)) Add($"MelScale {(int)MelScale} is not a known scale.");
        if (!Enum.IsDefined(MelNorm)) Add($"MelNorm {(int)MelNorm} is not a known norm.");
        if (!Enum.IsDefined(DbReference)) Add($"DbReference {(int)DbReference} is not a known reference.");
        if (!double.IsFinite(RefValue) || RefValue <= 0) Add($"RefValue must be finite and > 0 (got {RefValue}).");
        if (!double.IsFinite(Amin) || Amin <= 0) Add($"Amin must be finite and > 0 (got {Amin}).");
        if (TopDb is { } top && (!double.IsFinite(top) || top < 0)) Add($"TopDb must be finite and ≥ 0 (got {top}).");
        if (NMfcc <= 0 || NMfcc > NMels) Add($"NMfcc must be in 1..NMels={NMels} (got {NMfcc}).");
        if (SegmentLength is { } sl)
        {
            if (sl <= 0) Add($"SegmentLength must be > 0 (got {sl}).");
            if (SegmentHop is not { } sh || sh <= 0) Add($"SegmentHop must be set and > 0 with SegmentLength (got {SegmentHop?.ToString() ?? "null"}).");
            if (SegmentCount is { } sc && sc <= 0) Add($"SegmentCount must be > 0 (got {sc}).");
            if (!Center && sl < NFft) Add($"SegmentLength {sl} is shorter than NFft {NFft} with Center = false.");
        }
        else if (SegmentHop is not null || SegmentCount is not null)
        {
            Add($"SegmentHop/SegmentCount need SegmentLength.");
        }

        return p;
    }

    /// <summary>Throws one <see cref="FeatureOptionsException"/> listing every problem, or returns the options.</summary>
    public FeatureOptions Validate()
    {
        IReadOnlyList<string> problems = Problems();
        if (problems.Count > 0)
            throw new FeatureOptionsException(Name, problems);
        return this;
    }

    /// <summary>
    /// Every parameter under librosa's argument names, for HDF5 attributes (feature files and feature stores): booleans
    /// as 0/1, absent values as "none" (the golden files' conventions).
    /// </summary>
    internal Dictionary<string, object> LibrosaParameters()
    {
        static object Opt<T>(T? v) where T : struct => v is { } x ? x : "none";
        return new Dictionary<string, object>
        {
            ["preset"] = Name,
            ["sr"] = SampleRate,
            ["n_fft"] = NFft,
            ["hop_length"] = HopLength,
            ["win_length"] = EffectiveWinLength,
            ["window"] = Window.ToString().ToLowerInvariant(),
            ["center"] = Center ? 1 : 0,
            ["pad_mode"] = PadMode.ToString().ToLowerInvariant(),
            ["power"] = Power,
            ["n_mels"] = NMels,
            ["fmin"] = FMin,
            ["fmax"] = EffectiveFMax,
            ["htk"] = MelScale == MelScale.Htk ? 1 : 0,
            ["norm"] = MelNorm == MelNorm.Slaney ? "slaney" : "none",
            ["ref"] = DbReference == DbReference.Max ? "max" : RefValue.ToString("R", CultureInfo.InvariantCulture),
            ["amin"] = Amin,
            ["top_db"] = Opt(TopDb),
            ["n_mfcc"] = NMfcc,
            ["dct_type"] = 2,
            ["dct_norm"] = "ortho",
            ["segment_length"] = Opt(SegmentLength),
            ["segment_hop"] = Opt(SegmentHop),
            ["segment_count"] = Opt(SegmentCount),
        };
    }
}
