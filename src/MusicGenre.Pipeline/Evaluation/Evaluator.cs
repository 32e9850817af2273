using MusicGenre.Data.FeatureStore;
using MusicGenre.Nn.ModelFile;
using MusicGenre.Nn.Training;

namespace MusicGenre.Pipeline.Evaluation;

/// <summary>Runs a model over the songs of a feature store and scores it at segment and song level.</summary>
internal static class Evaluator
{
    /// <summary>Evaluates <paramref name="model"/> on <paramref name="songs"/> of <paramref name="store"/> (all when null).</summary>
    /// <exception cref="InvalidDataException">The store's genres or feature shape do not match the model.</exception>
    public static EvaluationReport Evaluate(GenreModel model, FeatureStoreReader store, IReadOnlyList<int>? songs = null,
        int threads = 0, IProgress<(int Done, int Total)>? progress = null, CancellationToken cancellationToken = default)
    {
        // 1. The store must speak the model's language: same genres in the same order, same mel count.
        CheckCompatible(model, store);
        songs ??= Enumerable.Range(0, store.Songs.Count).ToArray();
        int k = model.Labels.Count;
        threads = threads > 0 ? threads : Environment.ProcessorCount;

        // 2. Songs in parallel, one predictor per worker (predictors are not thread-safe).
        var outcomes = new SongOutcome[songs.Count];
        var segmentHits = new int[songs.Count];
        int done = 0;
        var partitions = System.Collections.Concurrent.Partitioner.Create(0, songs.Count, Math.Max(1, songs.Count / (threads * 4)));
        Parallel.ForEach(partitions, new ParallelOptions { MaxDegreeOfParallelism = threads, CancellationToken = cancellationToken },
            () => new GenrePredictor(model, threadCount: 1), (range, _, predictor) =>
            {
                for (int i = range.Item1; i < range.Item2; i++)
                {
                    var song = store.Songs[songs[i]];
                    float[] segments = store.ReadSong(songs[i]);
                    float[] per = predictor.PredictSegments(segments, song.SegmentCount, store.Header.Frames);
                    var mean = new double[k];
                    for (int s = 0; s < song.SegmentCount; s++)
                    {
                        var row = per.AsSpan(s * k, k);
                        if (ArgMax(row) == song.Label) segmentHits[i]++;
                        for (int c = 0; c < k; c++) mean[c] += row[c];
                    }
                    var probs = mean.Select(v => (float)(v / song.SegmentCount)).ToArray();
                    outcomes[i] = new SongOutcome(song.SongId, song.Path, song.Label, ArgMax(probs), probs);
                    progress?.Report((Interlocked.Increment(ref done), songs.Count));
                }
                return predictor;
            }, predictor => predictor.Dispose());

        // 3. Scores.
        int segmentsTotal = songs.Sum(s => store.Songs[s].SegmentCount);
        return Score(model.Labels, outcomes, segmentHits.Sum(), segmentsTotal);
    }

    /// <summary>Accuracy, confusion matrix and per-genre precision/recall/F1 of song outcomes.</summary>
    public static EvaluationReport Score(IReadOnlyList<string> genres, IReadOnlyList<SongOutcome> outcomes, int segmentHits, int segments)
    {
        int k = genres.Count;
        var confusion = new int[k, k];
        foreach (var o in outcomes) confusion[o.Label, o.Predicted]++;
        var perGenre = new List<GenreScores>(k);
        for (int g = 0; g < k; g++)
        {
            int tp = confusion[g, g], support = 0, predicted = 0;
            for (int j = 0; j < k; j++) { support += confusion[g, j]; predicted += confusion[j, g]; }
            double precision = predicted > 0 ? (double)tp / predicted : 0, recall = support > 0 ? (double)tp / support : 0;
            double f1 = precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0;
            perGenre.Add(new GenreScores(genres[g], support, precision, recall, f1));
        }
        int songHits = outcomes.Count(o => o.Label == o.Predicted);
        return new EvaluationReport(genres, segments, segments > 0 ? (double)segmentHits / segments : 0,
            outcomes.Count, outcomes.Count > 0 ? (double)songHits / outcomes.Count : 0, confusion, perGenre, outcomes);
    }

    /// <summary>The songs <paramref name="songs"/> of <paramref name="store"/> (all when null) as labelled audio files.</summary>
    internal static IReadOnlyList<Data.Datasets.DatasetEntry> Entries(FeatureStoreReader store, IReadOnlyList<int>? songs = null) =>
        (songs ?? Enumerable.Range(0, store.Songs.Count).ToArray())
            .Select(s => store.Songs[s])
            .Select(s => new Data.Datasets.DatasetEntry(s.Path, s.Label, s.SongId, string.IsNullOrWhiteSpace(s.Artist) ? null : s.Artist))
            .ToArray();

    internal static void CheckCompatible(GenreModel model, FeatureStoreReader store)
    {
        var problems = new List<string>();
        if (!model.Labels.SequenceEqual(store.Header.GenreNames, StringComparer.OrdinalIgnoreCase))
            problems.Add($"genres differ (model: {string.Join(",", model.Labels)}; store: {string.Join(",", store.Header.GenreNames)})");
        if (!string.Equals(model.FeaturePreset, store.Header.PresetName, StringComparison.OrdinalIgnoreCase))
            problems.Add($"feature preset differs (model: {model.FeaturePreset}; store: {store.Header.PresetName})");
        var spec = model.CreateSpec();
        if (model.InputBands(spec) != store.Header.Mels) problems.Add($"mel bands differ (model: {model.InputBands(spec)}; store: {store.Header.Mels})");
        if (!spec.AcceptsAnyLength && store.Header.Frames < spec.Frames)
            problems.Add($"segments have {store.Header.Frames} frames; the model needs {spec.Frames}");
        if (problems.Count > 0)
            throw new InvalidDataException($"{store.Path}: does not match the model: {string.Join("; ", problems)}");
    }

    internal static int ArgMax(ReadOnlySpan<float> values)
    {
        int best = 0;
        for (int i = 1; i < values.Length; i++) if (values[i] > values[best]) best = i;
        return best;
    }
}
