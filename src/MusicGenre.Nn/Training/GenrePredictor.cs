using MusicGenre.Nn.Architectures;
using MusicGenre.Nn.Backends;
using MusicGenre.Nn.ModelFile;
using MusicGenre.Nn.Tensors;

namespace MusicGenre.Nn.Training;

/// <summary>
/// Runs a trained model in eval mode (BatchNorm running statistics, no dropout): genre probabilities per segment and
/// per song (mean of its segments' probabilities). Inputs are raw log-mel segments <c>[count, channels, mels, frames]</c>
/// (<see cref="Mels"/> rows); the model's level normalisation, MFCC step (an MFCC model) and input normalisation are
/// applied here. Not thread-safe (one predictor per thread).
/// </summary>
/// <example><code>
/// using var predictor = new GenrePredictor(ModelFileReader.Read("model.h5"), threadCount: 1);
/// float[] song = predictor.PredictSong(segments, count, frames);   // [classes], sums to 1
/// </code></example>
internal sealed class GenrePredictor : IDisposable
{
    private readonly IBackend _backend;
    private readonly GenreNetwork _net;
    private readonly ArchitectureSpec _spec;
    private readonly int _batchSize;
    // Reused between calls while the batch shape repeats (a long file is many batches of one shape): no garbage per batch.
    private float[] _host = [], _cepstra = [];
    private readonly MfccInput? _mfcc;
    private readonly int _bands; // rows per channel of the log-mel given (the network's rows, or an MFCC model's mel bands)
    private Tensor? _input, _probs;
    // Embeddings: the layer whose output is the output layer's input (in eval mode the dropout before it, which passes it
    // through), one observer delegate for the predictor's life, and where the current batch's embeddings go.
    private readonly Layers.Layer _penultimate;
    private readonly Action<Layers.Layer, Tensor> _observe;
    private float[]? _embedTarget;
    private int _embedOffset;

    /// <summary>Builds the network of <paramref name="model"/> on <paramref name="device"/>.</summary>
    /// <exception cref="ArgumentException">The model is inconsistent (all problems listed) or an option is out of range.</exception>
    public GenrePredictor(GenreModel model, DeviceKind device = DeviceKind.Cpu, int threadCount = 1, int batchSize = 16)
    {
        ArgumentNullException.ThrowIfNull(model);
        var problems = model.Problems();
        if (problems.Count > 0) throw new ArgumentException($"Model cannot be used: {string.Join("; ", problems)}.", nameof(model));
        if (batchSize < 1) throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "batch size must be ≥ 1");
        Model = model;
        _spec = model.CreateSpec();
        _bands = model.InputBands(_spec);
        _mfcc = MfccInput.For(model.Mfcc, _bands);
        _batchSize = batchSize;
        _backend = BackendFactory.Create(device, new BackendOptions { ThreadCount = threadCount, FixedWeights = true }); // loaded once below
        _net = GenreNetwork.Build(_spec, _backend, 0);
        _net.Load(model);
        var output = _net.Net.Layers.OfType<Layers.Dense>().Last();
        _penultimate = _net.Net.Layers.TakeWhile(l => !ReferenceEquals(l, output)).LastOrDefault()
            ?? throw new ArgumentException("the network has no layer before its output layer", nameof(model));
        EmbeddingSize = (int)(output.Parameters[0].Shape.Length / _spec.Classes);
        _observe = Observe;
    }

    /// <summary>Segments per forward pass (<see cref="PredictSegments(ReadOnlySpan{float}, int, int)"/> runs its input in batches of this size, from the first).</summary>
    public int BatchSize => _batchSize;

    /// <summary>The model being run.</summary>
    public GenreModel Model { get; }

    /// <summary>Genre labels in output order.</summary>
    public IReadOnlyList<string> Labels => Model.Labels;

    /// <summary>Input channels the model expects.</summary>
    public int Channels => _spec.InputChannels;

    /// <summary>Mel bands of the log-mel segments the model is given (an MFCC model turns them into its coefficients itself).</summary>
    public int Mels => _bands;

    /// <summary>Frames per segment the model was trained on.</summary>
    public int Frames => _spec.Frames;

    /// <summary>Fewest frames a segment may have (shorter clips must be padded by the caller).</summary>
    public int MinFrames => _spec.MinFrames;

    /// <summary>
    /// Probabilities <c>[count, classes]</c> for <paramref name="count"/> segments of <paramref name="frames"/> frames.
    /// A fixed-length architecture takes the centre window when segments are longer than it needs.
    /// </summary>
    /// <exception cref="ArgumentException">Wrong sizes, or segments shorter than the model accepts.</exception>
    public float[] PredictSegments(ReadOnlySpan<float> segments, int count, int frames) => PredictSegments(segments, count, frames, null);

    /// <summary>
    /// <see cref="PredictSegments(ReadOnlySpan{float}, int, int)"/>, also writing each segment's embedding
    /// (<see cref="EmbedSegments"/>) into <paramref name="embeddings"/> <c>[count, EmbeddingSize]</c> when it is given:
    /// one forward pass for both.
    /// </summary>
    public float[] PredictSegments(ReadOnlySpan<float> segments, int count, int frames, float[]? embeddings)
    {
        int k = _spec.Classes;
        if (embeddings is not null && embeddings.Length != (long)count * EmbeddingSize)
            throw new ArgumentException($"embeddings: {embeddings.Length} values, expected [{count}, {EmbeddingSize}].", nameof(embeddings));
        var (window, start) = Check(segments, count, frames);
        var result = new float[count * k];
        for (int b0 = 0; b0 < count; b0 += _batchSize)
        {
            int n = Math.Min(_batchSize, count - b0);
            var logits = Forward(segments, frames, window, start, b0, n, embeddings);
            var probs = Tensor.Fit(_backend, ref _probs, logits.Shape);
            _backend.Softmax(logits, probs);
            var batch = result.AsSpan(b0 * k, n * k);
            probs.CopyTo(batch);
            // A model whose values are finite but overflow float32 arithmetic (huge weights or statistics) yields NaN: an
            // error, never a printed "NaN %" or a genre picked from NaNs.
            if (MusicGenre.Simd.SampleScan.IndexOfOutside(batch, 1f) is var bad and >= 0)
                throw new InvalidDataException($"the model's output is not a probability ({batch[bad]}) for segment {b0 + bad / k}: " +
                    "its weights or input statistics overflow float32 arithmetic, so it cannot classify; use another model file");
        }
        return result;
    }

    /// <summary>Values per segment of <see cref="EmbedSegments"/>: the inputs of the output layer.</summary>
    public int EmbeddingSize { get; }

    /// <summary>
    /// What the network has made of each segment, <c>[count, <see cref="EmbeddingSize"/>]</c>: the input of its output
    /// layer in eval mode (for <c>default</c>, the time-averaged activations of every channel and frequency band), whose
    /// linear map plus bias and a softmax are <see cref="PredictSegments(ReadOnlySpan{float}, int, int)"/>. For maps of
    /// learnt features (t-SNE), nearest neighbours, or a new classifier on top.
    /// </summary>
    /// <exception cref="ArgumentException">Wrong sizes, or segments shorter than the model accepts.</exception>
    public float[] EmbedSegments(ReadOnlySpan<float> segments, int count, int frames)
    {
        var (window, start) = Check(segments, count, frames);
        var result = new float[count * EmbeddingSize];
        for (int b0 = 0; b0 < count; b0 += _batchSize)
            Forward(segments, frames, window, start, b0, Math.Min(_batchSize, count - b0), result);
        return result;
    }

    /// <summary>Checks the sizes of a call; returns the window the network sees and where it starts in each segment.</summary>
    private (int Window, int Start) Check(ReadOnlySpan<float> segments, int count, int frames)
    {
        int rows = _spec.InputChannels * _bands;
        if (count < 0 || frames < 1 || segments.Length != (long)count * rows * frames)
            throw new ArgumentException($"segments: {segments.Length} values, expected [{count}, {_spec.InputChannels}, {_bands}, {frames}].", nameof(segments));
        int window = _spec.AcceptsAnyLength ? frames : Math.Min(frames, _spec.Frames);
        _spec.CheckFrames(window);
        return (window, (frames - window) / 2);
    }

    /// <summary>
    /// One batch, segments <paramref name="b0"/> .. <paramref name="b0"/> + <paramref name="n"/>: crop + level (+ MFCC) +
    /// standardisation on the host, then the forward pass in eval mode, writing the batch's embeddings into
    /// <paramref name="embeddings"/> when given (through the cached observer: nothing is allocated per batch here).
    /// </summary>
    private Tensor Forward(ReadOnlySpan<float> segments, int frames, int window, int start, int b0, int n, float[]? embeddings)
    {
        int rows = _spec.InputChannels * _bands, netRows = _spec.InputChannels * _spec.Mels;
        int hostLength = n * rows * window;
        if (_host.Length < hostLength) _host = new float[Math.Max(hostLength, _batchSize * rows * window)];
        if (_mfcc is not null && _cepstra.Length < n * netRows * window) _cepstra = new float[Math.Max(n, _batchSize) * netRows * window];
        var hostSpan = _host.AsSpan(0, hostLength);
        for (int i = 0; i < n; i++)
            for (int r = 0; r < rows; r++)
                segments.Slice(((b0 + i) * rows + r) * frames + start, window).CopyTo(hostSpan.Slice((i * rows + r) * window, window));
        LevelNormalizer.Apply(Model.Level, Model.KeptBands, hostSpan, _spec.InputChannels, _bands, window);
        Span<float> input = hostSpan;
        if (_mfcc is not null)
        {
            input = _cepstra.AsSpan(0, n * netRows * window);
            _mfcc.Apply(hostSpan, _spec.InputChannels, window, input);
        }
        Model.Normalization.Apply(input, _spec.InputChannels, _spec.Mels, window);
        var x = Tensor.Fit(_backend, ref _input, new Shape(n, _spec.InputChannels, _spec.Mels, window));
        x.CopyFrom(input);
        _embedTarget = embeddings;
        _embedOffset = b0 * EmbeddingSize;
        try { return _net.Net.Forward(x, training: false, embeddings is null ? null : _observe); }
        finally { _embedTarget = null; }
    }

    /// <summary>Copies the penultimate layer's output (the output layer's input) of the batch into <see cref="_embedTarget"/>.</summary>
    private void Observe(Layers.Layer layer, Tensor y)
    {
        if (ReferenceEquals(layer, _penultimate) && _embedTarget is { } target) y.CopyTo(target.AsSpan(_embedOffset, y.Length));
    }

    /// <summary>Song-level probabilities <c>[classes]</c>: the mean of its segments' probabilities.</summary>
    public float[] PredictSong(ReadOnlySpan<float> segments, int count, int frames)
    {
        if (count < 1) throw new ArgumentException("A song needs at least one segment.", nameof(count));
        var per = PredictSegments(segments, count, frames);
        int k = _spec.Classes;
        var mean = new double[k];
        for (int i = 0; i < count; i++)
            for (int c = 0; c < k; c++) mean[c] += per[i * k + c];
        return mean.Select(v => (float)(v / count)).ToArray();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Tensor.Release(ref _input);
        Tensor.Release(ref _probs);
        _backend.Dispose();
    }
}
