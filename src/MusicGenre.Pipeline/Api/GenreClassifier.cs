using System.Collections.Concurrent;
using MusicGenre.Audio;
using MusicGenre.Nn.Backends;
using MusicGenre.Nn.ModelFile;
using MusicGenre.Pipeline.Prediction;

namespace MusicGenre.Api;

/// <summary>
/// Tells the genre of songs with a trained model: the bundled default (<see cref="LoadDefault"/>) or a model file
/// (<see cref="Load"/>). Accepts WAV, MP3 and AU files or streams (format detected from the content) and raw mono samples
/// at any sample rate. A song is cut into the model's segments; its probabilities are the mean of theirs.
/// </summary>
/// <remarks>
/// Thread-safe: one instance may be shared by any number of threads. Each call borrows a private worker (network and
/// feature buffers) from an internal pool, and every worker computes single-threaded, so results are bit-identical
/// whatever the concurrency. Memory: each call in flight holds a worker (about 20 MB for the bundled model at
/// <see cref="ClassifierOptions.BatchSize"/> 8); after a burst of concurrent calls at most
/// <see cref="ClassifierOptions.ThreadCount"/> (default one per core) idle workers are kept, the others are freed.
/// </remarks>
/// <example><code>
/// using var classifier = GenreClassifier.LoadDefault();
/// var prediction = classifier.Predict("song.mp3");
/// Console.WriteLine($"{prediction.Top.Genre} {prediction.Top.Probability:P0}");
/// </code></example>
public sealed class GenreClassifier : IDisposable
{
    private const string DefaultModelResource = "MusicGenre.Models.default.h5";
    private readonly GenreModel _model;
    private readonly ConcurrentBag<SongClassifier> _pool = [];
    private int _disposed; // 1 once Dispose has begun (Interlocked: a worker coming back must see it, see Return)
    private int _idle; // workers in _pool, counted apart (ConcurrentBag.Count takes every thread's lock)

    private GenreClassifier(GenreModel model, string source, ClassifierOptions options)
    {
        _model = model;
        ModelSource = source;
        Options = options;
        SongClassifier.PresetOf(model, source);
        _pool.Add(NewWorker()); // validates preset, architecture, segment length and device now, not at first use
        _idle = 1;
    }

    /// <summary>The options this classifier was loaded with.</summary>
    public ClassifierOptions Options { get; }

    /// <summary>Genre names in output order.</summary>
    public IReadOnlyList<string> Genres => _model.Labels;

    /// <summary>The feature preset the model was trained on (e.g. "librosa_default").</summary>
    public string FeaturePreset => _model.FeaturePreset;

    /// <summary>Length of the segments a song is cut into, in seconds.</summary>
    public double SegmentSeconds => _model.SegmentSeconds;

    /// <summary>Where the model came from: a file path, or "(bundled default)".</summary>
    public string ModelSource { get; }

    /// <summary>The model that ships inside this package (the <c>default</c> architecture trained on gtzan-mini).</summary>
    /// <param name="options">How to compute (default: CPU, all cores for batches).</param>
    /// <exception cref="InvalidOperationException">The package was built without the bundled model.</exception>
    /// <exception cref="ClassifierOptionsException"><paramref name="options"/> has invalid settings (all are listed).</exception>
    /// <exception cref="DeviceUnavailableException">The GPU asked for in <paramref name="options"/> is not there.</exception>
    public static GenreClassifier LoadDefault(ClassifierOptions? options = null)
    {
        options = (options ?? new ClassifierOptions()).Validate();
        using var stream = typeof(GenreClassifier).Assembly.GetManifestResourceStream(DefaultModelResource)
            ?? throw new InvalidOperationException("This build of MusicGenre has no bundled model (models/default.h5 was absent when it was built); load a model file with GenreClassifier.Load(path).");
        return new GenreClassifier(ModelFileReader.Read(stream, "(bundled default model)"), "(bundled default)", options);
    }

    /// <summary>Loads a model file written by <c>musicgenre train</c> or <see cref="GenreTrainer"/>.</summary>
    /// <param name="modelPath">The model file.</param>
    /// <param name="options">How to compute (default: CPU, all cores for batches).</param>
    /// <exception cref="FileNotFoundException">No such file.</exception>
    /// <exception cref="ModelFileException">The file is not a valid MusicGenre model (truncated, corrupt or inconsistent).</exception>
    /// <exception cref="ClassifierOptionsException"><paramref name="options"/> has invalid settings (all are listed).</exception>
    /// <exception cref="DeviceUnavailableException">The GPU asked for in <paramref name="options"/> is not there.</exception>
    public static GenreClassifier Load(string modelPath, ClassifierOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(modelPath);
        options = (options ?? new ClassifierOptions()).Validate();
        return new GenreClassifier(ModelFileReader.Read(modelPath), Path.GetFullPath(modelPath), options);
    }

    /// <summary>Classifies an audio file (WAV, MP3, AU; format detected from the content).</summary>
    /// <param name="path">The audio file.</param>
    /// <param name="cancellationToken">Stops the prediction between two segments (a long file need not be classified to its end).</param>
    /// <exception cref="FileNotFoundException">No such file, or a broken symbolic link.</exception>
    /// <exception cref="AudioFormatException">The file is not readable audio: not audio, damaged, empty, a folder or device, without read permission, or a read failed (the message names the file and the problem).</exception>
    /// <exception cref="ArgumentException">The audio is shorter than 2 seconds, or holds a sample that is NaN, ±∞ or beyond ±1e6.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    /// <remarks>Both exceptions about the file are <see cref="IOException"/>s: one <c>catch (IOException)</c> handles every file that cannot be classified.</remarks>
    public GenrePrediction Predict(string path, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        // Streamed: decoded, featurised and classified window by window, so memory does not grow with the file's length.
        return Run(worker =>
        {
            using var reader = AudioStreamReader.Open(path, new AudioLoadOptions { TargetSampleRate = worker.SampleRate });
            return worker.Classify(reader, path, cancellationToken);
        });
    }

    /// <summary>
    /// Classifies audio read from <paramref name="stream"/> (WAV, MP3, AU; format detected from the content), from its
    /// current position to its end; the stream is left open. A non-seekable stream works.
    /// </summary>
    /// <exception cref="AudioFormatException">The content is not readable audio (the message names <paramref name="sourceName"/> and the problem; a stream already at its end reads as empty), or reading <paramref name="stream"/> failed: its own <see cref="IOException"/> (or <see cref="NotSupportedException"/>, e.g. a stream that says it can seek but has no length) is the <see cref="Exception.InnerException"/>.</exception>
    /// <exception cref="ArgumentException">The stream cannot be read; the audio is shorter than 2 seconds, or holds a sample that is NaN, ±∞ or beyond ±1e6.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled (checked between segments).</exception>
    public GenrePrediction Predict(Stream stream, string sourceName = "stream", CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(sourceName);
        return Run(worker =>
        {
            using var reader = AudioStreamReader.Open(stream, sourceName, new AudioLoadOptions { TargetSampleRate = worker.SampleRate }, leaveOpen: true);
            return worker.Classify(reader, sourceName, cancellationToken);
        });
    }

    /// <summary>
    /// Classifies interleaved samples of <paramref name="channels"/> channels (e.g. L R L R … for stereo, as NAudio and
    /// most audio APIs hand them out): mixed to mono by the mean of the channels exactly as the file decoders do, then
    /// as <see cref="Predict(ReadOnlySpan{float}, int, string, CancellationToken)"/>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="channels"/> is below 1, or <paramref name="sampleRate"/> is implausible.</exception>
    /// <exception cref="ArgumentException">The sample count is not a multiple of <paramref name="channels"/>; a sample is NaN, ±∞ or beyond ±1e6 (the message names its frame, channel, time and value); or as the mono overload.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled (checked between batches of windows).</exception>
    public GenrePrediction Predict(ReadOnlySpan<float> interleaved, int sampleRate, int channels, string sourceName = "samples", CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(channels, 1);
        if (interleaved.Length % channels != 0)
            throw new ArgumentException($"{interleaved.Length} samples are not whole frames of {channels} channels", nameof(interleaved));
        if (channels == 1) return Predict(interleaved, sampleRate, sourceName, cancellationToken);
        ArgumentNullException.ThrowIfNull(sourceName);
        // Checked before mixing: the mean of the channels would hide a bad sample's place (and +5e6 in one channel with
        // −5e6 in the other would mix to a plausible 0).
        if (MusicGenre.Simd.SampleScan.IndexOfBadSample(interleaved) is var bad and >= 0)
            throw new ArgumentException(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"{sourceName}: sample {bad / channels} of channel {bad % channels} ({(double)(bad / channels) / Math.Max(sampleRate, 1):0.###} s) is {interleaved[bad]}; audio samples {MusicGenre.Simd.SampleScan.SampleRule}"),
                nameof(interleaved));
        var mono = new float[interleaved.Length / channels];
        Downmix.ToMono(interleaved, channels, mono);
        return Predict(mono, sampleRate, sourceName, cancellationToken);
    }

    /// <summary>
    /// Classifies mono samples at <paramref name="sampleRate"/> Hz (resampled when it differs from the model's). Full
    /// scale is ±1; louder samples are used as they are (the model normalises each window's level).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="sampleRate"/> is outside what the audio decoders accept (1,000 Hz to 1,536,000 Hz).</exception>
    /// <exception cref="ArgumentException">The audio is shorter than 2 seconds, or a sample is NaN, ±∞ or beyond ±1e6 (the message names its index, time and value).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled (checked between batches of windows: a long recording need not be classified to its end).</exception>
    public GenrePrediction Predict(ReadOnlySpan<float> samples, int sampleRate, string sourceName = "samples", CancellationToken cancellationToken = default)
    {
        if (sampleRate is < AudioLoadOptions.MinNativeSampleRate or > AudioLoadOptions.MaxSampleRate)
            throw new ArgumentOutOfRangeException(nameof(sampleRate), sampleRate,
                $"a sample rate of {sampleRate} Hz is implausible for audio; give {AudioLoadOptions.MinNativeSampleRate} to {AudioLoadOptions.MaxSampleRate} Hz");
        ArgumentNullException.ThrowIfNull(sourceName);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var worker = Rent();
        try { return worker.Classify(samples, sampleRate, sourceName, cancellationToken: cancellationToken); }
        finally { Return(worker); }
    }

    /// <summary>
    /// Classifies many files on all cores (or <see cref="ClassifierOptions.ThreadCount"/> at once). A file
    /// that fails is reported in its <see cref="BatchResult.Error"/> and does not stop the others. Results are in input order.
    /// </summary>
    /// <param name="paths">Audio files (WAV, MP3, AU).</param>
    /// <param name="progress">Receives a report after each file, with its index and result (reports arrive on worker threads, in completion order).</param>
    /// <param name="cancellationToken">Stops the batch, files in progress included (the results of finished files are not returned).</param>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    /// <exception cref="ObjectDisposedException">The classifier was disposed.</exception>
    /// <remarks>Any other exception (e.g. thrown by <paramref name="progress"/>) stops the batch and is rethrown as itself, not wrapped; when several are thrown at once, the first is rethrown and the others are lost.</remarks>
    public IReadOnlyList<BatchResult> PredictMany(IEnumerable<string> paths, IProgress<BatchProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(paths);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var list = paths.ToArray();
        var results = new BatchResult[list.Length];
        int done = 0;
        try
        {
            Parallel.For(0, list.Length, new ParallelOptions
            {
                CancellationToken = cancellationToken,
                MaxDegreeOfParallelism = Options.ThreadCount > 0 ? Options.ThreadCount : Environment.ProcessorCount,
            }, i =>
            {
                // A null entry is reported as the empty path: Path and LastPath are never null, as declared.
                if (string.IsNullOrWhiteSpace(list[i]))
                    results[i] = new BatchResult(list[i] ?? "", null, $"entry {i} of the batch: the path is {(list[i] is null ? "null" : "empty")}");
                else
                {
                    try { results[i] = new BatchResult(list[i], Predict(list[i], cancellationToken), null); }
                    catch (Exception ex) when (ex is IOException or ArgumentException or InvalidDataException or UnauthorizedAccessException)
                    {
                        results[i] = new BatchResult(list[i], null, ex.Message);
                    }
                }
                progress?.Report(new BatchProgress(Interlocked.Increment(ref done), list.Length, results[i].Path) { Index = i, Result = results[i] });
            });
        }
        catch (AggregateException e)
        {
            // Parallel.For wraps what a body threw; rethrow the first as itself (as await would), stack trace kept.
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerExceptions[0]).Throw();
        }
        return results;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Interlocked.Exchange(ref _disposed, 1);
        DisposePooled();
    }

    /// <summary>How many idle workers the pool holds (tests: none may be left after <see cref="Dispose"/>).</summary>
    internal int PooledWorkers => _pool.Count;

    private GenrePrediction Run(Func<SongClassifier, GenrePrediction> work)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var worker = Rent();
        try { return work(worker); }
        finally { Return(worker); }
    }

    /// <summary>
    /// Puts a worker back after a call. A call that was running when <see cref="Dispose"/> emptied the pool brings its
    /// worker back afterwards: then it is disposed here, not pooled (it owns a backend, on a GPU device memory). The
    /// full fence between adding and reading the flag pairs with Dispose's exchange, so one of the two always sees the other.
    /// A worker beyond <see cref="MaxIdle"/> idle ones is disposed: a burst of 64 concurrent calls left 64 pooled workers
    /// (1.4 GB) for the classifier's lifetime.
    /// </summary>
    private void Return(SongClassifier worker)
    {
        if (Interlocked.Increment(ref _idle) > MaxIdle)
        {
            Interlocked.Decrement(ref _idle);
            worker.Dispose();
            return;
        }
        _pool.Add(worker);
        Interlocked.MemoryBarrier();
        if (Volatile.Read(ref _disposed) != 0) DisposePooled();
    }

    private void DisposePooled()
    {
        while (_pool.TryTake(out var worker)) { Interlocked.Decrement(ref _idle); worker.Dispose(); }
    }

    private SongClassifier Rent()
    {
        if (!_pool.TryTake(out var worker)) return NewWorker();
        Interlocked.Decrement(ref _idle);
        return worker;
    }

    /// <summary>Idle workers kept between calls: <see cref="ClassifierOptions.ThreadCount"/>, or one per core.</summary>
    private int MaxIdle => Options.ThreadCount > 0 ? Options.ThreadCount : Environment.ProcessorCount;

    private SongClassifier NewWorker() => new(_model, threadCount: 1, Options.Device, Options.BatchSize, Options.Embeddings);
}
