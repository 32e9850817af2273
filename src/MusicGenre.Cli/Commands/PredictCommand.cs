using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using MusicGenre.Api;
using MusicGenre.Audio;

namespace MusicGenre.Cli.Commands;

/// <summary><c>musicgenre predict [--model m] &lt;file|folder&gt;... [--top 3] [--json] [--shard k/N]</c>.</summary>
internal static class PredictCommand
{
    public static Command Create()
    {
        var inputs = new Argument<string[]>("inputs") { Description = $"Audio files or folders (searched recursively for {string.Join(' ', AudioFile.SupportedExtensions)}), or - for audio on standard input (WAV, MP3 or AU).", Arity = ArgumentArity.OneOrMore };
        var model = new Option<string?>("--model", "-m") { Description = "Model file (default: the bundled model)." };
        var top = new Option<int>("--top", "-k") { Description = "How many genres to print per song.", DefaultValueFactory = _ => 3 };
        var json = new Option<bool>("--json") { Description = "One JSON object per line (path, genres with probabilities, segments)." };
        var perWindow = new Option<bool>("--windows") { Description = "Also give each window's genres and time in the clip (a genre timeline of a long recording): indented lines, or a \"windows\" list in --json." };
        var embedding = new Option<bool>("--embedding") { Description = "With --json: also each song's embedding, what the network made of it (the mean of its windows' output-layer inputs; 1,024 numbers for the bundled model), to compare songs by." };
        var shard = new Option<string?>("--shard") { Description = "Only inputs of shard k of N (k/N, k 0-based), for batch schedulers." };
        var threads = new Option<int?>("--threads", "-j") { Description = "Files classified in parallel (default: all cores)." };
        var device = new Option<string>("--device") { Description = "auto, cpu, cuda or opencl.", DefaultValueFactory = _ => "cpu" };
        var command = new Command("predict", "Tell the genre of songs: top genres with probabilities, or JSON lines for scripts.")
        {
            inputs, model, top, json, perWindow, embedding, shard, threads, device,
        };
        command.SetAction(parse =>
        {
            var ctx = CliContext.Get();
            ctx.CancelNote = "the lines printed so far are complete results; predict does not resume (a re-run classifies every file again)";
            int k = parse.GetValue(top);
            if (k < 1) throw new UsageException($"--top {k} must be at least 1");
            var spec = ArgParsing.Shard(parse.GetValue(shard));
            string[] given = parse.GetValue(inputs)!;
            bool fromStdin = given.Contains("-") && !File.Exists("-");
            if (fromStdin && given.Length > 1) throw new UsageException("- (standard input) must be the only input");
            if (fromStdin && spec.Count > 1) throw new UsageException("--shard does not apply to standard input");
            var repeats = new List<string>();
            var all = fromStdin ? [("-", "-")] : Expand(given, repeats).ToArray();
            if (all.Length == 0) throw new UsageException($"no audio files to classify (looked for {string.Join(' ', AudioFile.SupportedExtensions)})");
            // Each real file is classified once: say so when links or repeated names lead to files already given.
            if (repeats.Count > 0)
                ctx.Error.WriteLine($"note: {repeats.Count} input{(repeats.Count == 1 ? " is" : "s are")} the same file as an earlier one (a link or a repeated name), " +
                    $"classified once: {MusicGenre.IO.DisplayText.OneLine(repeats[0])}{(repeats.Count > 1 ? ", …" : "")}");
            var files = all.Where(f => spec.Contains(f.ShardKey)).Select(f => f.Path).ToArray();
            if (files.Length == 0)
            {
                // With N shards and few files some shards are empty: a finished task with nothing to print, not an error.
                ctx.Error.WriteLine($"shard {spec} holds none of the {all.Length} audio files; nothing to classify");
                return CliApp.Ok;
            }
            string? modelPath = parse.GetValue(model) is { } m ? ArgParsing.ExistingPath(m, "--model") : null;
            int parallel = parse.GetValue(threads) ?? Environment.ProcessorCount;
            if (parallel is < 1 or > 4096) throw new UsageException($"--threads {parallel} must be in 1..4096");
            bool embed = parse.GetValue(embedding);
            if (embed && !parse.GetValue(json)) throw new UsageException("--embedding needs --json (an embedding is a list of numbers for programs)");
            var options = new ClassifierOptions { Device = ArgParsing.Device(parse.GetValue(device)!), ThreadCount = parallel, Embeddings = embed };
            using var classifier = modelPath is null ? GenreClassifier.LoadDefault(options) : GenreClassifier.Load(modelPath, options);
            bool asJson = parse.GetValue(json), windows = parse.GetValue(perWindow);
            int failed = 0;
            // Errors and warnings go to the error stream — which, while a live progress bar is drawn there, would garble
            // it: then they wait for the end (the results themselves still stream to a redirected output).
            var heldMessages = new List<string>();
            bool holdMessages = ProgressReporter.DrawsLiveBar(ctx);
            // One line each, whatever the file names hold (a newline in a name split a result line that scripts read).
            void Message(string line)
            {
                line = MusicGenre.IO.DisplayText.OneLine(line);
                if (holdMessages) heldMessages.Add(line); else ctx.Error.WriteLine(line);
            }
            void Print(BatchResult r)
            {
                if (r.Prediction is null)
                {
                    failed++;
                    Message($"musicgenre: error: {r.Error}");
                    if (asJson) ctx.Out.WriteLine(JsonSerializer.Serialize(new { path = r.Path, error = r.Error }));
                    return;
                }
                if (r.Prediction.Warning is { } w) Message($"warning: {w}");
                ctx.Out.WriteLine(asJson ? Json(r.Prediction, k, windows) : Text(r.Prediction, k, windows));
            }
            if (fromStdin || files.Length == 1)
            {
                holdMessages = false; // no progress bar for one song
                if (fromStdin)
                {
                    using var stdin = ctx.OpenStdin();
                    Print(Single(() => classifier.Predict(stdin, "stdin", ctx.Cancellation), "stdin"));
                }
                else Print(Single(() => classifier.Predict(files[0], ctx.Cancellation), files[0]));
                return failed == 0 ? CliApp.Ok : CliApp.Failure;
            }
            // A batch is printed in input order as it completes — each line as soon as every file before it is done —
            // so a cancelled or killed run of thousands of files keeps what it printed. Only on a terminal that also
            // shows the live progress bar are the lines held until the end (printing under the bar would garble it).
            bool streamed = !ReferenceEquals(ctx.Out, Console.Out) || Console.IsOutputRedirected || !ProgressReporter.DrawsLiveBar(ctx);
            var ordered = new OrderedLines(files.Length, Print);
            var results = ProgressReporter.Run(ctx, "predict", p => classifier.PredictMany(files,
                new SyncProgress<BatchProgress>(b =>
                {
                    p.Report(new(b.Done, b.Total, Path.GetFileName(b.LastPath)));
                    if (streamed) ordered.Add(b.Index, b.Result!);
                }),
                ctx.Cancellation));
            if (!streamed) foreach (var r in results) Print(r);
            foreach (var line in heldMessages) ctx.Error.WriteLine(line);
            return failed == 0 ? CliApp.Ok : CliApp.Failure;
        });
        return command;
    }

    /// <summary>Hands results to <c>print</c> in input order: each as soon as every result before it has arrived (thread-safe).</summary>
    private sealed class OrderedLines(int count, Action<BatchResult> print)
    {
        private readonly BatchResult?[] _waiting = new BatchResult?[count];
        private int _next;

        public void Add(int index, BatchResult result)
        {
            lock (_waiting)
            {
                _waiting[index] = result;
                for (; _next < _waiting.Length && _waiting[_next] is { } ready; _next++)
                {
                    _waiting[_next] = null;
                    print(ready);
                }
            }
        }
    }

    private static BatchResult Single(Func<GenrePrediction> predict, string file)
    {
        try { return new BatchResult(file, predict(), null); }
        catch (Exception ex) when (ex is IOException or ArgumentException or InvalidDataException or UnauthorizedAccessException)
        {
            return new BatchResult(file, null, ex.Message);
        }
    }

    /// <summary>
    /// The audio files named or found (recursively, in ordinal order) under <paramref name="inputs"/>, each with the key
    /// <c>--shard</c> hashes. Each real file is given once however many links or arguments lead to it, and a folder is
    /// walked once (a symlink loop ends there). The other paths to a file already given go to <paramref name="repeats"/>.
    /// </summary>
    internal static IEnumerable<(string Path, string ShardKey)> Expand(IEnumerable<string> inputs, ICollection<string>? repeats = null)
    {
        var seenFiles = new HashSet<string>(StringComparer.Ordinal);
        var seenFolders = new HashSet<string>(StringComparer.Ordinal);
        foreach (var input in inputs)
        {
            string path = ArgParsing.ExistingPath(input, "input");
            if (File.Exists(path))
            {
                if (seenFiles.Add(ArgParsing.RealPath(path))) yield return (path, ShardKey(path, null));
                else repeats?.Add(path);
                continue;
            }
            foreach (var f in Walk(path, seenFolders).Where(Data.Datasets.AudioFiles.IsAudio).Order(StringComparer.Ordinal))
                if (seenFiles.Add(ArgParsing.RealPath(f))) yield return (f, ShardKey(f, path));
                else repeats?.Add(f);
        }
    }

    /// <summary>
    /// What <c>--shard</c> hashes for a file: its path below the folder given, '/'-separated and without the extension
    /// (for a GTZAN-style folder, the song id <c>preprocess</c> gives it), or its name without the extension when the file
    /// was given itself. Never where the data is mounted: tasks that see it under other paths split it alike.
    /// </summary>
    internal static string ShardKey(string file, string? folder) =>
        Data.Datasets.GtzanFolder.SongId(folder ?? Path.GetDirectoryName(Path.GetFullPath(file))!, folder is null ? Path.GetFullPath(file) : file);

    /// <summary>
    /// Files under <paramref name="folder"/>, entering each real folder once; dot-files and dot-folders (macOS's
    /// <c>._song.wav</c>, <c>.Trash</c>, <c>.git</c>) are skipped silently, as the dataset walks of <c>preprocess</c> do.
    /// </summary>
    private static IEnumerable<string> Walk(string folder, HashSet<string> seen)
    {
        var pending = new Stack<string>([folder]);
        while (pending.Count > 0)
        {
            string dir = pending.Pop();
            if (!seen.Add(ArgParsing.RealPath(dir))) continue;
            foreach (var f in Directory.EnumerateFiles(dir).Where(f => !Data.Datasets.AudioFiles.IsHidden(f))) yield return f;
            foreach (var d in Directory.EnumerateDirectories(dir).Where(d => !Data.Datasets.AudioFiles.IsHidden(d))) pending.Push(d);
        }
    }

    private static string Text(GenrePrediction p, int k, bool windows)
    {
        string line = $"{MusicGenre.IO.DisplayText.OneLine(p.Source)}: " + Top(p.Scores, k)
            + string.Create(CultureInfo.InvariantCulture, $" ({p.SegmentCount} segment{(p.SegmentCount == 1 ? "" : "s")}{SilentNote(p)})");
        if (!windows) return line;
        var sb = new System.Text.StringBuilder(line);
        for (int w = 0; w < p.SegmentCount; w++)
        {
            double start = p.SegmentStart(w);
            sb.AppendLine().Append(CultureInfo.InvariantCulture, $"  {Clock(start)}–{Clock(start + p.SegmentSeconds)}  {Top(WindowScores(p, w), k)}");
            if (p.SegmentIsSilent(w)) sb.Append(SilentSegments(p) < p.SegmentCount ? "  (no signal: left out)" : "  (no signal)");
        }
        return sb.ToString();
    }

    // ", 3 without signal" when some segments were left out of the song's genre as silent (none or all: nothing).
    private static string SilentNote(GenrePrediction p) =>
        SilentSegments(p) is var n and > 0 && n < p.SegmentCount ? string.Create(CultureInfo.InvariantCulture, $", {n} without signal") : "";

    private static int SilentSegments(GenrePrediction p) => Enumerable.Range(0, p.SegmentCount).Count(p.SegmentIsSilent);

    private static string Top(IEnumerable<GenreScore> scores, int k) => string.Join(", ", GenrePrediction.Ranked(scores).Take(k)
        .Select(s => string.Create(CultureInfo.InvariantCulture, $"{s.Genre} {s.Probability:P1}")));

    private static IEnumerable<GenreScore> WindowScores(GenrePrediction p, int window)
    {
        var probabilities = p.SegmentProbabilities(window).ToArray();
        return p.Genres.Select((g, i) => new GenreScore(g, probabilities[i]));
    }

    /// <summary>m:ss.s, rounded to the tenth first (59.97 s is 1:00.0, not 0:60.0).</summary>
    internal static string Clock(double seconds)
    {
        double t = Math.Round(seconds, 1);
        return string.Create(CultureInfo.InvariantCulture, $"{(int)(t / 60)}:{t % 60:00.0}");
    }

    private static string Json(GenrePrediction p, int k, bool windows)
    {
        var line = new Dictionary<string, object?>
        {
            ["path"] = p.Source,
            ["genre"] = p.Top.Genre,
            ["top"] = p.TopK(k).Select(s => new { genre = s.Genre, probability = Math.Round(s.Probability, 6) }),
            ["probabilities"] = p.Scores.ToDictionary(s => s.Genre, s => Math.Round(s.Probability, 6)),
            ["segments"] = p.SegmentCount,
            ["silent_segments"] = SilentSegments(p),
            ["segment_seconds"] = p.SegmentSeconds,
            ["seconds"] = Math.Round(p.Seconds, 6),
            ["warning"] = p.Warning,
        };
        if (p.Embedding is { } e) line["embedding"] = e;
        if (windows)
            line["windows"] = Enumerable.Range(0, p.SegmentCount).Select(w => new
            {
                start = Math.Round(p.SegmentStart(w), 6),
                end = Math.Round(p.SegmentStart(w) + p.SegmentSeconds, 6),
                genre = GenrePrediction.Ranked(WindowScores(p, w)).First().Genre,
                probabilities = WindowScores(p, w).ToDictionary(s => s.Genre, s => Math.Round(s.Probability, 6)),
                silent = p.SegmentIsSilent(w),
            }).ToArray();
        return JsonSerializer.Serialize(line);
    }
}
