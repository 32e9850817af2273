using System.Globalization;
using MusicGenre.Audio;
using MusicGenre.Data.Datasets;
using MusicGenre.Features;
using MusicGenre.Nn.Initialization;
using MusicGenre.Nn.ModelFile;
using MusicGenre.Nn.Training;
using MusicGenre.Pipeline.Prediction;
using MusicGenre.Pipeline.Segmentation;

namespace MusicGenre.Pipeline.Evaluation;

/// <summary>
/// Scores a model on labelled audio through the prediction path (<see cref="SongClassifier"/>: decode, resample, cut by
/// the model's segmentation, no padding): each whole clip, or the random excerpts of an <see cref="ExcerptProtocol"/>.
/// In the report a "segment" is one window (whole clips) or one excerpt (protocol); a song's prediction is the mean of
/// its windows' or excerpts' probabilities.
/// </summary>
internal static class AudioEvaluator
{
    /// <summary>Evaluates <paramref name="model"/> on <paramref name="songs"/>: whole clips (<paramref name="protocol"/> null) or excerpts.</summary>
    /// <exception cref="ArgumentException">The protocol is invalid, or the songs' genre indices do not fit the model.</exception>
    /// <exception cref="InvalidDataException">Not one of the songs could be read and classified (the first error is named).</exception>
    public static EvaluationReport Evaluate(GenreModel model, IReadOnlyList<DatasetEntry> songs, ExcerptProtocol? protocol = null,
        int threads = 0, IProgress<(int Done, int Total)>? progress = null, Action<string>? skipped = null, CancellationToken cancellationToken = default,
        Action<string>? silent = null, Action<string>? decoderWarning = null) =>
        EvaluateEach(model, songs, [protocol], threads, progress, skipped, cancellationToken, silent, decoderWarning)[0];

    /// <summary>
    /// One report per entry of <paramref name="protocols"/> (null = whole clips), decoding each song once for all of them.
    /// <paramref name="silent"/> hears, once per song, the warning of a clip that holds (almost) no signal (digital silence,
    /// a constant): it is scored like any other, but its genre means nothing (predict warns of it the same way).
    /// <paramref name="decoderWarning"/> hears, once per song scored, the decoder's note on its file (a truncated WAV or
    /// MP3, damaged frames), as predict prints it.
    /// </summary>
    /// <exception cref="ArgumentException">A protocol is invalid, or the songs' genre indices do not fit the model.</exception>
    /// <exception cref="InvalidDataException">Not one of the songs could be read and classified (the first error is named).</exception>
    public static EvaluationReport[] EvaluateEach(GenreModel model, IReadOnlyList<DatasetEntry> songs, IReadOnlyList<ExcerptProtocol?> protocols,
        int threads = 0, IProgress<(int Done, int Total)>? progress = null, Action<string>? skipped = null, CancellationToken cancellationToken = default,
        Action<string>? silent = null, Action<string>? decoderWarning = null)
    {
        foreach (var protocol in protocols)
            if (protocol?.Problems() is { Count: > 0 } problems) throw new ArgumentException("Invalid excerpt protocol: " + string.Join("; ", problems), nameof(protocols));
        // A model with fixed-length windows cannot take excerpts shorter than its window: say so once, not per song.
        var segmentation = ClipSegmentation.For(model, FeaturePresets.Get(model.FeaturePreset).SampleRate);
        if (protocols.Select(p => p is null ? null : segmentation.ExcerptsTooShort(p.MinSeconds, p.MaxSeconds)).FirstOrDefault(why => why is not null) is { } tooShort)
            throw new ArgumentException(tooShort, nameof(protocols));
        int k = model.Labels.Count, m = protocols.Count;
        if (songs.FirstOrDefault(s => s.GenreIndex >= k) is { } bad) throw new ArgumentException($"{bad.Path}: genre index {bad.GenreIndex} is outside the model's {k} genres", nameof(songs));
        threads = threads > 0 ? threads : Environment.ProcessorCount;

        // 1. Songs in parallel, one classifier per worker (classifiers are not thread-safe); [protocol, song] results.
        var outcomes = new SongOutcome?[m, songs.Count];
        var excerpts = new ExcerptOutcome[m, songs.Count][];
        var hits = new int[m, songs.Count];
        var units = new int[m, songs.Count];
        int done = 0;
        string? firstError = null;
        Parallel.ForEach(System.Collections.Concurrent.Partitioner.Create(0, songs.Count, 1),
            new ParallelOptions { MaxDegreeOfParallelism = threads, CancellationToken = cancellationToken },
            () => new SongClassifier(model), (range, _, classifier) =>
            {
                for (int i = range.Item1; i < range.Item2; i++)
                {
                    var song = songs[i];
                    try
                    {
                        // Whole clips only: streamed window by window as predict does (memory does not grow with the
                        // song's length; the same probabilities, bit for bit). Excerpts need the whole clip to cut from.
                        bool streamed = protocols.All(p => p is null);
                        string? warning, decoded;
                        AudioClip clip = null!;
                        MusicGenre.Api.GenrePrediction? whole = null;
                        if (streamed)
                        {
                            using var reader = AudioStreamReader.Open(song.Path, new AudioLoadOptions { TargetSampleRate = classifier.SampleRate });
                            whole = classifier.Classify(reader, song.Path, cancellationToken, readerWarning: false);
                            (warning, decoded) = (whole.Warning, reader.Warning);
                        }
                        else
                        {
                            clip = AudioFile.Load(song.Path, new AudioLoadOptions { TargetSampleRate = classifier.SampleRate });
                            (warning, decoded) = (SongClassifier.CheckSignal(clip.Samples, clip.SampleRate, song.Path), clip.Warning);
                        }
                        for (int j = 0; j < m; j++)
                        {
                            var protocol = protocols[j];
                            // 2. The units scored: the whole clip's windows, or the protocol's excerpts.
                            var cut = protocol is null ? [] : Excerpts(clip.Samples, clip.SampleRate, song.SongId, protocol);
                            var predictions = protocol is null
                                ? [whole ?? classifier.Classify(clip.Samples, clip.SampleRate, song.Path)]
                                : cut.Select(e => classifier.Classify(e.Samples, clip.SampleRate, song.Path)).ToList();
                            excerpts[j, i] = cut.Select((e, n) =>
                            {
                                var p = predictions[n].Scores.Select(g => g.Probability).ToArray();
                                return new ExcerptOutcome(song.SongId, n, (double)e.Start / clip.SampleRate, (double)e.Samples.Length / clip.SampleRate,
                                    song.GenreIndex, Evaluator.ArgMax(p), p);
                            }).ToArray();
                            // 3. Units (windows or excerpts) and the song's mean over its units' mean probabilities.
                            var mean = new double[k];
                            foreach (var p in predictions)
                            {
                                var scores = p.Scores.Select(g => g.Probability).ToArray();
                                if (protocol is null)
                                {
                                    for (int s = 0; s < p.SegmentCount; s++, units[j, i]++)
                                        if (Evaluator.ArgMax(p.SegmentProbabilities(s)) == song.GenreIndex) hits[j, i]++;
                                }
                                else
                                {
                                    units[j, i]++;
                                    if (Evaluator.ArgMax(scores) == song.GenreIndex) hits[j, i]++;
                                }
                                for (int c = 0; c < k; c++) mean[c] += scores[c] / predictions.Count;
                            }
                            var probs = mean.Select(v => (float)v).ToArray();
                            outcomes[j, i] = new SongOutcome(song.SongId, song.Path, song.GenreIndex, Evaluator.ArgMax(probs), probs);
                        }
                        if (warning is not null) silent?.Invoke(warning); // once the song is scored (a song that fails is only skipped)
                        if (decoded is not null) decoderWarning?.Invoke(decoded); // e.g. a truncated file, scored as far as it goes
                    }
                    catch (Exception e) when (e is AudioFormatException or IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException or InvalidDataException)
                    {
                        // A song that fails is left out of every report (a later protocol never scores it alone).
                        for (int j = 0; j < m; j++) { outcomes[j, i] = null; excerpts[j, i] = []; hits[j, i] = 0; units[j, i] = 0; }
                        Interlocked.CompareExchange(ref firstError, FileProblem.Line(song.Path, e.Message), null);
                        skipped?.Invoke(FileProblem.Line(song.Path, e.Message));
                    }
                    progress?.Report((Interlocked.Increment(ref done), songs.Count));
                }
                return classifier;
            }, classifier => classifier.Dispose());

        // 4. Scores over the songs that could be read.
        var reports = new EvaluationReport[m];
        for (int j = 0; j < m; j++)
        {
            var scored = Enumerable.Range(0, songs.Count).Select(i => outcomes[j, i]).OfType<SongOutcome>().ToList();
            if (scored.Count == 0 && songs.Count > 0)
                throw new InvalidDataException($"none of the {songs.Count} songs could be classified; the first: {firstError}");
            reports[j] = Evaluator.Score(model.Labels, scored, Enumerable.Range(0, songs.Count).Sum(i => hits[j, i]), Enumerable.Range(0, songs.Count).Sum(i => units[j, i]))
                with { Excerpts = Enumerable.Range(0, songs.Count).SelectMany(i => excerpts[j, i] ?? []).ToArray() };
        }
        return reports;
    }

    /// <summary>
    /// The protocol's excerpts of one clip: lengths and starts from a generator seeded by (seed, song id); a clip shorter
    /// than the drawn length is taken whole. Each excerpt is levelled, gained and clipped to ±1.
    /// </summary>
    /// <exception cref="ArgumentException">The clip is shorter than the protocol's shortest excerpt (it cannot be scored by it).</exception>
    internal static List<(float[] Samples, int Start)> Excerpts(ReadOnlySpan<float> samples, int sampleRate, string songId, ExcerptProtocol protocol)
    {
        if (samples.Length < Math.Ceiling(protocol.MinSeconds * sampleRate - 1e-6))
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"{(double)samples.Length / sampleRate:0.###} s long, shorter than the protocol's {protocol.MinSeconds:0.###} s shortest excerpt; not scored by it"));
        var rng = new Rng(Trainer.SubSeed(protocol.Seed, Preprocess.ShardSpec.StableHash(songId)));
        float gain = (float)Math.Pow(10, protocol.GainDb / 20);
        var list = new List<(float[], int)>(protocol.PerSong);
        for (int e = 0; e < protocol.PerSong; e++)
        {
            // 1. Length and start (two draws per excerpt, always).
            double seconds = protocol.MinSeconds + (protocol.MaxSeconds - protocol.MinSeconds) * rng.NextDouble();
            int length = (int)Math.Min(samples.Length, Math.Round(seconds * sampleRate));
            double u = rng.NextDouble();
            int start = (int)Math.Floor(u * (samples.Length - length + 1));
            start = Math.Min(start, samples.Length - length);
            var x = samples.Slice(start, length).ToArray();
            // 2. Level: peak to ±1 (silence stays silence), then the gain, then clip to ±1 as a converter would.
            float scale = gain;
            if (protocol.Level == ExcerptLevel.Peak)
            {
                float peak = 0;
                foreach (float v in x) peak = Math.Max(peak, Math.Abs(v));
                if (peak > 0) scale /= peak;
            }
            for (int i = 0; i < x.Length; i++) x[i] = Math.Clamp(x[i] * scale, -1f, 1f);
            list.Add((x, start));
        }
        return list;
    }
}
