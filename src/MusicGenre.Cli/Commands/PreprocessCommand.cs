using System.CommandLine;
using System.Globalization;
using MusicGenre.Data.Datasets;
using MusicGenre.Features;
using MusicGenre.Pipeline.Preprocess;
using Spectre.Console;

namespace MusicGenre.Cli.Commands;

/// <summary><c>musicgenre preprocess &lt;input&gt; --out features.h5</c>: decode + log-mel of a dataset into a feature store.</summary>
internal static class PreprocessCommand
{
    public static Command Create()
    {
        var input = new Argument<string>("input") { Description = "A GTZAN-style folder (<root>/<genre>/<file>), a CSV manifest (path,genre[,song_id][,artist]), or MSD previews with --cls: a folder of MSD-named audio, or the manifest.csv 'download' wrote (which also gives each track's artist)." };
        var output = new Option<string>("--out", "-o") { Description = "Feature store to write (HDF5).", Required = true };
        var force = ArgParsing.ForceOption();
        var preset = new Option<string>("--preset", "-p") { Description = "Feature preset (whole-segment presets only).", DefaultValueFactory = _ => FeaturePresets.LibrosaDefault.Name };
        var segment = new Option<string>("--segment") { Description = "Segment length, 1–60 s (e.g. 3s, 2.5s, 5000ms).", DefaultValueFactory = _ => "3s" };
        var threads = new Option<int?>("--threads", "-j") { Description = "Parallel decoders (default: all cores)." };
        var shard = new Option<string?>("--shard") { Description = "Process only shard k of N (k/N, k 0-based), e.g. --shard $SLURM_ARRAY_TASK_ID/100 (give N itself, so that a task resubmitted alone keeps its shard)." };
        var cls = new Option<string?>("--cls") { Description = "tagtraum .cls label file (track_id TAB genre) for MSD-named audio or a download manifest." };
        var genres = new Option<string?>("--genres") { Description = "Comma-separated genre list, or gtzan or tagtraum (default: the 10 GTZAN genres; with --cls, every majority genre of the label file)." };
        var copies = new Option<string?>("--copies")
        {
            Description = "Also store altered copies of every song, for training (comma-separated): clip = 6–12 dB louder and hard-clipped to ±1. A copy is song '<id>#clip', kept with its original in splits and folds.",
        };
        var command = new Command("preprocess", "Decode every song and write its log-mel segments to an HDF5 feature store (parallel, resumable).")
        {
            input, output, preset, segment, threads, shard, cls, genres, copies, force,
        };
        command.SetAction(parse =>
        {
            var ctx = CliContext.Get();
            ctx.CancelNote = "finished songs are kept in the spool and a re-run resumes";
            string inputPath = ArgParsing.ExistingPath(parse.GetValue(input)!, "input");
            string? clsPath = parse.GetValue(cls) is { } c ? ArgParsing.ExistingPath(c, "--cls") : null;
            var options = new PreprocessOptions
            {
                Input = inputPath,
                Output = ArgParsing.OutputFile(parse.GetValue(output)!, "--out", ArgParsing.OutputKind.FeatureStore, parse.GetValue(force), inputPath, clsPath),
                Features = Preset(parse.GetValue(preset)!),
                SegmentSeconds = ArgParsing.Seconds(parse.GetValue(segment)!, "--segment"),
                ThreadCount = Positive(parse.GetValue(threads) ?? Environment.ProcessorCount, "--threads"),
                Shard = ArgParsing.Shard(parse.GetValue(shard)),
                ClsPath = clsPath,
                Genres = DefaultGenres(parse.GetValue(genres), clsPath),
                Copies = Copies(parse.GetValue(copies)),
            };
            // A bad value given on the command line (--segment 0.5s, a windowed preset) is a usage error (exit 2).
            try { options.Validate(); }
            catch (PreprocessException e) { throw new UsageException(e.Message); }
            // Songs are spooled into '<out>.spool' during the run: a name the file system takes for --out may be too long for it.
            ArgParsing.OutputFolder(options.EffectiveSpoolDirectory, "the spool folder of --out");
            PreprocessSummary summary;
            try
            {
                summary = ProgressReporter.Run(ctx, "preprocess", p =>
                    Preprocessor.RunAsync(options, new Progress<PreprocessProgress>(r => p.Report(new(r.Done, r.Total, r.Stage))), ctx.Cancellation)
                        .GetAwaiter().GetResult());
            }
            catch (PreprocessException e) when (e.IsUsage) { throw new UsageException(e.Message); }
            PrintSummary(ctx, summary, options.Copies.Count);
            // A shard that holds none of the dataset's songs is a finished task, not a failure: with N shards and few
            // songs some come out empty, and a batch scheduler must not mark that task as failed.
            if (summary.StorePath is null && summary.ShardEntries == 0 && summary.DatasetEntries > 0 && options.Shard.Count > 1)
            {
                // A feature store already at --out is an earlier run's: this shard's content is "no songs", and a merge of
                // the parts folder must not pick the old songs up. Any other file (allowed by --force) is left alone.
                if (File.Exists(options.Output))
                {
                    string? format = null;
                    try { format = Data.Hdf5RootFormat.Read(options.Output); } catch (IOException) { }
                    if (format == Data.FeatureStore.FeatureStoreLayout.Format)
                    {
                        File.Delete(options.Output);
                        ctx.Out.WriteLine($"removed {options.Output}: it held an earlier run's songs, and this shard has none");
                    }
                    else ctx.Error.WriteLine($"note: {options.Output} is not a feature store; left as it is");
                }
                return CliApp.Ok;
            }
            return summary.StorePath is null ? CliApp.Failure : CliApp.Ok;
        });
        return command;
    }

    /// <summary>
    /// <c>--genres</c> when given; else, with a tagtraum label file, every majority genre it names (ordinal order, as
    /// the file's labels are spelt: the same list for every shard of a job, since each reads the whole file), so that
    /// its Pop_Rock, Rap or Electronic tracks are not dropped for not being GTZAN genres; else the 10 GTZAN genres.
    /// </summary>
    private static GenreList DefaultGenres(string? given, string? clsPath)
    {
        try
        {
            if (given is not null) return GenreList.Parse(given);
            return clsPath is null ? GenreList.Gtzan : new GenreList(TagtraumLabels.Read(clsPath).MajorityGenres());
        }
        catch (ArgumentException e) { throw new UsageException($"--genres: {e.Message}"); }
    }

    private static SongCopy[] Copies(string? list) =>
        (list ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(name => SongCopies.TryParse(name, out var c) ? c : throw new UsageException($"--copies '{name}' is not one of clip"))
            .ToArray();

    internal static int Positive(int value, string option) =>
        value >= 1 ? value : throw new UsageException($"{option} {value} must be at least 1");

    internal static FeatureOptions Preset(string name) =>
        FeaturePresets.All.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new UsageException($"unknown preset '{name}'; presets preprocess takes: {string.Join(", ", FeaturePresets.All.Where(p => !p.IsSegmented).Select(p => p.Name))}");

    private static void PrintSummary(CliContext ctx, PreprocessSummary s, int copies)
    {
        var inv = CultureInfo.InvariantCulture;
        var table = new Table().AddColumns("genre", "songs", "segments");
        foreach (var g in s.PerGenre) table.AddRow(g.Genre, g.Songs.ToString(inv), g.Segments.ToString(inv));
        table.AddRow("[bold]total[/]", s.SongsWritten.ToString(inv), s.Segments.ToString(inv));
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(ctx.Out), Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors });
        console.Write(table);
        ctx.Out.WriteLine(string.Create(inv,
            $"songs in dataset {s.DatasetEntries}, in this shard {s.ShardEntries}{(copies > 0 ? $" (with {copies} altered cop{(copies == 1 ? "y" : "ies")} of each)" : "")}, resumed {s.Resumed}, analysed {s.Processed}, padded {s.PaddedSongs}, bad {s.BadFiles.Count}; {s.Elapsed.TotalSeconds:0.0} s, {s.ClipsPerSecond:0.0} clips/s"));
        foreach (var bad in s.BadFiles) ctx.Error.WriteLine($"skipped {MusicGenre.IO.DisplayText.OneLine(Pipeline.FileProblem.Line(bad.Path, bad.Reason))}");
        foreach (var warning in s.Warnings.Take(20)) ctx.Error.WriteLine($"warning: {MusicGenre.IO.DisplayText.OneLine(warning)}");
        if (s.Warnings.Count > 20) ctx.Error.WriteLine($"... and {s.Warnings.Count - 20} more warnings");
        foreach (var skipped in s.DatasetSkipped.Take(20)) ctx.Error.WriteLine($"not in dataset: {MusicGenre.IO.DisplayText.OneLine(skipped.ToString()!)}");
        if (s.DatasetSkipped.Count > 20) ctx.Error.WriteLine($"... and {s.DatasetSkipped.Count - 20} more items not in the dataset");
        ctx.Out.WriteLine(s.StorePath is { } path ? $"wrote {path}"
            : s.ShardEntries == 0 && s.DatasetEntries > 0 ? "this shard holds none of the dataset's songs; nothing to write"
            : "no song produced a segment; nothing written");
    }
}
