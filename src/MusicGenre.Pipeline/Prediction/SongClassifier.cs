using MusicGenre.Audio.Resampling;
using MusicGenre.Features;
using MusicGenre.Nn.Backends;
using MusicGenre.Nn.ModelFile;
using MusicGenre.Nn.Training;
using MusicGenre.Pipeline.Segmentation;

namespace MusicGenre.Pipeline.Prediction;

/// <summary>
/// Turns mono audio into genre probabilities with one model, cut by the model's <see cref="ClipSegmentation"/>: a clip of
/// at most one segment is one window of its own length (no padding), a longer clip is covered completely by whole
/// segments (the last one ending at the clip's end). Each window's log-mel is computed with the model's feature preset,
/// and the song's probabilities are the mean of its windows'.
/// Not thread-safe: it owns a predictor and an extractor (<see cref="Api.GenreClassifier"/> pools them).
/// </summary>
internal sealed class SongClassifier : IDisposable
{
    /// <summary>Shortest clip accepted, in seconds.</summary>
    public const double MinSeconds = ClipSegmentation.DefaultMinSeconds;

    private readonly GenrePredictor _predictor;
    private readonly FeatureExtractor _extractor;
    private readonly bool _embeddings; // also give each song's mean embedding (GenrePrediction.Embedding)

    public SongClassifier(GenreModel model, int threadCount = 1, DeviceKind device = DeviceKind.Cpu, int batchSize = 8, bool embeddings = false)
    {
        Model = model;
        _embeddings = embeddings;
        Preset = FeaturePresets.Get(model.FeaturePreset);
        if (Preset.IsSegmented)
            throw new ArgumentException($"model feature preset '{model.FeaturePreset}' is segmented; classification needs a whole-segment preset");
        Segmentation = ClipSegmentation.For(model, Preset.SampleRate);
        _extractor = new FeatureExtractor(Preset);
        _predictor = new GenrePredictor(model, device, threadCount, batchSize);
        Frames = _extractor.FrameCount(Segmentation.SegmentSamples);
    }

    public GenreModel Model { get; }

    /// <summary>
    /// The model's feature preset, or a <see cref="ModelFileException"/> naming <paramref name="source"/> when this build
    /// does not know it (a model of another build, or a damaged attribute) — checked where a model file is loaded.
    /// </summary>
    internal static FeatureOptions PresetOf(GenreModel model, string source)
    {
        var preset = FeaturePresets.All.FirstOrDefault(p => string.Equals(p.Name, model.FeaturePreset, StringComparison.OrdinalIgnoreCase))
            ?? throw new ModelFileException(source, $"feature preset '{model.FeaturePreset}' is not one this build knows ({string.Join(", ", FeaturePresets.All.Select(p => p.Name))}): the model comes from another build, or its attribute is damaged");
        // The preset must make the input the network takes: its mel bands, and segments of at least the frames it pools
        // (a damaged attribute otherwise failed at the first song, as "segments: 81600 values, expected [8, 1, 128, 255]").
        var spec = model.CreateSpec();
        int bands = model.InputBands(spec);
        if (!preset.IsSegmented && preset.NMels != bands)
            throw new ModelFileException(source, $"feature preset '{preset.Name}' makes {preset.NMels} mel bands, but the network takes {bands}: the model's attributes disagree (damaged?)");
        long samples = (long)Math.Round(model.SegmentSeconds * preset.SampleRate);
        if (!preset.IsSegmented && samples is > 0 and < int.MaxValue && new FeatureExtractor(preset).FrameCount((int)samples) is var frames && frames < spec.MinFrames)
            throw new ModelFileException(source, string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"its {model.SegmentSeconds:0.######} s segments make {frames} frames, but architecture '{model.Architecture}' needs at least {spec.MinFrames}: the model's attributes disagree (damaged?)"));
        return preset;
    }

    public FeatureOptions Preset { get; }

    /// <summary>How clips are cut into windows.</summary>
    public ClipSegmentation Segmentation { get; }

    /// <summary>Frames per whole segment.</summary>
    public int Frames { get; }

    /// <summary>The sample rate audio must have (the preset's).</summary>
    public int SampleRate => Preset.SampleRate;

    /// <summary>Classifies <paramref name="samples"/> (mono, any rate: resampled to <see cref="SampleRate"/> when needed).</summary>
    /// <exception cref="ArgumentException">The clip is shorter than <see cref="MinSeconds"/> or holds a sample that is not finite or beyond ±1e6.</exception>
    public Api.GenrePrediction Classify(ReadOnlySpan<float> samples, int sampleRate, string source, string? warning = null, CancellationToken cancellationToken = default)
    {
        // 0. One pass over the input: refuse non-finite or absurd samples (naming where), and flag a clip with (almost) no signal —
        //    it still gets an answer, but the caller should know it means nothing.
        if (CheckSignal(samples, sampleRate, source) is { } quiet) warning = warning is null ? quiet : warning + "; " + quiet;
        float[]? resampled = null;
        if (sampleRate != SampleRate)
        {
            resampled = Resample(samples, sampleRate, SampleRate);
            samples = resampled;
        }
        // 1. Windows: one of the clip's own length, or whole segments covering it to the end.
        var windows = Segmentation.PredictionWindows(samples.Length);
        if (windows.Count == 0)
            throw new ArgumentException($"{source}: {Segmentation.TooShort(samples.Length)}");
        int n = windows.Count, frames = _extractor.FrameCount(windows[0].Length), block = Preset.NMels * frames;
        int batch = Math.Min(n, _predictor.BatchSize);
        var features = new float[(long)batch * block];
        var per = new float[n * Model.Labels.Count];
        var silent = new bool[n];
        var embedding = new EmbeddingSum(_embeddings ? _predictor.EmbeddingSize : 0);
        // One network batch at a time (the batches PredictSegments forms on the whole clip, so the same numbers): the
        // features of an hour take one batch's memory, and a cancellation is seen between batches.
        for (int b0 = 0; b0 < n; b0 += batch)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int m = Math.Min(batch, n - b0);
            // 2. Log-mel of each window, exactly as preprocess computes it.
            for (int s = 0; s < m; s++)
            {
                var window = samples.Slice((int)windows[b0 + s].Start, windows[b0 + s].Length);
                silent[b0 + s] = IsSilent(window);
                _extractor.Compute(FeatureKind.LogMel, window, features.AsSpan(s * block, block));
            }
            // 3. Probabilities per window (and, when asked, the windows' embeddings).
            _predictor.PredictSegments(features.AsSpan(0, m * block), m, frames, embedding.Buffer(m)).CopyTo(per.AsSpan(b0 * Model.Labels.Count));
            embedding.Add(m, silent.AsSpan(b0, m));
        }
        return Api.GenrePrediction.Create(source, Model.Labels, per, n, (double)windows[0].Length / SampleRate, (double)samples.Length / SampleRate,
            warning, embedding.Mean(), silent);
    }

    /// <summary>
    /// Whether a window has (almost) no signal: below <see cref="SilenceDbfs"/> RMS after removing its DC offset, the rule
    /// of the whole-clip check. Such windows are left out of the song's probabilities (a silent intro, gap or tail would
    /// otherwise vote: the bundled model calls digital silence metal).
    /// </summary>
    internal static bool IsSilent(ReadOnlySpan<float> window)
    {
        var (sum, squares) = Simd.SampleScan.SumAndSquares(window);
        return Dbfs(Level(sum, squares, window.Length).Rms) < SilenceDbfs;
    }

    // The mean and the RMS about it of `count` samples from their sum and sum of squares: the one level rule of a window
    // (IsSilent) and of a whole clip (SignalCheck).
    private static (double Mean, double Rms) Level(double sum, double squares, long count)
    {
        long n = Math.Max(count, 1);
        double mean = sum / n;
        return (mean, Math.Sqrt(Math.Max(squares / n - mean * mean, 0)));
    }

    private static double Dbfs(double rms) => rms > 0 ? 20 * Math.Log10(rms) : double.NegativeInfinity;

    /// <summary>Level below which a clip counts as silent: −80 dBFS RMS after removing any DC offset.</summary>
    public const double SilenceDbfs = -80;

    /// <summary>
    /// Throws when a sample is NaN, infinite or beyond ±1e6 (naming the source, the sample and its time); returns a warning when the
    /// samples hold (almost) no signal — digital silence or a constant (DC) — else null. One pass: sum and sum of squares.
    /// </summary>
    internal static string? CheckSignal(ReadOnlySpan<float> samples, int sampleRate, string source)
    {
        var check = new SignalCheck(sampleRate, source);
        check.Add(samples);
        return check.Warning();
    }

    /// <summary>
    /// The signal check of <see cref="CheckSignal"/> over a clip that arrives in blocks: finite samples within ±1e6 (the first bad one
    /// named by its index in the whole clip), and the sum and sum of squares for the silence warning.
    /// </summary>
    /// <param name="sampleRate">Rate of the samples (Hz), to give a bad sample's time.</param>
    /// <param name="source">The file or stream name used in messages.</param>
    /// <param name="levelScale">Factor from the samples given to the level judged (e.g. undoing a known gain); 1 by default.</param>
    internal sealed class SignalCheck(int sampleRate, string source, double levelScale = 1)
    {
        private double _sum, _squares;
        private long _count;

        public void Add(ReadOnlySpan<float> samples)
        {
            // Every prediction input passes here (samples in memory, decoded files and streams): NaN, ±∞ and magnitudes
            // past ±1e6 are refused as the decoder refuses them in float files — past ~1e15 the features would be NaN.
            if (Simd.SampleScan.IndexOfBadSample(samples) is var i and >= 0)
                throw new ArgumentException(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                    $"{source}: sample {_count + i} ({(double)(_count + i) / sampleRate:0.###} s) is {samples[i]}; audio samples {Simd.SampleScan.SampleRule}"));
            var (sum, squares) = Simd.SampleScan.SumAndSquares(samples);
            _sum += sum;
            _squares += squares;
            _count += samples.Length;
        }

        public string? Warning()
        {
            var (mean, rms) = Level(_sum, _squares, _count);
            mean *= levelScale; rms *= levelScale;
            double db = Dbfs(rms);
            if (db >= SilenceDbfs) return null;
            // Each part formatted invariantly (a nested $"" would take the caller's culture: "DC offset 0,25").
            var inv = System.Globalization.CultureInfo.InvariantCulture;
            bool dc = Math.Abs(mean) > 1e-4;
            string level = double.IsNegativeInfinity(db) ? (dc ? "a constant value" : "digital silence") : string.Create(inv, $"{db:0} dBFS RMS");
            string offset = dc ? string.Create(inv, $", DC offset {mean:0.###}") : "";
            return $"{source}: (almost) no signal ({level}{offset}); the genre means nothing";
        }
    }

    /// <summary>
    /// Classifies audio as it is decoded, holding two windows of samples and one batch of features at a time whatever the
    /// length (a one-hour file costs what a 30 s clip does). The windows, features, batches and hence the probabilities
    /// are exactly those of <see cref="Classify(ReadOnlySpan{float}, int, string, string?, CancellationToken)"/> on the whole decoded clip.
    /// </summary>
    /// <exception cref="ArgumentException">The reader's rate is not <see cref="SampleRate"/>, the clip is shorter than <see cref="MinSeconds"/>, or it holds a sample that is not finite or beyond ±1e6.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled (checked before every window).</exception>
    /// <param name="reader">The decoded audio, at <see cref="SampleRate"/>.</param>
    /// <param name="source">The file or stream name used in messages and the prediction.</param>
    /// <param name="cancellationToken">Checked before every window.</param>
    /// <param name="readerWarning">Whether the prediction's warning includes the reader's (the decoder's note on the file); without it, only the silence warning.</param>
    public Api.GenrePrediction Classify(Audio.AudioStreamReader reader, string source, CancellationToken cancellationToken = default, bool readerWarning = true)
    {
        if (reader.SampleRate != SampleRate) throw new ArgumentException($"{source}: the reader gives {reader.SampleRate} Hz, the model needs {SampleRate} Hz", nameof(reader));
        int S = Segmentation.SegmentSamples, block = Preset.NMels * Frames, batch = _predictor.BatchSize, classes = Model.Labels.Count;
        var check = new SignalCheck(SampleRate, source);
        var current = new float[S];
        var previous = new float[S];
        var features = new float[batch * block];
        var probabilities = new List<float>();
        var silent = new List<bool>();
        var embedding = new EmbeddingSum(_embeddings ? _predictor.EmbeddingSize : 0);
        int pending = 0, windows = 0;

        // Whole windows back to back, as PredictionWindows cuts them: each full window becomes features at once, and every
        // `batch` windows go through the network together (the batches PredictSegments would form on the whole clip).
        void Flush()
        {
            if (pending == 0) return;
            probabilities.AddRange(_predictor.PredictSegments(features.AsSpan(0, pending * block), pending, Frames, embedding.Buffer(pending)));
            embedding.Add(pending, System.Runtime.InteropServices.CollectionsMarshal.AsSpan(silent)[^pending..]);
            pending = 0;
        }
        void Enqueue(ReadOnlySpan<float> window)
        {
            silent.Add(IsSilent(window));
            _extractor.Compute(FeatureKind.LogMel, window, features.AsSpan(pending * block, block));
            windows++;
            if (++pending == batch) Flush();
        }

        long total = 0;
        while (true)
        {
            // 1. Fill the current window from the stream.
            cancellationToken.ThrowIfCancellationRequested();
            int filled = 0, got;
            while (filled < S && (got = reader.Read(current.AsSpan(filled))) > 0) filled += got;
            check.Add(current.AsSpan(0, filled));
            total += filled;
            if (filled == S)
            {
                Enqueue(current);
                (current, previous) = (previous, current);
                continue;
            }
            // 2. The end: a clip shorter than the minimum is refused (even when a segment is shorter than the minimum and
            //    whole windows were already computed, as PredictionWindows gives none then); a clip of at most one segment
            //    is one window of its own length; a longer one gets a last window that ends at the clip's end, made of the
            //    previous window's tail and the remainder.
            if (Segmentation.TooShort(total) is { } why) throw new ArgumentException($"{source}: {why}");
            if (windows == 0)
            {
                int frames = _extractor.FrameCount(filled);
                var own = new float[Preset.NMels * frames];
                _extractor.Compute(FeatureKind.LogMel, current.AsSpan(0, filled), own);
                probabilities.AddRange(_predictor.PredictSegments(own, 1, frames, embedding.Buffer(1)));
                silent.Add(IsSilent(current.AsSpan(0, filled)));
                embedding.Add(1, System.Runtime.InteropServices.CollectionsMarshal.AsSpan(silent));
                windows = 1;
            }
            else if (filled > 0)
            {
                Array.Copy(previous, filled, previous, 0, S - filled);
                current.AsSpan(0, filled).CopyTo(previous.AsSpan(S - filled));
                Enqueue(previous);
            }
            Flush();
            break;
        }
        string? warning = readerWarning ? reader.Warning : null;
        if (check.Warning() is { } quiet) warning = warning is null ? quiet : warning + "; " + quiet;
        return Api.GenrePrediction.Create(source, Model.Labels, probabilities.ToArray(), windows,
            (double)Math.Min(total, S) / SampleRate, (double)total / SampleRate, warning, embedding.Mean(), silent.ToArray());
    }

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
