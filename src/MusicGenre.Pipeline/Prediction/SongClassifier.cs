using System.Globalization;
using MusicGenre.Audio.Resampling;
using MusicGenre.Features;
using MusicGenre.Nn.Backends;
using MusicGenre.Nn.ModelFile;
using MusicGenre.Nn.Training;

namespace MusicGenre.Pipeline.Prediction;

/// <summary>
/// Turns mono audio into genre probabilities with one model, exactly as the training data was made: the song is cut
/// into non-overlapping segments of the model's length (a clip shorter than one segment but at least
/// <see cref="MinSeconds"/> long is zero-padded to one segment, with a warning), each segment's log-mel is computed
/// with the model's feature preset, and the song's probabilities are the mean of its segments'.
/// Not thread-safe: it owns a predictor and an extractor (<see cref="Api.GenreClassifier"/> pools them).
/// </summary>
internal sealed class SongClassifier : IDisposable
{
    /// <summary>Shortest clip accepted, in seconds.</summary>
    public const double MinSeconds = 2.0;

    private readonly GenrePredictor _predictor;
    private readonly FeatureExtractor _extractor;
    private readonly int _segmentSamples;

    public SongClassifier(GenreModel model, int threadCount = 1, DeviceKind device = DeviceKind.Cpu, int batchSize = 16)
    {
        Model = model;
        Preset = FeaturePresets.Get(model.FeaturePreset);
        if (Preset.IsSegmented)
            throw new ArgumentException($"model feature preset '{model.FeaturePreset}' is segmented; classification needs a whole-segment preset");
        _segmentSamples = (int)Math.Round(model.SegmentSeconds * Preset.SampleRate);
        _extractor = new FeatureExtractor(Preset);
        _predictor = new GenrePredictor(model, device, threadCount, batchSize);
        Frames = _extractor.FrameCount(_segmentSamples);
    }

    public GenreModel Model { get; }

    public FeatureOptions Preset { get; }

    /// <summary>Frames per segment.</summary>
    public int Frames { get; }

    /// <summary>The sample rate audio must have (the preset's).</summary>
    public int SampleRate => Preset.SampleRate;

    /// <summary>Classifies <paramref name="samples"/> (mono, any rate: resampled to <see cref="SampleRate"/> when needed).</summary>
    /// <exception cref="ArgumentException">The clip is shorter than <see cref="MinSeconds"/> or holds non-finite samples.</exception>
    public Api.GenrePrediction Classify(ReadOnlySpan<float> samples, int sampleRate, string source)
    {
        float[]? resampled = null;
        if (sampleRate != SampleRate)
        {
            resampled = Resample(samples, sampleRate, SampleRate);
            samples = resampled;
        }
        // 1. Segments: as many whole segments as fit; a short clip (>= MinSeconds) is padded to one.
        double seconds = (double)samples.Length / SampleRate;
        int count = samples.Length / _segmentSamples;
        string? warning = null;
        if (count == 0)
        {
            if (seconds < MinSeconds)
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                    $"{source}: {seconds:0.###} s of audio is shorter than the {MinSeconds} s minimum"), "samples");
            warning = string.Create(CultureInfo.InvariantCulture,
                $"{source}: {seconds:0.###} s is shorter than one {Model.SegmentSeconds:0.###} s segment; padded with silence");
        }
        int n = Math.Max(count, 1), block = Preset.NMels * Frames;
        var features = new float[(long)n * block];
        var padded = count == 0 ? new float[_segmentSamples] : null;
        if (padded != null) samples.CopyTo(padded);
        // 2. Log-mel of each segment, exactly as preprocess computes it.
        for (int s = 0; s < n; s++)
        {
            ReadOnlySpan<float> segment = padded ?? samples.Slice(s * _segmentSamples, _segmentSamples);
            _extractor.Compute(FeatureKind.LogMel, segment, features.AsSpan(s * block, block));
        }
        // 3. Probabilities per segment and their mean.
        float[] per = _predictor.PredictSegments(features, n, Frames);
        return Api.GenrePrediction.Create(source, Model.Labels, per, n, Model.SegmentSeconds, warning);
    }

    /// <summary>Classifies a decoded clip.</summary>
    public Api.GenrePrediction Classify(Audio.AudioClip clip, string source) => Classify(clip.Samples, clip.SampleRate, source);

    internal static float[] Resample(ReadOnlySpan<float> input, int from, int to)
    {
        if (from <= 0) throw new ArgumentOutOfRangeException(nameof(from), from, "sample rate must be positive");
        var resampler = new Resampler(from, to);
        var output = new float[resampler.OutputLength(input.Length)];
        resampler.Write(input);
        resampler.Complete();
        int at = 0, got;
        while (at < output.Length && (got = resampler.Read(output.AsSpan(at))) > 0) at += got;
        return at == output.Length ? output : output[..at];
    }

    public void Dispose() => _predictor.Dispose();
}
