using System.Globalization;
using MusicGenre.Data.Datasets;
using MusicGenre.Data.FeatureStore;
using MusicGenre.Features;
using MusicGenre.Nn.ModelFile;
using MusicGenre.Pipeline.Preprocess;

namespace MusicGenre.Pipeline.Evaluation;

/// <summary>
/// The code path of <c>musicgenre evaluate</c>: reads the model, chooses how the data is scored, scores it and writes the
/// report; and, for cross-validation on audio, preprocesses the audio into the report folder first.
/// </summary>
internal static class EvaluationJob
{
    /// <summary>
    /// What was scored: the report, the unit its first accuracy counts ("segment", "window" or "excerpt"), and the audio
    /// files that could not be read (left out of every score; <c>summary.md</c> lists them).
    /// </summary>
    public sealed record Outcome(EvaluationReport Report, string Unit, IReadOnlyList<string> Unreadable)
    {
        /// <summary>What the figures should be read with (also in summary.md), e.g. segments of another length than the model's windows.</summary>
        public IReadOnlyList<string> Notes { get; init; } = [];
    }

    /// <summary>True when <paramref name="dataPath"/> is a feature store (an existing .h5 file) rather than audio.</summary>
    public static bool IsStore(string dataPath) =>
        File.Exists(dataPath) && string.Equals(Path.GetExtension(dataPath), ".h5", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Scores the model at <paramref name="modelPath"/> on <paramref name="dataPath"/> and writes the report to
    /// <paramref name="reportDir"/>: a feature store on its stored segments, or — an audio folder or manifest, or any data
    /// under the excerpt <paramref name="protocol"/> — its audio through the prediction path.
    /// </summary>
    /// <remarks><paramref name="silent"/> hears each per-file warning line as it comes: a clip with (almost) no signal, and
    /// the decoder's note on a file scored as far as it goes (a truncated WAV or MP3, damaged frames); both are listed in
    /// the report too.</remarks>
    /// <exception cref="ModelFileException">The model file cannot be used.</exception>
    /// <exception cref="InvalidDataException">The data holds no labelled audio.</exception>
    public static Outcome Run(string modelPath, string dataPath, ExcerptProtocol? protocol, string reportDir,
        IProgress<(int Done, int Total)>? progress, Action<string>? skipped, CancellationToken cancellationToken, Action<string>? silent = null,
        IReportFigures? figures = null)
    {
        var model = ModelFileReader.Read(modelPath);
        Prediction.SongClassifier.PresetOf(model, modelPath);
        bool isStore = IsStore(dataPath);
        var notInData = new List<string>();
        var unreadable = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var noSignal = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var decoded = new System.Collections.Concurrent.ConcurrentQueue<string>();
        EvaluationReport result;
        string? lengthNote = null;
        if (isStore && protocol is null)
        {
            // Stored segments, as the store was cut.
            using var store = FeatureStoreReader.Open(dataPath);
            result = Evaluator.Evaluate(model, store, progress: progress, cancellationToken: cancellationToken);
            // A network that takes any length scores segments of another length than it was trained on without complaint.
            if (Math.Abs(store.Header.SegmentSeconds - model.SegmentSeconds) > 1e-6)
                lengthNote = string.Create(CultureInfo.InvariantCulture,
                    $"The store's segments are {store.Header.SegmentSeconds:0.###} s long, the model's windows {model.SegmentSeconds:0.###} s: each segment was scored whole, as one window of its own length (scoring the audio uses the model's windows).");
        }
        else
        {
            // Audio through the prediction path: whole clips (as predict sees them) or the protocol's excerpts.
            IReadOnlyList<DatasetEntry> songs;
            if (isStore)
            {
                using var store = FeatureStoreReader.Open(dataPath);
                songs = Evaluator.Entries(store);
            }
            else
            {
                var dataset = DatasetLoader.Load(dataPath, genres: new GenreList(model.Labels.ToArray()));
                foreach (var item in dataset.Skipped) { notInData.Add(item.ToString()!); skipped?.Invoke(item.ToString()!); }
                songs = dataset.Entries;
            }
            if (songs.Count == 0) throw new InvalidDataException($"{dataPath}: no labelled audio files");
            result = AudioEvaluator.Evaluate(model, songs, protocol, progress: progress,
                skipped: line => { unreadable.Enqueue(line); skipped?.Invoke(line); }, cancellationToken: cancellationToken,
                silent: line => { noSignal.Enqueue(line); silent?.Invoke(line); },
                decoderWarning: line => { decoded.Enqueue(line); silent?.Invoke(line); });
        }
        string unit = protocol is not null ? "excerpt" : isStore ? "segment" : "window";
        var failed = unreadable.Order(StringComparer.Ordinal).ToArray(); // workers finish in any order
        var notes = new List<string>();
        if (protocol is not null) notes.Add($"Robustness protocol: {protocol}.");
        if (lengthNote is not null) notes.Add(lengthNote);
        if (failed.Length > 0)
            notes.Add($"**Not scored: {failed.Length} audio file{(failed.Length == 1 ? "" : "s")} could not be read** (left out of every figure above):\n\n"
                + string.Join("\n", failed.Select(line => $"- {MusicGenre.IO.DisplayText.Markdown(line)}")));
        if (!noSignal.IsEmpty)
            notes.Add($"**Scored, but (almost) without signal: {noSignal.Count} audio file{(noSignal.Count == 1 ? "" : "s")}** (counted in every figure above; what the model says of silence or a constant means nothing):\n\n"
                + string.Join("\n", noSignal.Order(StringComparer.Ordinal).Select(line => $"- {MusicGenre.IO.DisplayText.Markdown(line)}")));
        if (!decoded.IsEmpty)
            notes.Add($"**Scored as far as they decode: {decoded.Count} audio file{(decoded.Count == 1 ? "" : "s")}** (counted in every figure above):\n\n"
                + string.Join("\n", decoded.Order(StringComparer.Ordinal).Select(line => $"- {MusicGenre.IO.DisplayText.Markdown(line)}")));
        if (notInData.Count > 0)
            notes.Add($"Not part of the data ({notInData.Count}):\n\n" + string.Join("\n", notInData.Select(line => $"- {MusicGenre.IO.DisplayText.Markdown(line)}")));
        ReportWriter.Write(reportDir, result, $"Evaluation of {Path.GetFileName(modelPath)} on {Path.GetFileName(dataPath)}",
            notes.Count == 0 ? null : string.Join("\n\n", notes), unit, figures);
        return new Outcome(result, unit, failed) { Notes = lengthNote is null ? [] : [lengthNote] };
    }

    /// <summary>
    /// A feature store for cross-validation: <paramref name="dataPath"/> itself when it is one, else the audio folder or
    /// manifest preprocessed with <paramref name="preset"/> into <c>features.h5</c> in <paramref name="reportDir"/>.
    /// </summary>
    /// <exception cref="InvalidDataException">No song of the audio produced a segment.</exception>
    public static string EnsureStore(string dataPath, string reportDir, FeatureOptions preset, IProgress<PreprocessProgress>? progress,
        Action<string>? skipped, CancellationToken cancellationToken, double segmentSeconds = 3.0)
    {
        if (IsStore(dataPath)) return dataPath;
        Directory.CreateDirectory(reportDir);
        var options = new PreprocessOptions
        {
            Input = dataPath, Output = Path.Combine(reportDir, "features.h5"), Features = preset, SegmentSeconds = segmentSeconds,
        };
        var summary = Preprocessor.RunAsync(options, progress, cancellationToken).GetAwaiter().GetResult();
        foreach (var bad in summary.BadFiles) skipped?.Invoke(FileProblem.Line(bad.Path, bad.Reason));
        return summary.StorePath ?? throw new InvalidDataException($"{dataPath}: no song produced a segment");
    }
}
