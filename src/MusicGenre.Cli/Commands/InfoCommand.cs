using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using MusicGenre.Data.FeatureStore;
using MusicGenre.Nn.ModelFile;
using MusicGenre.Nn.Training;
using PureHDF;

namespace MusicGenre.Cli.Commands;

/// <summary>
/// <c>musicgenre info &lt;file.h5&gt; [--json]</c>: what a model, training checkpoint or feature store holds — how it was
/// made (architecture, input, recipe, data, build), its metrics and per-epoch history, or a store's songs per genre — without
/// h5py. The file is read and validated as the other commands read it.
/// </summary>
internal static class InfoCommand
{
    public static Command Create()
    {
        var file = new Argument<string>("file") { Description = "A model (train --out), a training checkpoint (<model>.checkpoint), a feature store (preprocess --out) or a features file (features --out)." };
        var json = new Option<bool>("--json") { Description = "One JSON object instead of text (history as a list of epochs)." };
        var verify = new Option<bool>("--verify") { Description = "For a feature store: read every segment and check it against its stored CRC-32 (and that it is finite); fails listing the damaged segments. Models and checkpoints are verified in full whenever they are read; a features file has no checksums." };
        var command = new Command("info", "Show what a model, checkpoint, feature store or features file holds: how it was made, metrics, training history, songs per genre.")
        {
            file, json, verify,
        };
        command.SetAction(parse =>
        {
            var ctx = CliContext.Get();
            string path = ArgParsing.ExistingPath(parse.GetValue(file)!, "file");
            if (Directory.Exists(path)) throw new UsageException($"'{path}' is a folder; give a model, checkpoint or feature store file");
            string? format;
            try { format = Data.Hdf5RootFormat.Read(path); }
            catch (IOException e) { throw new InvalidDataException(e.Message.StartsWith(path, StringComparison.Ordinal) ? e.Message : $"{path}: {e.Message}", e); }
            var info = format switch
            {
                ModelFileFormat.ModelFormat => ModelInfo(ModelFileReader.Read(path), "model"),
                ModelFileFormat.CheckpointFormat => CheckpointInfo(CheckpointFile.Read(path)),
                FeatureStoreLayout.Format => StoreInfo(path, parse.GetValue(verify), ctx.Cancellation),
                Pipeline.Features.ClipFeatures.Format => parse.GetValue(verify)
                    ? throw new UsageException($"--verify checks feature stores, models and checkpoints; '{path}' is a features file (features --out), which holds no checksums")
                    : ClipFeaturesInfo(path),
                _ => throw new InvalidDataException($"{path}: not a MusicGenre model, checkpoint, feature store or features file ({(format is null ? "no format attribute" : $"format '{format}'")})"),
            };
            info["file"] = Path.GetFullPath(path);
            info["bytes"] = new FileInfo(path).Length;
            ctx.Out.Write(parse.GetValue(json) ? JsonSerializer.Serialize(info) + Environment.NewLine : Text(info));
            return CliApp.Ok;
        });
        return command;
    }

    private static Dictionary<string, object?> ModelInfo(GenreModel m, string kind)
    {
        var spec = m.CreateSpec();
        var history = m.Training.History;
        int epochs = history.Values.Select(v => v.Length).DefaultIfEmpty(0).Max();
        // The history's columns in their usual order (EpochColumns; a model of an earlier build has fewer), then any other.
        var order = EpochColumns.Names.ToList();
        var columns = history.OrderBy(h => order.IndexOf(h.Key) is var i and >= 0 ? i : int.MaxValue).ThenBy(h => h.Key, StringComparer.Ordinal).ToList();
        return new Dictionary<string, object?>
        {
            ["kind"] = kind,
            ["format_version"] = ModelFileFormat.VersionOf(m),
            ["architecture"] = m.Architecture,
            ["hyper_parameters"] = m.HyperParameters,
            ["parameters"] = m.Parameters.Sum(p => (long)p.Data.Length),
            ["input"] = m.Mfcc > 0
                ? $"first {m.Mfcc} MFCCs of {m.MelBands} log-mel bands"
                : $"log-mel, {spec.Mels} bands",
            ["input_shape"] = new[] { spec.InputChannels, spec.Mels, spec.Frames },
            ["feature_preset"] = m.FeaturePreset,
            ["segment_seconds"] = m.SegmentSeconds,
            ["level"] = LevelNormalizer.FileName(m.Level),
            ["band_limit_hz"] = m.BandLimitHz,
            ["kept_bands"] = m.KeptBands,
            ["standardisation"] = m.Normalization.Mode.ToString(),
            ["genres"] = m.Labels,
            ["trained"] = m.Training.Date.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture),
            ["build"] = m.Training.Build.Length > 0 ? m.Training.Build : null,
            ["device"] = m.Training.Device.Length > 0 ? m.Training.Device : null,
            ["epochs"] = m.Training.Epochs,
            ["best_epoch"] = m.Training.BestEpoch,
            ["data"] = m.Training.Data,
            ["options"] = m.Training.Options,
            ["metrics"] = m.Training.Metrics,
            ["history"] = Enumerable.Range(0, epochs).Select(e =>
            {
                var row = new Dictionary<string, double?> { ["epoch"] = e + 1 };
                foreach (var (name, values) in columns)
                    row[name] = e < values.Length && double.IsFinite(values[e]) ? values[e] : null;
                return row;
            }).ToList(),
        };
    }

    private static Dictionary<string, object?> CheckpointInfo(TrainingState s)
    {
        var info = ModelInfo(s.Current with { Training = s.Current.Training with { Epochs = s.History.Count } }, "checkpoint");
        info["next_epoch"] = s.Epoch + 1;
        info["step_in_epoch"] = s.StepInEpoch;
        info["best_epoch"] = s.BestEpoch;
        info["history"] = EpochColumns.Rows(s.History);
        info.Remove("metrics");
        return info;
    }

    private static Dictionary<string, object?> StoreInfo(string path, bool verify, CancellationToken cancellationToken)
    {
        using var store = FeatureStoreReader.Open(path);
        string? verified = verify ? VerifyStore(store, cancellationToken) : null;
        var h = store.Header;
        var genres = h.GenreNames.Select((g, i) => new Dictionary<string, object>
        {
            ["genre"] = g,
            ["songs"] = store.Songs.Count(s => s.Label == i && !Pipeline.Preprocess.SongCopies.IsCopy(s.SongId)),
            ["copies"] = store.Songs.Count(s => s.Label == i && Pipeline.Preprocess.SongCopies.IsCopy(s.SongId)),
            ["segments"] = store.Labels.Count(l => l == i),
        }).ToList();
        return new Dictionary<string, object?>
        {
            ["kind"] = "feature store",
            ["format_version"] = FeatureStoreLayout.Version,
            ["feature_preset"] = h.PresetName,
            ["preset_parameters"] = h.PresetParameters.OrderBy(p => p.Key, StringComparer.Ordinal).ToDictionary(p => p.Key, p => Convert.ToString(p.Value, CultureInfo.InvariantCulture)),
            ["sample_rate"] = h.SampleRate,
            ["segment_seconds"] = h.SegmentSeconds,
            ["segment_shape"] = new[] { h.Mels, h.Frames },
            ["songs"] = store.Songs.Count,
            ["segments"] = store.SegmentCount,
            ["songs_with_artist"] = store.Songs.Count(s => s.Artist.Length > 0),
            ["checksums"] = store.HasChecksums ? "CRC-32 per segment" : "none (made by a build up to ce7d069, 2026-12-07: only non-finite values show damage)",
            ["verified"] = verified,
            ["genres"] = genres,
        };
    }

    /// <summary>Segments <c>info --verify</c> reads at once (8.5 MB of 128 × 130 segments).</summary>
    internal const int VerifyPiece = 128;

    /// <summary>
    /// Reads every segment of <paramref name="store"/> (each read checks its CRC-32 and finiteness) and says so; damaged
    /// segments are all found, not only the first, and reported together as an <see cref="InvalidDataException"/>.
    /// Songs are read in pieces of up to <see cref="VerifyPiece"/> segments (few reads: in a compressed store of an
    /// earlier build each read costs O(segments); bounded memory: a 27 h song read whole took 2.2 GB), and only a piece that
    /// fails is read again segment by segment to name every damaged one.
    /// </summary>
    private static string VerifyStore(FeatureStoreReader store, CancellationToken cancellationToken)
    {
        int length = store.Header.SegmentLength;
        var buffer = new float[length];
        var piece = new float[(long)Math.Min(VerifyPiece, store.Songs.Select(x => x.SegmentCount).DefaultIfEmpty(1).Max()) * length];
        var damaged = new List<string>();
        int count = 0;
        foreach (var song in store.Songs)
            for (int first = song.FirstSegment, end = song.FirstSegment + song.SegmentCount; first < end; first += VerifyPiece)
            {
                cancellationToken.ThrowIfCancellationRequested();
                int take = Math.Min(VerifyPiece, end - first);
                FeatureStoreException pieceError;
                try { store.ReadSegments(first, take, piece.AsSpan(0, take * length)); continue; }
                catch (FeatureStoreException e) { pieceError = e; }
                int before = count;
                for (int segment = first; segment < first + take; segment++)
                {
                    try { store.ReadSegment(segment, buffer); }
                    catch (FeatureStoreException e) { Add(e); }
                }
                if (count == before) Add(pieceError); // the piece failed as a whole only (never seen; kept so nothing passes silently)
            }

        void Add(FeatureStoreException e)
        {
            if (++count <= 10) damaged.Add(e.Message.StartsWith(store.Path + ": ", StringComparison.Ordinal) ? e.Message[(store.Path.Length + 2)..] : e.Message);
        }
        if (count > 0)
            throw new InvalidDataException($"{store.Path}: {count.ToString("N0", CultureInfo.InvariantCulture)} of {store.SegmentCount.ToString("N0", CultureInfo.InvariantCulture)} segments are damaged"
                + $"{(count > damaged.Count ? $" (the first {damaged.Count} listed)" : "")}:{Environment.NewLine}  " + string.Join(Environment.NewLine + "  ", damaged));
        string n = store.SegmentCount.ToString("N0", CultureInfo.InvariantCulture);
        return store.HasChecksums ? $"all {n} segments match their checksums" : $"all {n} segments read and are finite (the store has no checksums)";
    }

    /// <summary>A <c>features</c> file: its datasets' shapes and every root attribute (preset parameters, provenance).</summary>
    private static Dictionary<string, object?> ClipFeaturesInfo(string path)
    {
        using var file = MusicGenre.IO.StackGuardStream.OpenFile(path, s => H5File.Open(s));
        var info = new Dictionary<string, object?> { ["kind"] = "features of one file" };
        foreach (var name in new[] { "melspec", "logmel", "mfcc" }.Where(file.LinkExists))
            info[name] = file.Dataset(name).Space.Dimensions.Select(d => (int)d).ToArray();
        foreach (var a in file.Attributes().OrderBy(a => a.Name, StringComparer.Ordinal))
        {
            if (a.Name == "format") continue;
            object? value = (a.Type.Class, a.Type.Size) switch
            {
                (H5DataTypeClass.String or H5DataTypeClass.VariableLength, _) => a.Read<string>(),
                (H5DataTypeClass.FloatingPoint, 4) => (double)a.Read<float>(),
                (H5DataTypeClass.FloatingPoint, _) => a.Read<double>(),
                (H5DataTypeClass.FixedPoint, 4) => (long)a.Read<int>(),
                (H5DataTypeClass.FixedPoint, 8) => a.Read<long>(),
                _ => $"({a.Type.Class})",
            };
            info[a.Name] = value;
        }
        return info;
    }

    /// <summary>The same facts as aligned "name  value" lines, the history as a table.</summary>
    private static string Text(Dictionary<string, object?> info)
    {
        var sb = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        int width = Math.Max(18, info.Keys.Max(k => k.Length) + 2); // names in one column, values in the next
        foreach (var (key, value) in info)
        {
            if (value is null || key == "history") continue;
            string text = value switch
            {
                string s => s,
                double d => d.ToString("G7", inv),
                IReadOnlyDictionary<string, double> hp => string.Join(", ", hp.Select(kv => $"{kv.Key}={kv.Value.ToString("0.######", inv)}")),
                Dictionary<string, string?> parameters => string.Join(", ", parameters.Select(kv => $"{kv.Key}={kv.Value}")),
                int[] shape => string.Join(" × ", shape),
                IReadOnlyList<string> names => string.Join(", ", names),
                List<Dictionary<string, object>> rows => string.Join(Environment.NewLine + new string(' ', width), rows.Select(r =>
                    $"{r["genre"]} {r["songs"]} songs{((int)r["copies"] > 0 ? $" (+{r["copies"]} copies)" : "")}, {r["segments"]} segments")),
                IFormattable f => f.ToString(null, inv),
                _ => value.ToString() ?? "",
            };
            sb.Append(key.Replace('_', ' ').PadRight(width)).Append(text).AppendLine();
        }
        if (info.TryGetValue("history", out var hist) && hist is System.Collections.IEnumerable rowsObj)
        {
            var rows = rowsObj.Cast<Dictionary<string, double?>>().ToList();
            if (rows.Count > 0)
            {
                var columns = rows[0].Keys.ToList();
                sb.AppendLine("history").AppendLine(string.Join("  ", columns.Select(c => c.PadLeft(Math.Max(c.Length, 8)))));
                foreach (var row in rows)
                    sb.AppendLine(string.Join("  ", columns.Select(c =>
                        (row[c]?.ToString(c switch { "epoch" or "best" => "0", "seconds" => "0.0", "learning_rate" => "0.######", _ => "0.0000" }, inv) ?? "–")!.PadLeft(Math.Max(c.Length, 8)))));
            }
        }
        return sb.ToString();
    }
}
