using System.Globalization;

namespace MusicGenre.Pipeline.Evaluation;

/// <summary>
/// The robustness protocol of <c>musicgenre evaluate --excerpts 2-3s</c>: every song is scored on
/// <see cref="PerSong"/> random excerpts of <see cref="MinSeconds"/>–<see cref="MaxSeconds"/> (length and position drawn
/// from a generator seeded by <see cref="Seed"/> and the song id, so every run and every model sees the same excerpts),
/// each set to <see cref="Level"/>, then changed by <see cref="GainDb"/> and clipped to ±1.
/// </summary>
public sealed record ExcerptProtocol
{
    /// <summary>Shortest excerpt in seconds (default 2).</summary>
    public double MinSeconds { get; init; } = 2.0;

    /// <summary>Longest excerpt in seconds (default 3).</summary>
    public double MaxSeconds { get; init; } = 3.0;

    /// <summary>Excerpts per song (default 5).</summary>
    public int PerSong { get; init; } = 5;

    /// <summary>Level of each excerpt before <see cref="GainDb"/> (default: peak-normalised).</summary>
    public ExcerptLevel Level { get; init; } = ExcerptLevel.Peak;

    /// <summary>Gain in dB applied after <see cref="Level"/>; samples are then clipped to ±1 (default 0).</summary>
    public double GainDb { get; init; }

    /// <summary>Seed of the excerpt positions and lengths (default 1234).</summary>
    public ulong Seed { get; init; } = 1234;

    /// <summary>Every invalid setting (empty when valid).</summary>
    public IReadOnlyList<string> Problems()
    {
        var p = new List<string>();
        if (!(MinSeconds >= Segmentation.ClipSegmentation.DefaultMinSeconds) || !double.IsFinite(MaxSeconds) || MaxSeconds < MinSeconds)
            p.Add(Inv($"excerpt lengths {MinSeconds}-{MaxSeconds} s must satisfy {Segmentation.ClipSegmentation.DefaultMinSeconds} ≤ min ≤ max"));
        if (PerSong is < 1 or > 1000) p.Add($"excerpts per song {PerSong} must be in [1, 1000]");
        if (!Enum.IsDefined(Level)) p.Add($"excerpt level {Level} is unknown");
        if (!(GainDb >= -120 && GainDb <= 60)) p.Add(Inv($"gain {GainDb} dB must be in [-120, 60]"));
        return p;
    }

    /// <summary>A one-line description for reports, e.g. <c>5 excerpts of 2–3 s per song, peak-normalised, −20 dB, seed 1234</c>.</summary>
    public override string ToString() => Inv(
        $"{PerSong} excerpt{(PerSong == 1 ? "" : "s")} of {MinSeconds:0.##}–{MaxSeconds:0.##} s per song, {(Level == ExcerptLevel.Peak ? "peak-normalised to 0 dBFS" : "original level")}{(GainDb != 0 ? Inv($", then {GainDb:+0.#;-0.#} dB (clipped to ±1)") : "")}, seed {Seed}");

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
