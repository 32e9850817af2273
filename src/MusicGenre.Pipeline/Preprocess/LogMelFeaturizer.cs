using MusicGenre.Features;

namespace MusicGenre.Pipeline.Preprocess;

/// <summary>The production <see cref="ISegmentFeaturizer"/>: librosa-exact log-mel (<see cref="FeatureExtractor"/>) of each segment.</summary>
internal sealed class LogMelFeaturizer : ISegmentFeaturizer
{
    private readonly FeatureExtractor _extractor;
    private readonly int _segmentSamples;

    /// <summary>Builds the extractor for <paramref name="options"/> and segments of <paramref name="segmentSamples"/> samples.</summary>
    /// <exception cref="PreprocessException">A segmented preset (e.g. seed_exact), or segments too short for one frame.</exception>
    public LogMelFeaturizer(FeatureOptions options, int segmentSamples)
    {
        if (options.IsSegmented)
            throw new PreprocessException($"preset '{options.Name}' cuts its own windows; preprocess needs a whole-segment preset (e.g. librosa_default)");
        _extractor = new FeatureExtractor(options);
        _segmentSamples = segmentSamples;
        try { Frames = _extractor.FrameCount(segmentSamples); }
        catch (ArgumentException e) { throw new PreprocessException($"--segment of {segmentSamples} samples is too short for preset '{options.Name}': {e.Message}", e); }
        Mels = options.NMels;
    }

    /// <summary>The factory <see cref="Preprocessor.RunAsync(PreprocessOptions, IProgress{PreprocessProgress}?, CancellationToken)"/> uses.</summary>
    public static ISegmentFeaturizer Create(PreprocessOptions options, int segmentSamples) => new LogMelFeaturizer(options.Features, segmentSamples);

    /// <inheritdoc />
    public int Mels { get; }

    /// <inheritdoc />
    public int Frames { get; }

    /// <inheritdoc />
    public void Compute(ReadOnlySpan<float> segment, Span<float> destination)
    {
        if (segment.Length != _segmentSamples)
            throw new ArgumentException($"segment has {segment.Length} samples, expected {_segmentSamples}", nameof(segment));
        _extractor.Compute(FeatureKind.LogMel, segment, destination);
    }
}
