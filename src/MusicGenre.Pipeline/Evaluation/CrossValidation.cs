using System.Globalization;
using MusicGenre.Data.FeatureStore;
using MusicGenre.Nn.ModelFile;
using MusicGenre.Nn.Training;
using MusicGenre.Pipeline.Training;

namespace MusicGenre.Pipeline.Evaluation;

/// <summary>
/// Song-level k-fold cross-validation: songs (or artists) are dealt into k folds stratified by genre with a seeded
/// shuffle; for each fold a model is trained on the other folds (its early-stopping validation split is taken from
/// those) and evaluated on the held-out fold. No song contributes segments to both sides of any fold.
/// </summary>
internal static class CrossValidation
{
    /// <summary>Fold index of every song of <paramref name="store"/>.</summary>
    public static int[] AssignFolds(FeatureStoreReader store, int folds, SplitBy splitBy, ulong seed)
    {
        var songs = store.Songs;
        string Key(int s) => StoreSegments.GroupKey(songs[s], splitBy);
        var fold = new int[songs.Count];
        var rng = new Random(unchecked((int)seed ^ (int)(seed >> 32)));
        // 1. Groups (song or artist) per genre, sorted so the assignment does not depend on store order. An artist of
        //    several genres counts under the genre of most of its segments, as in the validation split.
        var groups = Enumerable.Range(0, songs.Count).GroupBy(Key)
            .Select(g => (Key: g.Key, Songs: g.ToArray(),
                Label: SongSplit.MainLabel(g.GroupBy(s => songs[s].Label).Select(l => (l.Key, l.Sum(s => songs[s].SegmentCount))))))
            .GroupBy(g => g.Label).OrderBy(g => g.Key);
        // 2. Within each genre shuffle the groups and deal them round-robin, continuing where the last genre stopped.
        int next = 0;
        foreach (var genre in groups)
        {
            var list = genre.OrderBy(g => g.Key, StringComparer.Ordinal).ToArray();
            rng.Shuffle(list);
            foreach (var g in list)
            {
                foreach (int s in g.Songs) fold[s] = next;
                next = (next + 1) % folds;
            }
        }
        return fold;
    }

    public static CrossValidationResult Run(string storePath, int folds, TrainerOptions options, SplitBy splitBy,
        string? reportFolder, IProgress<string>? log = null, IProgress<EpochMetrics>? epochs = null, CancellationToken cancellationToken = default,
        ExcerptProtocol? protocol = null, bool keepModels = false, IReportFigures? figures = null)
    {
        if (folds < 2) throw new ArgumentOutOfRangeException(nameof(folds), folds, "cross-validation needs at least 2 folds");
        if (keepModels && reportFolder is null) throw new ArgumentException("keeping the fold models needs a report folder to write them to", nameof(keepModels));
        using var store = FeatureStoreReader.Open(storePath);
        var effective = TrainingJob.ForStore(options, store);
        // The fold checkpoints' folder (the report folder, for evaluate --folds) is made when the folds start, not now:
        // a run refused by the checks below leaves nothing behind.
        (effective with { CheckpointPath = null }).Validate();
        if (effective.CheckpointPath is { } given && string.IsNullOrWhiteSpace(given))
            throw new ArgumentException("CheckpointPath is empty; give a path or none", nameof(options));
        if (store.Songs.Count < folds)
            throw new InvalidDataException($"{storePath}: {store.Songs.Count} songs cannot fill {folds} folds");
        // Refuse up front what would fail or mean nothing only after a fold has trained: one genre, or excerpts shorter
        // than a fixed-window architecture takes.
        TrainingJob.RequireTwoGenres(Path.GetFileName(storePath), store.Labels, store.Header.GenreNames);
        if (protocol is not null && Segmentation.ClipSegmentation.For(effective.Architecture,
                Nn.Architectures.ArchitectureCatalog.Create(effective.Architecture, effective.HyperParameters).AcceptsAnyLength,
                store.Header.SegmentSeconds, store.Header.SampleRate).ExcerptsTooShort(protocol.MinSeconds, protocol.MaxSeconds) is { } tooShort)
            throw new ArgumentException(tooShort, nameof(protocol));
        // Fold models of an earlier run in this report folder would not match this run's folds, nor would its report:
        // folds.csv is replaced now and the folds' reports as each finishes, so the rest of it (its summary first, and
        // the reports of folds this run has not, e.g. fold5/ after --folds 5 when this run has 3) goes now too, not
        // part by part beside this run's files. A file that is not ours, and the checkpoints a resumed run needs, stay.
        if (reportFolder != null)
        {
            for (int f = 0; Directory.Exists(Path.GetDirectoryName(FoldModelPath(reportFolder, f))); f++)
                File.Delete(FoldModelPath(reportFolder, f));
            ReportWriter.RemoveEarlier(reportFolder, new HashSet<string>(), foldFolders: true);
        }
        StoreSegments.RequireArtists(storePath, store.Songs, splitBy);
        int[] fold = AssignFolds(store, folds, splitBy, options.Seed);
        if (reportFolder != null) WriteFolds(Path.Combine(reportFolder, "folds.csv"), store, fold, effective.Labels);
        if (effective.CheckpointPath is { } checkpoints) Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(checkpoints))!);
        var reports = new List<EvaluationReport>();
        var outcomes = new List<SongOutcome>();
        int segmentHits = 0, segments = 0;
        var wholeClips = new List<double>();
        for (int f = 0; f < folds; f++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var train = Enumerable.Range(0, store.Songs.Count).Where(s => fold[s] != f).ToArray();
            // Altered copies train with their fold but are never scored: the test side is the original recordings.
            var test = Enumerable.Range(0, store.Songs.Count).Where(s => fold[s] == f && !Preprocess.SongCopies.IsCopy(store.Songs[s].SongId)).ToArray();
            log?.Report(string.Create(CultureInfo.InvariantCulture, $"fold {f + 1}/{folds}: training on {train.Length} songs, testing on {test.Length}"));
            var foldOptions = effective with { CheckpointPath = FoldCheckpoint(effective, f) };
            long trainSegments = train.Sum(s => (long)store.Songs[s].SegmentCount);
            var data = StoreSegments.Load(store, splitBy, train, StoreSegments.ShouldStream(store.Header, trainSegments, foldOptions.StreamSegments));
            // A fold's checkpoint stays until every fold is done: a re-run resumes the fold that was stopped and takes a
            // finished fold's model from its last checkpoint instead of training it again. One of other settings or
            // folds (an earlier run into this folder) is discarded.
            if (foldOptions.CheckpointPath is { } foldCheckpoint && File.Exists(foldCheckpoint))
                log?.Report($"fold {f + 1}/{folds}: found its checkpoint {foldCheckpoint}");
            TrainingResult result;
            try { result = new Trainer(foldOptions).Train(data, epochs, cancellationToken); }
            catch (ModelFileException e) when (e.Path == foldOptions.CheckpointPath)
            {
                // The message is "<path>: <problem>" (ModelFileException); the whole problem is told.
                log?.Report($"fold {f + 1}/{folds}: its checkpoint cannot be resumed ({e.Message[(e.Path.Length + 2)..].TrimEnd('.')}); training it from the start");
                File.Delete(e.Path);
                result = new Trainer(foldOptions).Train(data, epochs, cancellationToken);
            }
            if (keepModels)
            {
                string modelPath = FoldModelPath(reportFolder!, f);
                Directory.CreateDirectory(Path.GetDirectoryName(modelPath)!);
                ModelFileWriter.Write(modelPath, result.Model);
            }
            // The held-out songs: their stored segments, or (robustness protocol) excerpts of their audio files.
            // Under the protocol, the same held-out songs are also scored as whole clips, from the same decode.
            EvaluationReport report;
            if (protocol is null) report = Evaluator.Evaluate(result.Model, store, test, cancellationToken: cancellationToken);
            else
            {
                var both = AudioEvaluator.EvaluateEach(result.Model, Evaluator.Entries(store, test), [protocol, null],
                    skipped: line => log?.Report("skipped " + line), cancellationToken: cancellationToken);
                report = both[0];
                var whole = both[1];
                wholeClips.Add(whole.SongAccuracy);
                log?.Report(string.Create(CultureInfo.InvariantCulture, $"fold {f + 1}/{folds}: whole clips song accuracy {whole.SongAccuracy:P1}"));
            }
            reports.Add(report);
            outcomes.AddRange(report.Outcomes);
            segmentHits += (int)Math.Round(report.SegmentAccuracy * report.Segments);
            segments += report.Segments;
            log?.Report(string.Create(CultureInfo.InvariantCulture, $"fold {f + 1}/{folds}: song accuracy {report.SongAccuracy:P1}, {Unit(protocol)} accuracy {report.SegmentAccuracy:P1}"));
            if (reportFolder != null)
                ReportWriter.Write(Path.Combine(reportFolder, $"fold{f + 1}"), report, $"Fold {f + 1} of {folds}{(protocol is null ? "" : $" ({protocol})")}", unit: Unit(protocol), figures: figures);
        }
        var pooled = Evaluator.Score(effective.Labels, outcomes, segmentHits, segments);
        var cv = new CrossValidationResult(reports, pooled) { WholeClipSongAccuracy = wholeClips };
        if (reportFolder != null)
            ReportWriter.Write(reportFolder, pooled, $"{folds}-fold cross-validation (pooled held-out songs{(protocol is null ? "" : $"; {protocol}")})",
                Summary(cv, effective, protocol), Unit(protocol), figures, crossValidation: true);
        // Only now, with every report written, the fold checkpoints go: this run's and any of an earlier run with more folds.
        if (effective.CheckpointPath is { } used)
        {
            string prefix = Path.GetFileName(used) + ".fold";
            foreach (string stale in Directory.GetFiles(Path.GetDirectoryName(Path.GetFullPath(used))!, prefix + "*")
                         .Where(p => Path.GetFileName(p)[prefix.Length..] is { Length: > 0 } k && k.All(char.IsAsciiDigit)))
                File.Delete(stale);
        }
        return cv;
    }

    /// <summary>The checkpoint base name <c>evaluate --folds</c> uses in its report folder.</summary>
    public const string CheckpointName = "cv.checkpoint";

    /// <summary>Fold <paramref name="fold"/>'s checkpoint (counted from 0): <c>&lt;checkpoint&gt;.fold&lt;k&gt;</c>, or none without a checkpoint path.</summary>
    internal static string? FoldCheckpoint(TrainerOptions options, int fold) => options.CheckpointPath is { } cp ? $"{cp}.fold{fold + 1}" : null;

    /// <summary>Where <c>keepModels</c> writes fold <paramref name="fold"/>'s model (counted from 0): <c>fold&lt;k&gt;/model.h5</c>, beside that fold's report.</summary>
    public static string FoldModelPath(string reportFolder, int fold) => Path.Combine(reportFolder, $"fold{fold + 1}", "model.h5");

    /// <summary>
    /// Writes the fold of every song (<c>song_id,genre,fold</c>, folds counted from 1) so that another tool — e.g. the
    /// PyTorch peer in <c>benchmarks/MusicGenre.Benchmarks/Training/cv_peer.py</c> — can cross-validate on the same folds.
    /// </summary>
    internal static void WriteFolds(string path, FeatureStoreReader store, int[] fold, IReadOnlyList<string> labels)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var sb = new System.Text.StringBuilder(FoldsHeader + "\n");
        for (int s = 0; s < store.Songs.Count; s++)
            sb.Append(CultureInfo.InvariantCulture, $"{MusicGenre.IO.Csv.Field(store.Songs[s].SongId)},{MusicGenre.IO.Csv.Field(labels[store.Songs[s].Label])},{fold[s] + 1}\n");
        MusicGenre.IO.SafeFile.WriteAllText(path, sb.ToString());
    }

    /// <summary>The header line of <c>folds.csv</c>.</summary>
    internal const string FoldsHeader = "song_id,genre,fold";

    /// <summary>What a scored unit is: a stored segment, or a protocol excerpt.</summary>
    internal static string Unit(ExcerptProtocol? protocol) => protocol is null ? "segment" : "excerpt";

    public static string Summary(CrossValidationResult cv, TrainerOptions options, ExcerptProtocol? protocol = null)
    {
        var inv = CultureInfo.InvariantCulture;
        string unit = Unit(protocol);
        var lines = new List<string>
        {
            string.Create(inv, $"Song-level accuracy over {cv.Folds.Count} folds: {cv.MeanSongAccuracy:P2} ± {cv.StdSongAccuracy:P2} (mean ± sample std)."),
            string.Create(inv, $"{char.ToUpperInvariant(unit[0])}{unit[1..]}-level accuracy: {cv.MeanSegmentAccuracy:P2} ± {cv.StdSegmentAccuracy:P2}."),
            "", $"| fold | songs | song accuracy | {unit} accuracy |", "|---:|---:|---:|---:|",
        };
        for (int i = 0; i < cv.Folds.Count; i++)
            lines.Add(string.Create(inv, $"| {i + 1} | {cv.Folds[i].Songs} | {cv.Folds[i].SongAccuracy:P2} | {cv.Folds[i].SegmentAccuracy:P2} |"));
        lines.Add("");
        if (protocol is not null) lines.Add($"Scored on the robustness protocol: {protocol}.");
        if (cv.WholeClipSongAccuracy.Count > 0)
            lines.Add(string.Create(inv, $"The same held-out songs as whole clips: song accuracy {cv.WholeClipSongAccuracy.Average():P2} ± {CrossValidationResult.Std(cv.WholeClipSongAccuracy):P2} (folds {string.Join(" / ", cv.WholeClipSongAccuracy.Select(a => a.ToString("P0", inv)))})."));
        lines.Add($"Training options: {MusicGenre.IO.DisplayText.Markdown(options.Describe())}");
        return string.Join('\n', lines);
    }
}
