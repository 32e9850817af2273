namespace MusicGenre.Features.Gpu;

/// <summary>
/// Everything the GPU spectrogram needs, as plain arrays (built from a feature preset by the caller or by the CPU
/// path's window/filterbank builders). Frames follow librosa: with <see cref="Center"/> the signal is padded by
/// <c>NFft / 2</c> on both sides (zeros or numpy 'reflect'), frame t covers <c>[t·Hop, t·Hop + NFft)</c> of the padded
/// signal. With <see cref="SegmentLength"/> &gt; 0 the signal is first cut into segments of that length every
/// <see cref="SegmentHop"/> samples, each transformed and dB-scaled on its own (the 2016 <c>seed_exact</c> recipe).
/// </summary>
internal sealed record GpuSpectrogramSettings
{
    /// <summary>FFT length (any n ≥ 1; 2/3/5/7-smooth lengths are fastest).</summary>
    public required int NFft { get; init; }

    /// <summary>Frame hop in samples.</summary>
    public required int Hop { get; init; }

    /// <summary>Window already centred and zero-padded to <see cref="NFft"/> (librosa's periodic window).</summary>
    public required float[] Window { get; init; }

    /// <summary>True pads each segment by NFft/2 on both sides (librosa center=True).</summary>
    public bool Center { get; init; } = true;

    /// <summary>True: numpy 'reflect' padding; false: zeros ('constant').</summary>
    public bool ReflectPad { get; init; }

    /// <summary>Mel filterbank <c>[NMels, NFft/2 + 1]</c>, row-major.</summary>
    public required float[] MelBasis { get; init; }

    /// <summary>Mel band count.</summary>
    public required int NMels { get; init; }

    /// <summary>power_to_db amin.</summary>
    public float Amin { get; init; } = 1e-10f;

    /// <summary>power_to_db fixed reference power (ignored when <see cref="RefIsMax"/>).</summary>
    public float Ref { get; init; } = 1f;

    /// <summary>True: the reference is each segment's max (librosa ref=np.max).</summary>
    public bool RefIsMax { get; init; }

    /// <summary>power_to_db top_db (≤ 0 or NaN: no floor).</summary>
    public float TopDb { get; init; } = 80f;

    /// <summary>Segment length in samples (0: the whole signal is one segment).</summary>
    public int SegmentLength { get; init; }

    /// <summary>Samples between segment starts (used when <see cref="SegmentLength"/> &gt; 0).</summary>
    public int SegmentHop { get; init; }

    /// <summary>Orthonormal DCT-II rows <c>[NMfcc, NMels]</c> for MFCC (null: no MFCC).</summary>
    public float[]? Dct { get; init; }

    /// <summary>MFCC count (rows of <see cref="Dct"/>).</summary>
    public int NMfcc { get; init; }

    /// <summary>Segments to take (0: as many as fit); a shorter signal is an error.</summary>
    public int SegmentCount { get; init; }

    /// <summary>
    /// Most frames on the device at once (default 4096: with n_fft 2048, 128 MiB of FFT buffers), so device memory does
    /// not grow with the clip's length. Any value gives the same result.
    /// </summary>
    public int MaxFramesPerLaunch { get; init; } = 4096;

    /// <summary>
    /// The settings of a feature preset / options object, with the CPU path's window (<see cref="SpectralWindow"/>)
    /// and filterbank (<see cref="MelFilterbank"/>), so GPU and CPU compute from the same constants.
    /// </summary>
    /// <exception cref="FeatureOptionsException">Invalid options.</exception>
    /// <exception cref="NotSupportedException">A power other than 2 (the GPU path computes the power spectrum).</exception>
    /// <example><code>var settings = GpuSpectrogramSettings.From(FeaturePresets.Get("librosa_default"));</code></example>
    public static GpuSpectrogramSettings From(FeatureOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (options.Power != 2.0)
            throw new NotSupportedException($"GPU spectrogram: preset '{options.Name}' has power {options.Power}; only 2.0 (power spectrum) is implemented.");
        return new GpuSpectrogramSettings
        {
            NFft = options.NFft,
            Hop = options.HopLength,
            Window = [.. SpectralWindow.Create(options.Window, options.EffectiveWinLength, options.NFft).Select(v => (float)v)],
            Center = options.Center,
            ReflectPad = options.PadMode == PadMode.Reflect,
            MelBasis = MelFilterbank.Create(options),
            NMels = options.NMels,
            Amin = (float)options.Amin,
            Ref = (float)options.RefValue,
            RefIsMax = options.DbReference == DbReference.Max,
            TopDb = options.TopDb is { } top ? (float)top : float.NaN,
            SegmentLength = options.SegmentLength ?? 0,
            SegmentHop = options.SegmentHop ?? 0,
            SegmentCount = options.SegmentCount ?? 0,
            Dct = new FeatureExtractor(options).DctBasis.ToArray(),
            NMfcc = options.NMfcc,
        };
    }

    /// <summary>Bins of the one-sided spectrum.</summary>
    public int NFreq => NFft / 2 + 1;

    /// <summary>Throws one <see cref="ArgumentException"/> listing every problem.</summary>
    public void Validate()
    {
        var problems = new List<string>();
        if (NFft < 1) problems.Add($"NFft must be >= 1 (got {NFft})");
        if (Hop < 1) problems.Add($"Hop must be >= 1 (got {Hop})");
        if (Window is null || Window.Length != NFft) problems.Add($"Window must have NFft = {NFft} values (got {Window?.Length})");
        if (NMels < 1) problems.Add($"NMels must be >= 1 (got {NMels})");
        if (MelBasis is null || MelBasis.Length != (long)NMels * NFreq) problems.Add($"MelBasis must be [{NMels}, {NFreq}] (got {MelBasis?.Length} values)");
        if (!(Amin > 0)) problems.Add($"Amin must be > 0 (got {Amin})");
        if (!RefIsMax && !(Ref > 0)) problems.Add($"Ref must be > 0 (got {Ref})");
        if (SegmentLength < 0) problems.Add($"SegmentLength must be >= 0 (got {SegmentLength})");
        if (SegmentLength > 0 && SegmentHop < 1) problems.Add($"SegmentHop must be >= 1 when segmenting (got {SegmentHop})");
        if (Dct is not null && (NMfcc < 1 || Dct.Length != (long)NMfcc * NMels)) problems.Add($"Dct must be [NMfcc = {NMfcc}, {NMels}] with NMfcc >= 1 (got {Dct.Length} values)");
        if (MaxFramesPerLaunch < 1) problems.Add($"MaxFramesPerLaunch must be >= 1 (got {MaxFramesPerLaunch})");
        if (SegmentCount < 0) problems.Add($"SegmentCount must be >= 0 (got {SegmentCount})");
        if (problems.Count > 0) throw new ArgumentException("Invalid GPU spectrogram settings: " + string.Join("; ", problems) + ".");
    }
}
