using System.Globalization;
using MusicGenre.Nn.ModelFile;

namespace MusicGenre.Pipeline.Segmentation;

/// <summary>
/// The one rule for how a clip of mono audio becomes model input, shared by preprocess (training data), evaluation and
/// prediction. Audio runs at <see cref="SampleRate"/> (the feature preset's) and is cut into windows of
/// <see cref="SegmentSeconds"/>; a model records both, so prediction cuts exactly what training saw.
/// <list type="bullet">
/// <item>Clips shorter than <see cref="MinSeconds"/> are refused (too little music to judge; for a model that takes
/// windows of one fixed length, e.g. <c>lachmish2016</c>, a clip shorter than that window).</item>
/// <item>Training (<see cref="TrainingWindows"/>): whole segments back to back; the remainder after the last one is
/// dropped. A song shorter than one segment is one window padded with silence, because a feature store holds
/// segments of one fixed size.</item>
/// <item>Prediction (<see cref="PredictionWindows"/>): never padded. A clip up to one segment long is one window of its own
/// length (the <c>default</c> network pools over time); a longer clip is covered completely by whole segments back to
/// back, the last one ending exactly at the clip's end (overlapping its neighbour), so nothing is dropped.</item>
/// </list>
/// </summary>
internal sealed record ClipSegmentation
{
    /// <summary>Shortest clip accepted, in seconds (default 2).</summary>
    public const double DefaultMinSeconds = 2.0;

    /// <summary>A segmentation at <paramref name="sampleRate"/> Hz with segments of <paramref name="segmentSeconds"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A non-positive rate, segment length, or a negative minimum.</exception>
    /// <param name="sampleRate">Sample rate of the audio (Hz).</param>
    /// <param name="segmentSeconds">Segment (window) length in seconds.</param>
    /// <param name="minSeconds">Shortest clip accepted, in seconds.</param>
    /// <param name="minReason">Why the minimum is what it is, added to <see cref="TooShort"/>'s message (optional).</param>
    public ClipSegmentation(int sampleRate, double segmentSeconds, double minSeconds = DefaultMinSeconds, string? minReason = null)
    {
        if (sampleRate <= 0) throw new ArgumentOutOfRangeException(nameof(sampleRate), sampleRate, "sample rate must be positive");
        if (!(segmentSeconds > 0) || !double.IsFinite(segmentSeconds)) throw new ArgumentOutOfRangeException(nameof(segmentSeconds), segmentSeconds, "segment length must be positive");
        if (!(minSeconds >= 0) || !double.IsFinite(minSeconds)) throw new ArgumentOutOfRangeException(nameof(minSeconds), minSeconds, "minimum length must be ≥ 0");
        SampleRate = sampleRate; SegmentSeconds = segmentSeconds; MinSeconds = minSeconds;
        SegmentSamples = Math.Max(1, SegmentSamplesOf(segmentSeconds, sampleRate));
        MinSamples = MinSamplesOf(minSeconds, sampleRate);
        MinReason = minReason;
    }

    /// <summary>Why <see cref="MinSeconds"/> is what it is, when it is not the default rule (else null).</summary>
    public string? MinReason { get; }

    /// <summary>Samples in a segment of <paramref name="seconds"/> at <paramref name="sampleRate"/> (rounded).</summary>
    public static int SegmentSamplesOf(double seconds, int sampleRate) => (int)Math.Round(seconds * sampleRate);

    /// <summary>Samples a clip needs to last at least <paramref name="seconds"/> at <paramref name="sampleRate"/> (rounded up).</summary>
    public static int MinSamplesOf(double seconds, int sampleRate) => (int)Math.Ceiling(seconds * sampleRate);

    /// <summary>
    /// The segmentation a model was trained with: its feature preset's rate and its segment length. A model whose
    /// architecture takes windows of one fixed length cannot classify a clip shorter than that window without padding it,
    /// so for it the minimum is the segment length.
    /// </summary>
    public static ClipSegmentation For(GenreModel model, int sampleRate) =>
        For(model.Architecture, model.CreateSpec().AcceptsAnyLength, model.SegmentSeconds, sampleRate);

    /// <summary>
    /// The segmentation a model of <paramref name="architecture"/> trained on <paramref name="segmentSeconds"/> segments
    /// will have (<see cref="For(GenreModel, int)"/> before the model exists, e.g. for cross-validation's fold models);
    /// <paramref name="acceptsAnyLength"/>: the architecture pools over time rather than taking fixed windows.
    /// </summary>
    public static ClipSegmentation For(string architecture, bool acceptsAnyLength, double segmentSeconds, int sampleRate)
    {
        if (acceptsAnyLength || segmentSeconds <= DefaultMinSeconds) return new(sampleRate, segmentSeconds);
        return new(sampleRate, segmentSeconds, segmentSeconds,
            string.Create(CultureInfo.InvariantCulture, $"model architecture '{architecture}' takes fixed {segmentSeconds:0.###} s windows"));
    }

    /// <summary>
    /// Why excerpts of <paramref name="minSeconds"/>–<paramref name="maxSeconds"/> s cannot be scored under this
    /// segmentation (the shortest is below <see cref="MinSeconds"/>: for a fixed-window model, its window), or null when
    /// they can. The one statement of the rule, for <c>evaluate --excerpts</c> and for cross-validation with excerpts.
    /// </summary>
    public string? ExcerptsTooShort(double minSeconds, double maxSeconds) => minSeconds >= MinSeconds ? null
        : string.Create(CultureInfo.InvariantCulture,
            $"excerpts of {minSeconds:0.###}-{maxSeconds:0.###} s are too short for this model ({MinReason ?? "its minimum clip length"}); use excerpts of at least {MinSeconds:0.###} s");

    /// <summary>Sample rate of the audio being cut (Hz).</summary>
    public int SampleRate { get; }

    /// <summary>Segment (window) length in seconds.</summary>
    public double SegmentSeconds { get; }

    /// <summary>Shortest clip accepted, in seconds.</summary>
    public double MinSeconds { get; }

    /// <summary>Segment length in samples.</summary>
    public int SegmentSamples { get; }

    /// <summary>Shortest clip accepted, in samples.</summary>
    public int MinSamples { get; }

    /// <summary>Why a clip of <paramref name="samples"/> samples cannot be used, or null when it can.</summary>
    public string? TooShort(long samples) => samples >= Math.Max(MinSamples, 1) ? null
        : string.Create(CultureInfo.InvariantCulture, $"too short: {(double)samples / SampleRate:0.###} s < {MinSeconds:0.###} s minimum") +
          (MinReason is null ? "" : $" ({MinReason})");

    /// <summary>Windows (start, length in samples) a training store cuts from a clip of <paramref name="samples"/>; a short clip gives one window of <see cref="SegmentSamples"/> that runs past its end (padded).</summary>
    public IReadOnlyList<(long Start, int Length)> TrainingWindows(long samples)
    {
        if (TooShort(samples) is not null) return [];
        long count = samples / SegmentSamples;
        if (count == 0) return [(0, SegmentSamples)];
        var list = new List<(long, int)>((int)Math.Min(count, int.MaxValue));
        for (long i = 0; i < count; i++) list.Add((i * SegmentSamples, SegmentSamples));
        return list;
    }

    /// <summary>Windows (start, length in samples) prediction classifies for a clip of <paramref name="samples"/>; none when the clip is too short.</summary>
    public IReadOnlyList<(long Start, int Length)> PredictionWindows(long samples)
    {
        if (TooShort(samples) is not null) return [];
        if (samples <= SegmentSamples) return [(0, (int)samples)];
        long whole = samples / SegmentSamples;
        var list = new List<(long, int)>((int)Math.Min(whole + 1, int.MaxValue));
        for (long i = 0; i < whole; i++) list.Add((i * SegmentSamples, SegmentSamples));
        if (whole * SegmentSamples < samples) list.Add((samples - SegmentSamples, SegmentSamples));
        return list;
    }
}
