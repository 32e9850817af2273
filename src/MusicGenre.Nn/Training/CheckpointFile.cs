using PureHDF;
using PureHDF.VOL.Native;
using MusicGenre.Nn.ModelFile;

namespace MusicGenre.Nn.Training;

/// <summary>
/// Checkpoint files: a model file's layout (format "musicgenre-checkpoint") holding the current weights, plus
/// <c>/optimizer</c> (attributes <c>name</c>, <c>steps</c>; <c>state/&lt;param&gt;.&lt;slot&gt;</c> datasets),
/// <c>/rng</c> (<c>shuffle</c>, <c>augment</c> uint64[4] xoshiro states; <c>dropout_calls</c>, <c>bn_batches</c> int64),
/// <c>/progress</c> (epoch position, partial sums, best-so-far bookkeeping, fingerprints; <c>order</c> int32;
/// <c>history/*</c> per-epoch float64) and <c>/best</c> (<c>params</c>, <c>buffers</c> of the best epoch).
/// Written atomically, so a run killed while writing leaves the previous checkpoint intact.
/// </summary>
internal static class CheckpointFile
{
    /// <summary>Names of <see cref="EpochColumns"/> in checkpoints of earlier builds, still read.</summary>
    private static readonly Dictionary<string, string> EarlierNames = new(StringComparer.Ordinal) { ["learning_rate"] = "lr", ["best"] = "is_best" };

    /// <summary>Writes <paramref name="s"/> to <paramref name="path"/> atomically.</summary>
    public static void Write(string path, TrainingState s)
    {
        var file = new H5File();
        ModelFileWriter.AddModel(file, s.Current, ModelFileFormat.CheckpointFormat);
        var opt = new H5Group { ["state"] = ModelFileWriter.TensorGroup(s.OptimizerState) };
        opt.Attributes["name"] = s.OptimizerName;
        opt.Attributes["steps"] = s.OptimizerSteps;
        opt.Attributes["state_names"] = s.OptimizerState.Select(t => t.Name).ToArray();
        file["optimizer"] = opt;
        file["rng"] = new H5Group
        {
            ["shuffle"] = new H5Dataset(s.ShuffleRng, fileDims: [(ulong)s.ShuffleRng.Length]),
            ["augment"] = new H5Dataset(s.AugmentRng, fileDims: [(ulong)s.AugmentRng.Length]),
            ["dropout_calls"] = new H5Dataset(s.DropoutCalls, fileDims: [(ulong)s.DropoutCalls.Length]),
            ["bn_batches"] = new H5Dataset(s.BatchNormBatches, fileDims: [(ulong)s.BatchNormBatches.Length]),
        };
        var history = new H5Group();
        foreach (var column in EpochColumns.All)
        {
            var col = s.History.Select(column.Value).ToArray();
            history[column.Name] = new H5Dataset(col, fileDims: [(ulong)col.Length]);
        }
        var progress = new H5Group
        {
            ["order"] = new H5Dataset(s.Order, fileDims: [(ulong)s.Order.Length]),
            ["history"] = history,
        };
        progress.Attributes["epoch"] = (long)s.Epoch;
        progress.Attributes["step_in_epoch"] = (long)s.StepInEpoch;
        progress.Attributes["global_step"] = s.GlobalStep;
        progress.Attributes["sum_loss"] = s.SumLoss;
        progress.Attributes["sum_correct"] = s.SumCorrect;
        progress.Attributes["seen"] = s.Seen;
        progress.Attributes["best_loss"] = s.BestLoss;
        progress.Attributes["best_accuracy"] = s.BestAccuracy;
        progress.Attributes["best_epoch"] = (long)s.BestEpoch;
        progress.Attributes["bad_epochs"] = (long)s.BadEpochs;
        progress.Attributes["options_fingerprint"] = s.OptionsFingerprint;
        progress.Attributes["data_fingerprint"] = s.DataFingerprint.ToString("X16");
        file["progress"] = progress;
        var best = new H5Group { ["params"] = ModelFileWriter.TensorGroup(s.BestParameters), ["buffers"] = ModelFileWriter.TensorGroup(s.BestBuffers) };
        best.Attributes["parameter_names"] = s.BestParameters.Select(t => t.Name).ToArray();
        best.Attributes["buffer_names"] = s.BestBuffers.Select(t => t.Name).ToArray();
        file["best"] = best;
        MusicGenre.IO.SafeFile.Write(path, temp => file.Write(temp));
    }

    /// <summary>Reads and validates a checkpoint (model part against its architecture, every other part by type and size).</summary>
    /// <exception cref="ModelFileException">Unreadable, truncated, corrupt or inconsistent; the message names the file.</exception>
    public static TrainingState Read(string path) => ModelFileReader.Open(path, ModelFileFormat.CheckpointFormat, (file, r) =>
    {
        var current = ModelFileReader.ReadModel(file, r);
        var expected = current.Parameters.Concat(current.Buffers).ToDictionary(t => t.Name, t => (long)t.Data.Length, StringComparer.Ordinal);
        // 1. Optimizer: every state tensor is named <param>.<slot> and has its parameter's size.
        var opt = r.Group(file, "optimizer");
        var stateNames = r.Strings(opt, "state_names", "/optimizer");
        var sizes = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (string n in stateNames)
        {
            int dot = n.LastIndexOf('.');
            if (dot <= 0 || !expected.TryGetValue(n[..dot], out long len)) throw r.Fail($"optimizer state '{n}' belongs to no parameter");
            sizes[n] = len;
        }
        var optState = ModelFileReader.ReadTensors(r, r.Group(opt, "state"), "optimizer/state", stateNames, sizes);
        // 2. RNG states and counters.
        var rng = r.Group(file, "rng");
        var progress = r.Group(file, "progress");
        var bestGroup = r.Group(file, "best");
        var history = ReadHistory(r, r.Group(progress, "history"));
        return new TrainingState
        {
            Current = current,
            OptimizerName = r.String(opt, "name", "/optimizer"),
            OptimizerSteps = r.Integer(opt, "steps", "/optimizer"),
            OptimizerState = optState,
            ShuffleRng = Words<ulong>(r, rng, "shuffle", 4, 4),
            AugmentRng = Words<ulong>(r, rng, "augment", 4, 4),
            DropoutCalls = Words<long>(r, rng, "dropout_calls", 0, 1024),
            BatchNormBatches = Words<long>(r, rng, "bn_batches", 0, 1024),
            Epoch = (int)r.Integer(progress, "epoch", "/progress"),
            StepInEpoch = (int)r.Integer(progress, "step_in_epoch", "/progress"),
            GlobalStep = r.Integer(progress, "global_step", "/progress"),
            Order = Words<int>(r, progress, "order", 0, int.MaxValue),
            SumLoss = r.Number(progress, "sum_loss", "/progress"),
            SumCorrect = r.Integer(progress, "sum_correct", "/progress"),
            Seen = r.Integer(progress, "seen", "/progress"),
            BestLoss = r.Number(progress, "best_loss", "/progress"),
            BestAccuracy = r.Number(progress, "best_accuracy", "/progress"),
            BestEpoch = (int)r.Integer(progress, "best_epoch", "/progress"),
            BadEpochs = (int)r.Integer(progress, "bad_epochs", "/progress"),
            BestParameters = ModelFileReader.ReadTensors(r, r.Group(bestGroup, "params"), "best/params", r.Strings(bestGroup, "parameter_names", "/best"), expected),
            BestBuffers = ModelFileReader.ReadTensors(r, r.Group(bestGroup, "buffers"), "best/buffers", r.Strings(bestGroup, "buffer_names", "/best"), expected),
            History = history,
            OptionsFingerprint = r.String(progress, "options_fingerprint", "/progress"),
            DataFingerprint = ulong.TryParse(r.String(progress, "data_fingerprint", "/progress"), System.Globalization.NumberStyles.HexNumber, null, out ulong fp)
                ? fp : throw r.Fail("/progress@data_fingerprint is not a hex number"),
        };
    });

    private static List<EpochMetrics> ReadHistory(H5Read r, IH5Group g)
    {
        var cols = new Dictionary<string, double[]>(StringComparer.Ordinal);
        int epochs = -1;
        foreach (string column in EpochColumns.Names)
        {
            string name = g.LinkExists(column) || !EarlierNames.TryGetValue(column, out var earlier) || !g.LinkExists(earlier) ? column : earlier;
            if (!g.LinkExists(name)) throw r.Fail($"missing /progress/history/{column}");
            var ds = g.Dataset(name);
            var shape = r.Shape(ds, $"/progress/history/{name}", H5DataTypeClass.FloatingPoint, 8);
            if (shape.Length != 1 || shape[0] > 1_000_000 || epochs >= 0 && (int)shape[0] != epochs)
                throw r.Fail($"/progress/history/{name} has an inconsistent length");
            epochs = (int)shape[0];
            cols[column] = shape[0] == 0 ? [] : ds.Read<double[]>();
        }
        return Enumerable.Range(0, epochs).Select(i => EpochColumns.FromValues(name => cols[name][i])).ToList();
    }

    private static T[] Words<T>(H5Read r, IH5Group g, string name, int min, int max) where T : unmanaged
    {
        string what = $"{name}";
        if (!g.LinkExists(name)) throw r.Fail($"missing dataset {what}");
        var ds = g.Dataset(name);
        var shape = r.Shape(ds, what, H5DataTypeClass.FixedPoint, System.Runtime.InteropServices.Marshal.SizeOf<T>());
        if (shape.Length != 1 || shape[0] < min || shape[0] > max) throw r.Fail($"dataset {what} must hold {min}..{max} values");
        return shape[0] == 0 ? [] : ds.Read<T[]>();
    }
}
