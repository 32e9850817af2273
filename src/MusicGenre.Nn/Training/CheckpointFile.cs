using PureHDF;
using PureHDF.VOL.Native;
using MusicGenre.Nn.ModelFile;

namespace MusicGenre.Nn.Training;

/// <summary>
/// Checkpoint files: a model file's layout (format "musicgenre-checkpoint") holding the current weights, plus
/// <c>/optimizer</c> (attributes <c>name</c>, <c>steps</c>; <c>state/&lt;param&gt;.&lt;slot&gt;</c> datasets),
/// <c>/rng</c> (<c>shuffle</c>, <c>augment</c> uint64[4] xoshiro states; <c>dropout_calls</c>, <c>bn_batches</c> int64),
/// <c>/progress</c> (epoch position, partial sums, best-so-far bookkeeping, fingerprints; <c>order</c> int32;
/// <c>history/*</c> per-epoch float64; <c>state_checksum</c>, a CRC-32 of all of these and of <c>/best</c>) and
/// <c>/best</c> (<c>params</c>, <c>buffers</c> of the best epoch).
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
        var columns = EpochColumns.All.Select(c => s.History.Select(c.Value).ToArray()).ToArray();
        for (int c = 0; c < columns.Length; c++)
            history[EpochColumns.All[c].Name] = new H5Dataset(columns[c], fileDims: [(ulong)columns[c].Length]);
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
        progress.Attributes["state_checksum"] = (long)StateChecksum(s, columns);
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
        var (history, columns) = ReadHistory(r, r.Group(progress, "history"));
        var state = new TrainingState
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
        Verify(r, state, columns, progress);
        return state;
    });

    /// <summary>
    /// 3. What a resume reads besides the model part's tensors (which <c>/checksums</c> cover) — optimizer state, random-number states, the epoch's
    /// position and order, partial sums, history and the best epoch's weights — must match <c>/progress@state_checksum</c>
    /// (absent in checkpoints of earlier builds) and be consistent: a damaged value would resume quietly into a wrong model.
    /// </summary>
    private static void Verify(H5Read r, TrainingState s, double[][] columns, IH5Group progress)
    {
        const string Hint = "; the file is damaged: delete it to start over";
        if (progress.AttributeExists("state_checksum")
            && (uint)r.Integer(progress, "state_checksum", "/progress") != StateChecksum(s, columns))
            throw r.Fail("the optimizer state, progress or best-epoch weights do not match /progress@state_checksum" + Hint);
        string? problem =
            s.Epoch < 0 || s.Epoch != s.History.Count ? $"/progress@epoch {s.Epoch} does not follow its history of {s.History.Count} epochs"
            : s.StepInEpoch < 0 || s.GlobalStep < 0 || s.OptimizerSteps < 0 ? "a negative step count in /progress or /optimizer"
            : s.Seen < 0 || s.SumCorrect < 0 || s.SumCorrect > s.Seen ? $"/progress counts {s.SumCorrect} correct of {s.Seen} seen"
            : s.BestEpoch < 0 || s.BestEpoch > s.History.Count ? $"/progress@best_epoch {s.BestEpoch} is not one of the {s.History.Count} epochs run"
            : s.BadEpochs < 0 || s.BadEpochs > s.History.Count ? $"/progress@bad_epochs {s.BadEpochs} is more than the {s.History.Count} epochs run"
            : s.OptimizerState.FirstOrDefault(t => !t.Data.All(float.IsFinite)) is { } bad
                ? $"optimizer state '{bad.Name}' holds a value that is not finite"
            : null;
        if (problem is not null) throw r.Fail(problem + Hint);
    }

    /// <summary>
    /// CRC-32 over everything in a checkpoint outside the model part, in a fixed order: the optimizer's name, steps and
    /// state tensors (names and values), the four random-number arrays, every /progress number, the epoch's order, the
    /// history columns as stored, the best epoch's tensors and the fingerprints.
    /// </summary>
    internal static uint StateChecksum(TrainingState s, double[][] historyColumns)
    {
        var crc = new System.IO.Hashing.Crc32();
        void Text(string t) { crc.Append(System.Text.Encoding.UTF8.GetBytes(t)); crc.Append([0]); }
        void Span<T>(ReadOnlySpan<T> values) where T : unmanaged => crc.Append(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values));
        void Numbers(params double[] values) => Span<double>(values);
        void Tensors(IEnumerable<ModelTensor> tensors)
        {
            foreach (var t in tensors) { Text(t.Name); Span<float>(t.Data); }
        }

        Text(s.OptimizerName);
        Numbers(s.OptimizerSteps);
        Tensors(s.OptimizerState);
        Span<ulong>(s.ShuffleRng); Span<ulong>(s.AugmentRng); Span<long>(s.DropoutCalls); Span<long>(s.BatchNormBatches);
        Numbers(s.Epoch, s.StepInEpoch, s.GlobalStep, s.SumLoss, s.SumCorrect, s.Seen, s.BestLoss, s.BestAccuracy, s.BestEpoch, s.BadEpochs);
        Span<int>(s.Order);
        foreach (var column in historyColumns) Span<double>(column);
        Tensors(s.BestParameters);
        Tensors(s.BestBuffers);
        Text(s.OptionsFingerprint);
        Text(s.DataFingerprint.ToString("X16"));
        return crc.GetCurrentHashAsUInt32();
    }

    private static (List<EpochMetrics> Epochs, double[][] Columns) ReadHistory(H5Read r, IH5Group g)
    {
        var cols = new Dictionary<string, double[]>(StringComparer.Ordinal);
        int epochs = -1;
        foreach (string column in EpochColumns.Names)
        {
            string name = g.LinkExists(column) || !EarlierNames.TryGetValue(column, out var earlier) || !g.LinkExists(earlier) ? column : earlier;
            if (!g.LinkExists(name)) throw r.Fail($"missing /progress/history/{column}");
            var ds = r.Child<IH5Dataset>(g, name, $"dataset /progress/history/{name}");
            var shape = r.Shape(ds, $"/progress/history/{name}", H5DataTypeClass.FloatingPoint, 8);
            if (shape.Length != 1 || shape[0] > 1_000_000 || epochs >= 0 && (int)shape[0] != epochs)
                throw r.Fail($"/progress/history/{name} has an inconsistent length");
            epochs = (int)shape[0];
            cols[column] = shape[0] == 0 ? [] : ds.Read<double[]>();
        }
        return (Enumerable.Range(0, epochs).Select(i => EpochColumns.FromValues(name => cols[name][i])).ToList(),
            EpochColumns.Names.Select(n => cols[n]).ToArray());
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
