using System.CommandLine;
using MusicGenre.Data.Msd;
using MusicGenre.Pipeline.Download;

namespace MusicGenre.Cli.Commands;

/// <summary><c>musicgenre download --msd &lt;dir&gt; --out &lt;dir&gt;</c>: 30 s previews for the tracks of MSD .h5 files.</summary>
internal static class DownloadCommand
{
    public static Command Create()
    {
        var msd = new Option<string>("--msd") { Description = "Folder of Million Song Dataset track files (.h5), searched at any depth.", Required = true };
        var output = new Option<string>("--out", "-o") { Description = "Folder for the previews and manifest.csv.", Required = true };
        var template = new Option<string>("--url-template") { Description = "Preview URL with {7digitalid}, {track_id} and/or {song_id}; the default, 7digital's, is OAuth-signed with --key and --secret.", DefaultValueFactory = _ => PreviewDownloadOptions.SevenDigitalTemplate };
        var key = new Option<string?>("--key") { Description = $"OAuth consumer key (or ${PreviewDownloadOptions.KeyVariable})." };
        var secret = new Option<string?>("--secret") { Description = $"OAuth consumer secret (or ${PreviewDownloadOptions.SecretVariable}); never logged." };
        var concurrency = new Option<int>("--concurrency", "-c") { Description = "Parallel downloads.", DefaultValueFactory = _ => 4 };
        var retries = new Option<int>("--retries") { Description = "Retries per track after a failed first attempt (0–19), on 5xx, 408, 429 and time-outs, with backoff (as curl --retry; 0 = one attempt).", DefaultValueFactory = _ => 3 };
        var shard = new Option<string?>("--shard") { Description = "Only the tracks of shard k of N (k/N, k 0-based, by track id as preprocess --shard), for several machines sharing the work; the manifest is then manifest-<k>-of-<N>.csv." };
        var command = new Command("download", "Fetch 30 s preview MP3s for MSD tracks (resumable, retries 5xx, 408, 429 and time-outs with backoff, writes manifest.csv).")
        {
            msd, output, template, key, secret, concurrency, retries, shard,
        };
        command.SetAction(parse =>
        {
            var ctx = CliContext.Get();
            ctx.CancelNote = "finished previews are kept and a re-run skips them";
            string root = ArgParsing.ExistingPath(parse.GetValue(msd)!, "--msd");
            string outDir = Path.GetFullPath(parse.GetValue(output)!);
            if (File.Exists(outDir))
                throw new UsageException($"--out '{outDir}' is a file; download writes a folder of previews and manifest.csv");
            var spec = ArgParsing.Shard(parse.GetValue(shard));
            var options = new PreviewDownloadOptions
            {
                OutputDirectory = outDir,
                ManifestPath = spec.Count > 1 ? Path.Combine(outDir, $"manifest-{spec.Index}-of-{spec.Count}.csv") : null,
                UrlTemplate = parse.GetValue(template)!,
                ConsumerKey = parse.GetValue(key),
                ConsumerSecret = parse.GetValue(secret),
                Concurrency = parse.GetValue(concurrency),
                MaxAttempts = parse.GetValue(retries) + 1,
            };
            if (parse.GetValue(retries) is < 0 or > 19) throw new UsageException($"--retries {parse.GetValue(retries)} must be 0 to 19");
            try { options.Validate(); }
            catch (ArgumentException ex) { throw new UsageException(ex.Message.Replace("UrlTemplate", "--url-template", StringComparison.Ordinal)); }
            var scan = ProgressReporter.Run(ctx, "scan MSD files", p =>
                MsdFolderScanner.Scan(root, new Progress<int>(n => p.Report(new(n, 0, $"{n} files read"))), ctx.Cancellation)); // total unknown while scanning
            if (spec.Count > 1)
            {
                // Tracks by their id (the ids preprocess --shard hashes); an unreadable file by its path, so one shard reports it.
                int all = scan.Tracks.Count;
                scan = new MsdScanResult(scan.Tracks.Where(t => spec.Contains(t.TrackId)).ToArray(), scan.Failures.Where(f => spec.Contains(f.Path)).ToArray());
                ctx.Error.WriteLine($"shard {spec}: {scan.Tracks.Count} of {all} tracks");
            }
            ctx.Error.WriteLine($"scan MSD files: {scan.Tracks.Count} tracks{(scan.Failures.Count > 0 ? $", {scan.Failures.Count} unreadable files" : "")}");
            if (spec.Count > 1 && scan.Tracks.Count == 0 && scan.Failures.Count == 0)
            {
                ctx.Error.WriteLine($"shard {spec} holds none of the tracks; nothing to download");
                return CliApp.Ok;
            }
            if (scan.Tracks.Count == 0 && scan.Failures.Count == 0)
                throw new InvalidDataException($"{root}: no MSD track files (*.h5) found; nothing to download");
            using var downloader = new PreviewDownloader();
            var summary = ProgressReporter.Run(ctx, "download", p =>
                downloader.RunAsync(scan, options, new Progress<PreviewDownloadProgress>(d => p.Report(new(d.Completed, d.Total, $"{d.Failed} failed"))), ctx.Cancellation)
                    .GetAwaiter().GetResult());
            foreach (PreviewDownloadStatus status in Enum.GetValues<PreviewDownloadStatus>())
                if (summary.Count(status) is var n and > 0) ctx.Out.WriteLine($"{DownloadManifest.StatusName(status)}: {n}");
            ctx.Out.WriteLine($"manifest: {summary.ManifestPath}");
            // Unreadable track files are named with their reason (the first 20; all are in the manifest).
            var unreadable = summary.Records.Where(r => r.Status is PreviewDownloadStatus.Unreadable).ToList();
            foreach (var r in unreadable.Take(20)) ctx.Error.WriteLine($"unreadable: {r.File}: {r.Reason}");
            if (unreadable.Count > 20) ctx.Error.WriteLine($"… and {unreadable.Count - 20} more unreadable files (see the manifest)");
            return summary.Records.Any(r => r.Status is PreviewDownloadStatus.Failed or PreviewDownloadStatus.Unreadable) ? CliApp.Failure : CliApp.Ok;
        });
        return command;
    }
}
