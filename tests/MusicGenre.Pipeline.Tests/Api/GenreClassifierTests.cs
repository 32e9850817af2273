using MusicGenre.Api;
using MusicGenre.Audio;

namespace MusicGenre.Pipeline.Tests.Api;

public class GenreClassifierTests
{
    private static string Example(string name) => Path.Combine(SharedData.RepoRoot, "examples", "audio", name);

    private static readonly string[] Examples =
        Directory.GetFiles(Path.Combine(SharedData.RepoRoot, "examples", "audio"), "*.wav").Order(StringComparer.Ordinal).ToArray();

    [Fact]
    public void ConcurrentPredictionsAreBitIdenticalToSequentialOnes()
    {
        using var classifier = GenreClassifier.Load(TinyModel.File);
        var sequential = Examples.Select(f => classifier.Predict(f)).ToArray();
        var work = Enumerable.Range(0, 4 * Examples.Length).Select(i => Examples[i % Examples.Length]).ToArray();
        var concurrent = new GenrePrediction[work.Length];
        Parallel.For(0, work.Length, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i => concurrent[i] = classifier.Predict(work[i]));
        for (int i = 0; i < work.Length; i++)
        {
            var expected = sequential[i % Examples.Length];
            Assert.Equal(expected.SegmentCount, concurrent[i].SegmentCount);
            for (int s = 0; s < expected.SegmentCount; s++)
                Assert.True(expected.SegmentProbabilities(s).SequenceEqual(concurrent[i].SegmentProbabilities(s)), $"{work[i]} segment {s} differs");
        }
        using var four = GenreClassifier.Load(TinyModel.File, new ClassifierOptions { ThreadCount = 4 });
        var batch = four.PredictMany(work);
        Assert.All(batch.Select((r, i) => (r, i)), x => Assert.Equal(sequential[x.i % Examples.Length].Scores, x.r.Prediction!.Scores));
    }

    [Fact]
    public void InvalidOptionsAreAllReportedInOneException()
    {
        var bad = new ClassifierOptions { Device = (DeviceKind)42, BatchSize = 0, ThreadCount = -1 };
        var ex = Assert.Throws<ClassifierOptionsException>(() => GenreClassifier.Load(TinyModel.File, bad));
        Assert.Equal(3, ex.Problems.Count);
        Assert.Contains(ex.Problems, p => p.StartsWith("Device = 42", StringComparison.Ordinal));
        Assert.Contains(ex.Problems, p => p.StartsWith("BatchSize = 0", StringComparison.Ordinal));
        Assert.Contains(ex.Problems, p => p.StartsWith("ThreadCount = -1", StringComparison.Ordinal));
        Assert.Throws<ClassifierOptionsException>(() => GenreClassifier.LoadDefault(new ClassifierOptions { BatchSize = 5000 }));
        Assert.Empty(new ClassifierOptions().Problems());
        // ILGPU's simulator is a device kind for kernel tests, not for classifying.
        Assert.Contains(new ClassifierOptions { Device = DeviceKind.Simulator }.Problems(), p => p.StartsWith("Device = Simulator", StringComparison.Ordinal));
    }

    [Fact]
    public void BatchSizeDoesNotChangePredictions()
    {
        using var one = GenreClassifier.Load(TinyModel.File, new ClassifierOptions { BatchSize = 1 });
        using var many = GenreClassifier.Load(TinyModel.File, new ClassifierOptions { BatchSize = 64 });
        foreach (var file in Examples)
        {
            var a = one.Predict(file);
            var b = many.Predict(file);
            Assert.Equal(a.SegmentCount, b.SegmentCount);
            for (int s = 0; s < a.SegmentCount; s++)
                Close.Assert(a.SegmentProbabilities(s), b.SegmentProbabilities(s), 1e-6, 0, $"{Path.GetFileName(file)} segment {s}");
        }
    }

    [Fact]
    public void AskingForAMissingGpuFailsAtLoadWithDeviceUnavailable()
    {
        // Only meaningful where ILGPU finds no CUDA device (as on the CI machines); with one, the load must work.
        try
        {
            using var gpu = GenreClassifier.Load(TinyModel.File, new ClassifierOptions { Device = DeviceKind.Cuda });
            Assert.Equal(DeviceKind.Cuda, gpu.Options.Device);
            Assert.Equal(10, gpu.Predict(Examples[0]).Scores.Count);
        }
        catch (DeviceUnavailableException ex)
        {
            Assert.Equal(DeviceKind.Cuda, ex.Device);
            Assert.Contains("CUDA", ex.Message, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public void PathStreamAndSamplesAgree()
    {
        using var classifier = GenreClassifier.Load(TinyModel.File);
        string file = Example("disco-strut.wav");
        var fromPath = classifier.Predict(file);
        using var stream = File.OpenRead(file);
        var fromStream = classifier.Predict(stream, "disco");
        var clip = AudioFile.Load(file, new AudioLoadOptions { TargetSampleRate = null });
        var fromSamples = classifier.Predict(clip.Samples, clip.SampleRate);
        Assert.Equal(fromPath.Scores, fromStream.Scores);
        Assert.Equal(fromPath.Scores, fromSamples.Scores);
        Assert.Equal("disco", fromStream.Source);
        Assert.Equal(1.0, fromPath.Scores.Sum(s => s.Probability), 5);
        Assert.Equal(fromPath.Scores.MaxBy(s => s.Probability), fromPath.Top);
        Assert.Equal(fromPath.TopK(3).Select(s => s.Probability), fromPath.Scores.Select(s => s.Probability).OrderDescending().Take(3));
        // A clip is covered by whole 3 s segments, the last one ending at the clip's end.
        Assert.Equal((clip.Samples.Length + 3 * 22050 - 1) / (3 * 22050), fromPath.SegmentCount);
        // Where each segment lies, the same whether the file was streamed or given as samples.
        Assert.Equal((double)clip.Samples.Length / 22050, fromPath.Seconds, 9);
        Assert.Equal(fromSamples.Seconds, fromPath.Seconds, 9);
        Assert.Equal(0, fromPath.SegmentStart(0));
        Assert.Equal(3.0, fromPath.SegmentStart(1), 9);
        Assert.Equal(fromPath.Seconds - 3, fromPath.SegmentStart(fromPath.SegmentCount - 1), 9);
        Assert.Throws<ArgumentOutOfRangeException>(() => fromPath.SegmentStart(fromPath.SegmentCount));
    }

    [Fact]
    public void ResampledInputGivesNearlyTheSameAnswerAndShortClipsAreClassifiedAtTheirLengthOrRefused()
    {
        using var classifier = GenreClassifier.Load(TinyModel.File);
        var clip = AudioFile.Load(Example("metal-riff.wav"));
        float[] doubled = new float[clip.Samples.Length * 2];
        for (int i = 0; i < doubled.Length; i++) doubled[i] = clip.Samples[i / 2]; // 44.1 kHz sample-and-hold copy
        var native = classifier.Predict(clip.Samples, 22050);
        var resampled = classifier.Predict(doubled, 44100);
        Assert.Equal(native.SegmentCount, resampled.SegmentCount);
        Assert.Equal(native.Top.Genre, resampled.Top.Genre);

        var twoAndAHalf = classifier.Predict(clip.Samples.AsSpan(0, 22050 * 5 / 2), 22050, "short");
        Assert.Equal(1, twoAndAHalf.SegmentCount);
        Assert.Equal(2.5, twoAndAHalf.SegmentSeconds, 6); // one window of the clip's own length: no silence padding
        Assert.Equal((2.5, 0.0), (twoAndAHalf.Seconds, twoAndAHalf.SegmentStart(0)));
        Assert.Null(twoAndAHalf.Warning);
        var ex = Assert.Throws<ArgumentException>(() => classifier.Predict(clip.Samples.AsSpan(0, 22050), 22050, "one-second"));
        Assert.Contains("one-second", ex.Message);
        Assert.DoesNotContain("Parameter", ex.Message);
        var withNaN = clip.Samples[..(3 * 22050)];
        withNaN[22050] = float.NaN;
        var nan = Assert.Throws<ArgumentException>(() => classifier.Predict(withNaN, 22050, "broken-synth"));
        Assert.Equal("broken-synth: sample 22050 (1 s) is NaN; audio samples must be finite and within ±1e6 (full scale is ±1)", nan.Message);

        // Silence and DC are classified (a genre is always given) but flagged; real music is not.
        Assert.Contains("digital silence", classifier.Predict(new float[3 * 22050], 22050, "zeros").Warning);
        Assert.Contains("DC offset 0.5", classifier.Predict(Enumerable.Repeat(0.5f, 3 * 22050).ToArray(), 22050, "dc").Warning);
        Assert.Null(classifier.Predict(clip.Samples, 22050, "music").Warning);
    }

    /// <summary>The warning reads the same whatever the caller's culture (it said "DC offset 0,25" under de-DE, "0٫25" under ar-SA).</summary>
    [Theory]
    [InlineData("de-DE")]
    [InlineData("ar-SA")]
    public void Warnings_AreWrittenInvariantly(string culture)
    {
        using var classifier = GenreClassifier.Load(TinyModel.File);
        var saved = System.Globalization.CultureInfo.CurrentCulture;
        System.Globalization.CultureInfo.CurrentCulture = System.Globalization.CultureInfo.GetCultureInfo(culture);
        try
        {
            Assert.Equal("dc: (almost) no signal (a constant value, DC offset 0.25); the genre means nothing",
                classifier.Predict(Enumerable.Repeat(0.25f, 3 * 22050).ToArray(), 22050, "dc").Warning);
            var hum = Enumerable.Range(0, 3 * 22050).Select(i => 3e-5f * MathF.Sin(i * 0.1f)).ToArray();
            Assert.Equal("hum: (almost) no signal (-93 dBFS RMS); the genre means nothing", classifier.Predict(hum, 22050, "hum").Warning);
        }
        finally { System.Globalization.CultureInfo.CurrentCulture = saved; }
    }

    [Fact]
    public void FiniteButAbsurdSamplesAreRefusedAsTheDecoderRefusesThemNotTurnedIntoNaN()
    {
        // 1e30 is finite, but its power spectrum overflows float32: without the check the probabilities were NaN.
        using var classifier = GenreClassifier.Load(TinyModel.File);
        var clip = AudioFile.Load(Example("metal-riff.wav")).Samples[..(3 * 22050)];
        var loud = (float[])clip.Clone();
        loud[33075] = 1e30f;
        var e = Assert.Throws<ArgumentException>(() => classifier.Predict(loud, 22050, "absurd"));
        Assert.Equal("absurd: sample 33075 (1.5 s) is 1E+30; audio samples must be finite and within ±1e6 (full scale is ±1)", e.Message);
        // Resampled input is judged before resampling: the index and time are the caller's.
        var doubled = new float[2 * clip.Length];
        for (int i = 0; i < doubled.Length; i++) doubled[i] = clip[i / 2];
        doubled[40001] = -3e6f;
        e = Assert.Throws<ArgumentException>(() => classifier.Predict(doubled, 44100, "absurd44k"));
        Assert.StartsWith("absurd44k: sample 40001 (0.907 s) is -3000000;", e.Message);

        // The limit itself is accepted and classified with real probabilities.
        var atLimit = (float[])clip.Clone();
        atLimit[100] = 1e6f; atLimit[200] = -1e6f;
        var p = classifier.Predict(atLimit, 22050, "limit");
        Assert.All(p.Scores, s => Assert.True(float.IsFinite(s.Probability), $"{s.Genre}: {s.Probability}"));
    }

    [Fact]
    public void BadInputsGiveClearErrors()
    {
        using var classifier = GenreClassifier.Load(TinyModel.File);
        string dir = SharedData.NewTempDir();
        string text = Path.Combine(dir, "notes.mp3");
        File.WriteAllText(text, "not audio at all, just some words");
        var audioError = Assert.Throws<AudioFormatException>(() => classifier.Predict(text));
        Assert.Contains("notes.mp3", audioError.Message);
        var batch = classifier.PredictMany([text, Example("reggae-skank.wav")]);
        Assert.NotNull(batch[0].Error);
        Assert.NotNull(batch[1].Prediction);

        string corrupt = Path.Combine(dir, "model.h5");
        File.WriteAllBytes(corrupt, File.ReadAllBytes(TinyModel.File).AsSpan(0, 2000).ToArray());
        var modelError = Assert.ThrowsAny<Exception>(() => GenreClassifier.Load(corrupt));
        Assert.Contains("model.h5", modelError.Message);
        Assert.Throws<FileNotFoundException>(() => GenreClassifier.Load(Path.Combine(dir, "missing.h5")));
    }

    [Fact]
    public void TheBundledModelLoadsAndClassifiesEveryExample()
    {
        using var classifier = GenreClassifier.LoadDefault();
        Assert.Equal(["blues", "classical", "country", "disco", "hiphop", "jazz", "metal", "pop", "reggae", "rock"], classifier.Genres);
        Assert.Equal("librosa_default", classifier.FeaturePreset);
        foreach (var result in classifier.PredictMany(Examples))
        {
            Assert.Null(result.Error);
            Assert.Equal(1.0, result.Prediction!.Scores.Sum(s => s.Probability), 4);
        }
        // The composed piano piece is the one example that is unambiguous for a GTZAN-trained model.
        Assert.Equal("classical", classifier.Predict(Example("classical-arpeggios.wav")).Top.Genre);
    }

    [Fact]
    public void CancellationStopsABatch()
    {
        using var classifier = GenreClassifier.Load(TinyModel.File);
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => classifier.PredictMany(Examples, cancellationToken: cts.Token));
    }

    [Fact]
    public void EachBatchReport_CarriesItsInputsIndexAndResult_SoACancelledBatchKeepsWhatFinished()
    {
        using var classifier = GenreClassifier.Load(TinyModel.File, new ClassifierOptions { ThreadCount = 2 });
        var inputs = Examples.Append("/no/such/file.wav").ToArray();
        var reports = new System.Collections.Concurrent.ConcurrentBag<BatchProgress>();
        var results = classifier.PredictMany(inputs, new SyncProgress<BatchProgress>(reports.Add));
        Assert.Equal(inputs.Length, reports.Count);
        Assert.Equal(Enumerable.Range(0, inputs.Length), reports.Select(r => r.Index).Order());
        foreach (var r in reports)
        {
            Assert.Same(results[r.Index], r.Result);
            Assert.Equal(inputs[r.Index], r.LastPath);
        }
        Assert.NotNull(results[^1].Error);

        // Cancelled after the first file: the batch throws, and the report kept that file's result.
        using var cancel = new CancellationTokenSource();
        BatchResult? kept = null;
        Assert.ThrowsAny<OperationCanceledException>(() => classifier.PredictMany(inputs,
            new SyncProgress<BatchProgress>(r => { kept ??= r.Result; cancel.Cancel(); }), cancel.Token));
        Assert.NotNull(kept?.Prediction);
    }

    /// <summary>
    /// What the documented exceptions promise: a missing file is a FileNotFoundException, and a stream that fails — a read
    /// error, or one that says it can seek and has no length — an AudioFormatException naming the source with the stream's
    /// own exception inside (a NotSupportedException of Length escaped as itself). All of them are IOExceptions.
    /// </summary>
    [Fact]
    public void FilesAndStreamsThatCannotBeRead_ThrowTheDocumentedExceptions()
    {
        using var classifier = GenreClassifier.Load(TinyModel.File);
        byte[] wav = File.ReadAllBytes(Example("metal-riff.wav"));
        Assert.IsAssignableFrom<IOException>(Assert.Throws<FileNotFoundException>(() => classifier.Predict(Path.Combine(SharedData.NewTempDir("musicgenre-missing"), "gone.wav"))));
        foreach (var (stream, inner) in new (Stream, Type)[] { (new LengthlessStream(wav), typeof(NotSupportedException)), (new FailingStream(wav), typeof(IOException)) })
        {
            var e = Assert.Throws<AudioFormatException>(() => classifier.Predict(stream, "mic"));
            Assert.StartsWith("mic: ", e.Message);
            Assert.IsType(inner, e.InnerException);
        }
    }

    /// <summary>A seekable stream without a length (CanSeek true, Length throws), as some wrappers are.</summary>
    private sealed class LengthlessStream(byte[] data) : MemoryStream(data)
    {
        public override long Length => throw new NotSupportedException("no length");
    }

    /// <summary>A stream whose reads fail after the first 4 KiB, as a dropped network stream does.</summary>
    private sealed class FailingStream(byte[] data) : MemoryStream(data)
    {
        public override int Read(byte[] buffer, int offset, int count) => Position >= 4096 ? throw new IOException("connection reset") : base.Read(buffer, offset, Math.Min(count, 4096));

        public override int Read(Span<byte> buffer) => Position >= 4096 ? throw new IOException("connection reset") : base.Read(buffer[..Math.Min(buffer.Length, 4096)]);
    }

    /// <summary>A stream that blocks its first read until released: a prediction held in flight while the test disposes.</summary>
    private sealed class GatedStream(byte[] data) : MemoryStream(data)
    {
        public readonly ManualResetEventSlim Entered = new(), Release = new();

        public override int Read(byte[] buffer, int offset, int count) { Gate(); return base.Read(buffer, offset, count); }

        public override int Read(Span<byte> buffer) { Gate(); return base.Read(buffer); }

        private void Gate()
        {
            if (Entered.IsSet) return;
            Entered.Set();
            Assert.True(Release.Wait(TimeSpan.FromMinutes(1)), "never released");
        }
    }

    [Fact]
    public async Task AWorkerInUseWhenTheClassifierIsDisposed_IsDisposedWhenItComesBack_NotPooled()
    {
        var classifier = GenreClassifier.Load(TinyModel.File);
        var gated = new GatedStream(File.ReadAllBytes(Example("metal-riff.wav")));
        var inFlight = Task.Run(() => classifier.Predict(gated, "metal-riff.wav"));
        Assert.True(gated.Entered.Wait(TimeSpan.FromMinutes(1)), "the prediction did not start");
        classifier.Dispose(); // the pool is emptied while the prediction holds its worker
        gated.Release.Set();
        Assert.Equal("metal-riff.wav", (await inFlight).Source); // the call in flight finishes
        Assert.Equal(0, classifier.PooledWorkers); // and its worker is disposed, not put back
        Assert.Throws<ObjectDisposedException>(() => classifier.Predict(Example("metal-riff.wav")));
    }

    /// <summary>
    /// After a burst of concurrent calls the classifier keeps at most ThreadCount idle workers: 64 simultaneous calls used
    /// to leave 64 pooled workers (1.4 GB) for the classifier's lifetime.
    /// </summary>
    [Fact]
    public async Task ABurstOfConcurrentCalls_LeavesAtMostThreadCountIdleWorkers()
    {
        using var classifier = GenreClassifier.Load(TinyModel.File, new ClassifierOptions { ThreadCount = 2 });
        var bytes = File.ReadAllBytes(Example("metal-riff.wav"));
        var streams = Enumerable.Range(0, 6).Select(_ => new GatedStream(bytes)).ToArray();
        // Six calls, each holding its worker until all six have started reading (so six workers exist at once).
        var calls = streams.Select(g => Task.Run(() => classifier.Predict(g, "metal-riff.wav"))).ToArray();
        foreach (var g in streams) Assert.True(g.Entered.Wait(TimeSpan.FromMinutes(1)), "a prediction did not start");
        Assert.Equal(0, classifier.PooledWorkers);
        foreach (var g in streams) g.Release.Set();
        var results = await Task.WhenAll(calls);
        Assert.Equal(2, classifier.PooledWorkers);
        var alone = classifier.Predict(Example("metal-riff.wav"));
        Assert.All(results, r => Assert.Equal(alone.Scores, r.Scores));
        Assert.Equal(2, classifier.PooledWorkers);
    }

    [Fact]
    public void BatchErrors_AreThemselves_NotWrappedInAggregateException()
    {
        var classifier = GenreClassifier.Load(TinyModel.File);
        var boom = new InvalidOperationException("boom");
        Assert.Same(boom, Assert.Throws<InvalidOperationException>(() =>
            classifier.PredictMany([Example("metal-riff.wav")], new SyncProgress<BatchProgress>(_ => throw boom))));
        // A null or empty entry is reported in its result, naming which entry it was.
        var reports = new List<BatchProgress>();
        var results = classifier.PredictMany([Example("metal-riff.wav"), null!, ""], new SyncProgress<BatchProgress>(reports.Add));
        Assert.NotNull(results[0].Prediction);
        Assert.Equal("entry 1 of the batch: the path is null", results[1].Error);
        Assert.Equal("", results[1].Path); // never null, as declared
        Assert.All(reports, r => Assert.NotNull(r.LastPath));
        Assert.Equal("entry 2 of the batch: the path is empty", results[2].Error);
        classifier.Dispose();
        Assert.Throws<ObjectDisposedException>(() => classifier.PredictMany([Example("metal-riff.wav")]));
    }

    [Fact]
    public async Task APredictionStopsWhenCancelled_BetweenSegments_AndItsWorkerGoesBack()
    {
        using var classifier = GenreClassifier.Load(TinyModel.File);
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        Assert.Throws<OperationCanceledException>(() => classifier.Predict(Example("metal-riff.wav"), cancelled.Token));
        // Cancelled while it reads: the stream blocks until the token is cancelled, then the next window is not started.
        using var later = new CancellationTokenSource();
        var gated = new GatedStream(File.ReadAllBytes(Example("metal-riff.wav")));
        var inFlight = Task.Run(() => classifier.Predict(gated, "metal-riff.wav", later.Token));
        Assert.True(gated.Entered.Wait(TimeSpan.FromMinutes(1)), "the prediction did not start");
        later.Cancel();
        gated.Release.Set();
        await Assert.ThrowsAsync<OperationCanceledException>(() => inFlight);
        Assert.Equal(1, classifier.PooledWorkers); // returned to the pool, usable again
        Assert.Equal(classifier.Predict(Example("metal-riff.wav")).Scores, classifier.Predict(Example("metal-riff.wav"), CancellationToken.None).Scores);
    }

    [Fact]
    public void InterleavedSamples_AreMixedToMonoExactlyAsTheDecoderMixesAStereoFile()
    {
        using var classifier = GenreClassifier.Load(TinyModel.File);
        var options = new AudioLoadOptions { TargetSampleRate = null };
        var left = AudioFile.Load(Example("disco-strut.wav"), options);
        var right = AudioFile.Load(Example("metal-riff.wav"), options);
        Assert.Equal(left.SampleRate, right.SampleRate);
        int frames = Math.Min(left.Samples.Length, right.Samples.Length);
        var interleaved = new float[2 * frames];
        for (int i = 0; i < frames; i++) { interleaved[2 * i] = left.Samples[i]; interleaved[2 * i + 1] = right.Samples[i]; }

        // The same samples as a 32-bit float stereo WAV, decoded by the file path.
        string wav = Path.Combine(SharedData.NewTempDir("musicgenre-stereo"), "stereo.wav");
        using (var w = new BinaryWriter(File.Create(wav)))
        {
            int data = interleaved.Length * 4;
            w.Write("RIFF"u8); w.Write(36 + data); w.Write("WAVE"u8);
            w.Write("fmt "u8); w.Write(16); w.Write((short)3); w.Write((short)2); w.Write(left.SampleRate);
            w.Write(left.SampleRate * 8); w.Write((short)8); w.Write((short)32);
            w.Write("data"u8); w.Write(data);
            foreach (float v in interleaved) w.Write(v);
        }
        var fromFile = classifier.Predict(wav);
        var fromInterleaved = classifier.Predict(interleaved, left.SampleRate, channels: 2);
        Assert.Equal(fromFile.Scores, fromInterleaved.Scores);
        Assert.NotEqual(classifier.Predict(left.Samples.AsSpan(0, frames), left.SampleRate).Scores, fromInterleaved.Scores); // both channels count

        // One channel is the mono overload; a sample count that is not whole frames is refused.
        Assert.Equal(classifier.Predict(left.Samples, left.SampleRate).Scores, classifier.Predict(left.Samples, left.SampleRate, channels: 1).Scores);
        Assert.Equal("interleaved", Assert.Throws<ArgumentException>(() => classifier.Predict(interleaved.AsSpan(1), left.SampleRate, 2)).ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => classifier.Predict(interleaved, left.SampleRate, 0));

        // A bad sample is found before mixing, named by its frame and channel: +5e6 and −5e6 in one frame mixed to a
        // plausible 0 and were accepted; a NaN in the right channel was named by its index in the mixed signal.
        foreach (var (index, value, says) in new[] { (2 * 22050 + 1, float.NaN, "sample 22050 of channel 1 (1 s) is NaN"), (200, 5e6f, "sample 100 of channel 0") })
        {
            var bad = (float[])interleaved.Clone();
            bad[index] = value;
            if (value > 0) bad[index + 1] = -value;
            var e = Assert.Throws<ArgumentException>(() => classifier.Predict(bad, left.SampleRate, 2, "mic"));
            Assert.Equal("interleaved", e.ParamName);
            Assert.StartsWith("mic: " + says, e.Message);
        }
    }

    /// <summary>
    /// Samples in memory are cancellable as files and streams are (checked between batches of windows), and a long
    /// recording is classified one batch at a time with the same numbers as before (it had no token at all).
    /// </summary>
    [Fact]
    public void SamplesInMemory_CanBeCancelled_AndGiveTheSameAnswerBatchByBatch()
    {
        using var classifier = GenreClassifier.Load(TinyModel.File);
        var clip = AudioFile.Load(Example("metal-riff.wav"), new AudioLoadOptions { TargetSampleRate = null });
        // 40 copies: more windows than one network batch, so several batches are formed.
        var longer = Enumerable.Repeat(clip.Samples, 40).SelectMany(x => x).ToArray();
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => classifier.Predict(longer, clip.SampleRate, "long", cancelled.Token));
        Assert.ThrowsAny<OperationCanceledException>(() => classifier.Predict(longer, clip.SampleRate, 1, "long", cancelled.Token));

        var fromSpan = classifier.Predict(longer, clip.SampleRate, "long");
        string wav = Path.Combine(SharedData.NewTempDir("musicgenre-long-span"), "long.wav");
        using (var w = new BinaryWriter(File.Create(wav)))
        {
            w.Write("RIFF"u8); w.Write(36 + 4 * longer.Length); w.Write("WAVEfmt "u8); w.Write(16); w.Write((short)3); w.Write((short)1);
            w.Write(clip.SampleRate); w.Write(4 * clip.SampleRate); w.Write((short)4); w.Write((short)32); w.Write("data"u8); w.Write(4 * longer.Length);
            foreach (float v in longer) w.Write(v);
        }
        var fromFile = classifier.Predict(wav); // the streaming path, batch by batch since it was written
        Assert.True(fromSpan.SegmentCount > 64, $"{fromSpan.SegmentCount} windows");
        Assert.Equal(fromFile.SegmentCount, fromSpan.SegmentCount);
        Assert.Equal(fromFile.Scores, fromSpan.Scores);
    }

    [Fact]
    public void SamplesAtAnImplausibleRate_AreRefusedNamingTheArgument()
    {
        using var classifier = GenreClassifier.Load(TinyModel.File);
        var samples = new float[220_500];
        foreach (int rate in new[] { 1, 999, 1_536_001, int.MaxValue })
        {
            var e = Assert.Throws<ArgumentOutOfRangeException>(() => classifier.Predict(samples, rate));
            Assert.Equal("sampleRate", e.ParamName);
        }
        var prediction = classifier.Predict(new float[2 * 1000 + 100], 1000); // the lowest rate the decoders accept still works
        Assert.Equal("samples", prediction.Source);
        Assert.Matches(@"^[a-z]+ \d+\.\d % \(samples\)$", prediction.ToString());
    }

}

public sealed class GenreClassifierEmbeddingTests
{
    private static string Example(string name) => Path.Combine(SharedData.RepoRoot, "examples", "audio", name);

    /// <summary>
    /// With <see cref="ClassifierOptions.Embeddings"/> a prediction carries the song's embedding: for a clip of one window,
    /// exactly the predictor's embedding of its log-mel; the same whether the file is streamed or given as samples; none
    /// without the option; and the probabilities are unchanged by asking for it.
    /// </summary>
    [Fact]
    public void Embeddings_AreTheWindowsMeanOutputLayerInput_OnEveryPath()
    {
        using var plain = GenreClassifier.Load(TinyModel.File);
        // Batches of 3 over the clip's 8 windows: sums across batches of different sizes, the last one partial.
        using var embedding = GenreClassifier.Load(TinyModel.File, new ClassifierOptions { Embeddings = true, BatchSize = 3 });
        string file = Example("disco-strut.wav");
        var clip = AudioFile.Load(file);
        var streamed = embedding.Predict(file);
        var fromSamples = embedding.Predict(clip.Samples, clip.SampleRate);
        Assert.Null(plain.Predict(file).Embedding);
        Assert.Equal(plain.Predict(file).Scores, streamed.Scores);
        Assert.Equal(streamed.Embedding, fromSamples.Embedding);

        // One window of 2.5 s: the embedding is the predictor's for that window's log-mel.
        var model = MusicGenre.Nn.ModelFile.ModelFileReader.Read(TinyModel.File);
        var window = clip.Samples.AsSpan(0, 22050 * 5 / 2).ToArray();
        var extractor = new MusicGenre.Features.FeatureExtractor(MusicGenre.Features.FeaturePresets.Get(model.FeaturePreset));
        var logMel = extractor.Compute(MusicGenre.Features.FeatureKind.LogMel, window);
        using var predictor = new MusicGenre.Nn.Training.GenrePredictor(model);
        var expected = predictor.EmbedSegments(logMel, 1, logMel.Length / 128);
        var short_ = embedding.Predict(window, 22050);
        Assert.Equal(predictor.EmbeddingSize, short_.Embedding!.Count);
        Assert.Equal(expected, short_.Embedding);
    }
}

public sealed class GenreClassifierModelFileTests
{
    /// <summary>
    /// A model whose feature preset this build does not know (another build's, or a damaged attribute: the tensor
    /// checksums do not cover it) is refused at load, by the library and by evaluate, naming the file — it said "Unknown
    /// feature preset 'nope'" with no file.
    /// </summary>
    [H5pyFact]
    public void AModelOfAnUnknownPreset_IsRefusedAtLoad_NamingTheFile()
    {
        string dir = SharedData.NewTempDir("musicgenre-unknown-preset"), model = Path.Combine(dir, "m.h5");
        File.Copy(TinyModel.File, model);
        int rc = Python.Run("import sys, h5py\nwith h5py.File(sys.argv[1], 'r+') as f:\n    f.attrs['feature_preset'] = 'nope'", out string output, model);
        Assert.True(rc == 0, output);
        var e = Assert.Throws<MusicGenre.Nn.ModelFile.ModelFileException>(() => GenreClassifier.Load(model));
        Assert.Contains($"{model}: feature preset 'nope' is not one this build knows (librosa_default", e.Message);
        var store = Path.Combine(dir, "none");
        Directory.CreateDirectory(store);
        var fromEvaluate = Assert.Throws<MusicGenre.Nn.ModelFile.ModelFileException>(() =>
            MusicGenre.Pipeline.Evaluation.EvaluationJob.Run(model, store, null, Path.Combine(dir, "report"), null, null, CancellationToken.None));
        Assert.Contains(model, fromEvaluate.Message);
    }

    /// <summary>
    /// A model whose preset and segment length cannot make the network's input — a preset of 40 mel bands for a network
    /// of 128, or segments of 0.01 s for a network that pools 86 frames — is refused at load naming the file; it failed at
    /// the first song with "segments: 81600 values, expected [8, 1, 128, 255]" or "needs at least 86 frames", no file named.
    /// </summary>
    [H5pyTheory]
    [InlineData("f.attrs['feature_preset'] = 'htk_40'", "feature preset 'htk_40' makes 40 mel bands, but the network takes 128")]
    [InlineData("f.attrs['segment_seconds'] = 0.01", "its 0.01 s segments make 1 frames, but architecture 'default' needs at least")]
    public void AModelWhosePresetCannotMakeItsInput_IsRefusedAtLoad(string edit, string expected)
    {
        string dir = SharedData.NewTempDir("musicgenre-inconsistent-model"), model = Path.Combine(dir, "m.h5");
        File.Copy(TinyModel.File, model);
        int rc = Python.Run($"import sys, h5py\nwith h5py.File(sys.argv[1], 'r+') as f:\n    {edit}", out string output, model);
        Assert.True(rc == 0, output);
        var e = Assert.Throws<MusicGenre.Nn.ModelFile.ModelFileException>(() => GenreClassifier.Load(model));
        Assert.Contains($"{model}: {expected}", e.Message);
    }
}
