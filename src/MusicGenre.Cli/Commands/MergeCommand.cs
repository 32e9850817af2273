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
            string outPath = ArgParsing.OutputFile(parse.GetValue(output)!, "--out", ArgParsing.OutputKind.FeatureStore, parse.GetValue(force));
            var files = ArgParsing.FeatureStores(parse.GetValue(inputs)!, outPath, "merge", ctx.Error);
            ProgressReporter.Run(ctx, "merge", p =>
            {
                FeatureStoreMerger.Merge(files, outPath, new Progress<(int Done, int Total)>(x => p.Report(new(x.Done, x.Total))), ctx.Cancellation);
                return 0;
            });
            using var merged = FeatureStoreReader.Open(outPath);
            ctx.Out.WriteLine($"merged {files.Count} store{(files.Count == 1 ? "" : "s")}: {merged.Songs.Count} songs, {merged.SegmentCount} segments -> {outPath}");
            return CliApp.Ok;
        });
        return command;
    }
}
