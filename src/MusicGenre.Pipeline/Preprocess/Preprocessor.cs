using System.Diagnostics;
using System.Globalization;
using System.Threading.Channels;
using MusicGenre.Data.Datasets;
using MusicGenre.Data.FeatureStore;
using MusicGenre.IO;

namespace MusicGenre.Pipeline.Preprocess;

/// <summary>
/// The <c>preprocess</c> step: dataset → decode + features in parallel → per-song spool parts → one HDF5 feature store.
/// Memory is bounded: a bounded queue feeds <see cref="PreprocessOptions.ThreadCount"/> workers, each streaming one song a segment
/// at a time into its spool part. Cancelled or killed, a re-run with the same options reuses every finished part and
/// produces the same store as an uninterrupted run.
/// </summary>
public static class Preprocessor
{
    /// <summary>Runs preprocessing with the production front end: MusicGenre.Audio decoding and librosa-exact log-mel.</summary>
    /// <example><code>
    /// var summary = await Preprocessor.RunAsync(new PreprocessOptions { Input = "gtzan", Output = "f.h5" }, progress);
    /// </code></example>
    /// <exception cref="PreprocessException">Invalid options, or a spool folder made with other settings.</exception>
    /// <exception cref="DatasetFormatException">A malformed manifest or label file.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    public static Task<PreprocessSummary> RunAsync(PreprocessOptions options, IProgress<PreprocessProgress>? progress = null,
        CancellationToken cancellationToken = default) =>
        RunAsync(options, LogMelFeaturizer.Create, openAudio: null, progress, cancellationToken);

    /// <summary>Runs preprocessing with the given featurizer and audio decoder.</summary>
    /// <param name="options">What to read, where to write, segment length, jobs, shard.</param>
    /// <param name="featurizerFactory">Creates one featurizer per worker for <see cref="PreprocessOptions.Features"/> and segment length (samples).</param>
    /// <param name="openAudio">Opens a song as mono at a given rate; null uses MusicGenre.Audio's streaming decoder.</param>
    /// <param name="progress">Receives a report after each song and during the merge.</param>
    /// <param name="cancellationToken">Stops the run; finished songs stay in the spool for the next run.</param>
    /// <exception cref="PreprocessException">Invalid options, or a spool folder made with other settings.</exception>
    /// <exception cref="DatasetFormatException">A malformed manifest or label file.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    internal static async Task<PreprocessSummary> RunAsync(
        PreprocessOptions options,
        Func<PreprocessOptions, int, ISegmentFeaturizer> featurizerFactory,
        Func<string, int, IMonoAudioSource>? openAudio = null,
        IProgress<PreprocessProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        // 1. Options, dataset and shard.
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(featurizerFactory);
        options.Validate();
        openAudio ??= AudioFileSource.Open;
        var clock = Stopwatch.StartNew();
        string output = Path.GetFullPath(options.Output);
        if (Directory.Exists(output)) throw new PreprocessException($"--out {output} is a folder; give the path of the .h5 file to write");
        Dataset dataset = DatasetLoader.Load(options.Input, options.ClsPath, options.Genres);
        // The store replaces the file at --out when the run ends: never one of the songs it reads (links resolved), in this
        // shard or another, whatever --force allowed for "a file of another kind".
        if (RealPaths.TryFindSameFile(output, dataset.Entries.Select(e => e.Path), out string? song))
            throw new PreprocessException($"--out {options.Output} is also an input: the song {song} of {options.Input}; write the store somewhere else") { IsUsage = true };
        // An id that reads as a copy's (<id>#clip) would be taken for one: by splits, folds, t-SNE and counts, and by the
        // copies of another song (with or without --copies in this run, since stores may be merged).
        if (dataset.Entries.FirstOrDefault(e => SongCopies.IsCopy(e.SongId)) is { } clash)
            throw new PreprocessException($"{options.Input}: song id '{clash.SongId}' ({clash.Path}) ends like the id of a --copies copy " +
                $"('{SongCopies.Marker}{clash.SongId[(clash.SongId.LastIndexOf(SongCopies.Marker) + 1)..]}'); give the song another id (a song_id column in a CSV manifest, or rename the file)");
        // A song's copies follow it into its shard and sit right after it in the store.
        var entries = new List<DatasetEntry>();
        foreach (var e in dataset.Entries.Where(e => options.Shard.Contains(e.SongId)))
        {
            entries.Add(e);
            foreach (var copy in options.Copies) entries.Add(e with { SongId = SongCopies.Id(e.SongId, copy) });
        }

        // 2. The spool folder: settings must match those of any earlier run; stale temp files go.
        int segmentSamples = options.SegmentSamples;
        var probe = featurizerFactory(options, segmentSamples);
        using var spool = new SpoolFolder(options.EffectiveSpoolDirectory);
        spool.Prepare(Settings(options, dataset.Genres, probe));

        // 3. Songs already finished (valid part for the same song id) are not redone; damaged parts are.
        var pending = new List<DatasetEntry>();
        int done = 0, failed = 0;
        foreach (var entry in entries)
        {
            string part = spool.PartPath(entry.SongId);
            // A finished part counts only if it is of this song and of the same bytes (a file replaced since is redone).
            if (File.Exists(part) && SpoolPart.TryRead(part) is { } p && p.SongId == entry.SongId && p.Source == SpoolPart.SourceStamp(entry.Path))
            {
                done++;
                if (!p.Ok) failed++;
            }
            else
            {
                pending.Add(entry);
            }
        }
        int resumed = done;
        progress?.Report(new PreprocessProgress("features", done, entries.Count, failed, null));

        // 4. Workers take songs from a bounded queue; each owns a featurizer and scratch buffers.
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var queue = Channel.CreateBounded<DatasetEntry>(new BoundedChannelOptions(options.QueueCapacity ?? 2 * options.EffectiveThreadCount)
        {
            SingleWriter = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        int jobs = Math.Max(1, Math.Min(options.EffectiveThreadCount, pending.Count));
        var warnings = new System.Collections.Concurrent.ConcurrentQueue<(string Path, string Text)>();
        var workers = new Task[jobs];
        for (int w = 0; w < jobs; w++)
        {
            var featurizer = w == 0 ? probe : featurizerFactory(options, segmentSamples);
            workers[w] = Task.Run(async () =>
            {
                var worker = new SongWorker(options, featurizer, openAudio);
                try
                {
                    await foreach (var entry in queue.Reader.ReadAllAsync(linked.Token).ConfigureAwait(false))
                    {
                        bool ok = worker.Process(entry, spool.PartPath(entry.SongId), linked.Token);
                        if (worker.LastWarning is { } warning) warnings.Enqueue((entry.Path, warning));
                        int f = ok ? Volatile.Read(ref failed) : Interlocked.Increment(ref failed);
                        progress?.Report(new PreprocessProgress("features", Interlocked.Increment(ref done), entries.Count, f, entry.Path));
                    }
                }
                catch
                {
                    // A failing worker (a full disk, a featurizer bug) stops the run at once: the producer may be waiting
                    // for room in the queue that no worker would ever make.
                    linked.Cancel();
                    throw;
                }
            }, linked.Token);
        }
        var producer = Task.Run(async () =>
        {
            try
            {
                foreach (var entry in pending) await queue.Writer.WriteAsync(entry, linked.Token).ConfigureAwait(false);
            }
            finally
            {
                queue.Writer.TryComplete();
            }
        }, linked.Token);
        var all = workers.Append(producer).ToArray();
        try
        {
            await Task.WhenAll(all).ConfigureAwait(false);
        }
        catch
        {
            // A failing worker stops the others; report its error, not the cancellations it caused.
            linked.Cancel();
            await Task.WhenAll(all).ContinueWith(_ => { }, TaskScheduler.Default).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
            var error = all.Where(t => t.IsFaulted).SelectMany(t => t.Exception!.InnerExceptions).FirstOrDefault(e => e is not OperationCanceledException);
            if (error is not null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(error).Throw();
            throw;
        }
        cancellationToken.ThrowIfCancellationRequested();

        // 5. Merge the parts, in dataset order, into the store.
        return Merge(options, dataset, entries, spool, output, resumed, pending.Count, clock, progress, cancellationToken) with
        {
            Warnings = warnings.OrderBy(w => w.Path, StringComparer.Ordinal).Select(w => w.Text).ToArray(),
        };
    }

    private static PreprocessSummary Merge(PreprocessOptions options, Dataset dataset, List<DatasetEntry> entries, SpoolFolder spool,
        string output, int resumed, int processed, Stopwatch clock, IProgress<PreprocessProgress>? progress, CancellationToken cancellationToken)
    {
        // 1. Read every part's header: songs with segments go in the store, the others are bad files.
        var songs = new List<StoreSong>();
        var parts = new List<(string Path, SpoolPart Part)>();
        var bad = new List<BadFile>();
        var songCounts = new int[dataset.Genres.Count];
        var segmentCounts = new int[dataset.Genres.Count];
        int segments = 0, padded = 0, mels = 0, frames = 0;
        foreach (var entry in entries)
        {
            string path = spool.PartPath(entry.SongId);
            var part = SpoolPart.TryRead(path) ?? throw new PreprocessException($"spool part {path} of '{entry.SongId}' vanished or is damaged; run again to redo it");
            if (!part.Ok)
            {
                bad.Add(new BadFile(entry.Path, entry.SongId, part.Reason ?? "unknown"));
                continue;
            }
            songs.Add(new StoreSong(entry.SongId, entry.Path, entry.Artist ?? "", entry.GenreIndex, segments, part.Segments));
            parts.Add((path, part));
            (mels, frames) = (part.Mels, part.Frames);
            segments += part.Segments;
            songCounts[entry.GenreIndex]++;
            segmentCounts[entry.GenreIndex] += part.Segments;
            if (part.Padded) padded++;
        }

        // 2. Write the store (atomically) unless nothing survived; then drop the spool (the run is complete).
        string? storePath = null;
        if (segments > 0)
        {
            var header = new FeatureStoreHeader(dataset.Genres.Names, mels, frames, options.Features.SampleRate, options.SegmentSeconds,
                options.Features.Name, options.PresetParameters());
            int merged = 0;
            // Each song goes from its part to the store a piece at a time (FeatureStoreWriter), so a song of any length fits
            // in memory; a song that fails is named by the writer (its part's name is only a hash).
            FeatureStoreWriter.Write(output, header, songs, (i, first, count, destination) =>
            {
                if (first == 0) progress?.Report(new PreprocessProgress("merge", ++merged, songs.Count, bad.Count, songs[i].Path));
                parts[i].Part.ReadSegments(parts[i].Path, first, count, destination);
            }, FeatureStoreWriter.DefaultChunkCacheCapacity, pieceSegments: options.StorePieceSegments, cancellationToken: cancellationToken);
            storePath = output;
        }
        if (!options.KeepSpool) spool.Delete();

        var perGenre = dataset.Genres.Names.Select((g, i) => new GenreCount(g, songCounts[i], segmentCounts[i])).ToArray();
        return new PreprocessSummary(storePath, dataset.Entries.Count, entries.Count, resumed, processed, segments, padded,
            perGenre, bad, dataset.Skipped, clock.Elapsed);
    }

    /// <summary>Everything a spool part depends on; a spool made with other values is refused.</summary>
    private static Dictionary<string, string> Settings(PreprocessOptions options, GenreList genres, ISegmentFeaturizer featurizer)
    {
        var settings = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["spool_version"] = "1",
            ["preset"] = options.Features.Name,
            ["segment_samples"] = options.SegmentSamples.ToString(CultureInfo.InvariantCulture),
            ["min_song_samples"] = options.MinSongSamples.ToString(CultureInfo.InvariantCulture),
            ["mels"] = featurizer.Mels.ToString(CultureInfo.InvariantCulture),
            ["frames"] = featurizer.Frames.ToString(CultureInfo.InvariantCulture),
            ["genres"] = genres.ToString(),
        };
        foreach (var (key, value) in options.PresetParameters())
            settings["feature_" + key] = Convert.ToString(value, CultureInfo.InvariantCulture) ?? "";
        return settings;
    }
}
