using System.CommandLine;
using MusicGenre.Data.FeatureStore;

namespace MusicGenre.Cli.Commands;

/// <summary>
/// <c>musicgenre merge part-0.h5 part-1.h5 ... --out features.h5</c>: joins the feature stores that
/// <c>preprocess --shard k/N</c> wrote on different machines into one store for <c>train</c> and <c>evaluate</c>.
/// </summary>
internal static class MergeCommand
{
    public static Command Create()
    {
        var inputs = new Argument<string[]>("stores")
        {
            Description = "Feature stores to join (files, or folders whose *.h5 files are taken in name order).",
            Arity = ArgumentArity.OneOrMore,
        };
        var output = new Option<string>("--out", "-o") { Description = "The merged feature store to write.", Required = true };
        var force = ArgParsing.ForceOption();
        var command = new Command("merge", "Join feature stores made by 'preprocess --shard k/N' into one (same settings required; each song once).")
        {
            inputs, output, force,
        };
        command.SetAction(parse =>
        {
            var ctx = CliContext.Get();
            string outPath = ArgParsing.OutputFile(parse.GetValue(output)!, "--out", ArgParsing.OutputKind.Hdf5, parse.GetValue(force));
            var files = new List<string>();
            foreach (string input in parse.GetValue(inputs)!)
            {
                string full = ArgParsing.ExistingPath(input, "feature store");
                if (Directory.Exists(full))
                    files.AddRange(Directory.GetFiles(full, "*.h5").Where(f => Path.GetFullPath(f) != outPath).Order(StringComparer.Ordinal));
                else files.Add(full);
            }
            if (files.Count == 0) throw new UsageException("no feature stores (*.h5) to merge");
            if (files.Distinct(StringComparer.Ordinal).Count() != files.Count) throw new UsageException("a feature store is named twice");
            if (files.Contains(outPath, StringComparer.Ordinal)) throw new UsageException($"--out '{outPath}' is also an input; write the merge to a new file");
            ProgressReporter.Run(ctx, "merge", p =>
            {
                FeatureStoreMerger.Merge(files, outPath, new Progress<(int Done, int Total)>(x => p.Report(new(x.Done, x.Total))), ctx.Cancellation);
                return 0;
            });
            using var merged = FeatureStoreReader.Open(outPath);
            ctx.Out.WriteLine($"merged {files.Count} stores: {merged.Songs.Count} songs, {merged.SegmentCount} segments -> {outPath}");
            return CliApp.Ok;
        });
        return command;
    }
}
