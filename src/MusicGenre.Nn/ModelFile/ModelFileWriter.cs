using System.Globalization;
using PureHDF;

namespace MusicGenre.Nn.ModelFile;

/// <summary>Saves a <see cref="GenreModel"/> as one self-describing HDF5 file (layout: <see cref="ModelFileFormat"/>).</summary>
internal static class ModelFileWriter
{
    /// <summary>
    /// Validates <paramref name="model"/> against its architecture and writes it to <paramref name="path"/> atomically
    /// (temporary file + rename), replacing any existing file.
    /// </summary>
    /// <example><code>ModelFileWriter.Write("model.h5", result.Model);</code></example>
    /// <exception cref="ArgumentException">The model does not match its architecture (all problems listed).</exception>
    public static void Write(string path, GenreModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var file = new H5File();
        AddModel(file, model, ModelFileFormat.ModelFormat);
        MusicGenre.IO.SafeFile.Write(path, temp => file.Write(temp));
    }

    /// <summary>Adds the model's attributes and groups to <paramref name="root"/> (also used by checkpoints).</summary>
    internal static void AddModel(H5Group root, GenreModel model, string format)
    {
        // 1. Refuse to write a model that could not be loaded back.
        var problems = model.Problems();
        if (problems.Count > 0)
            throw new ArgumentException($"Model does not match architecture '{model.Architecture}': {string.Join("; ", problems)}.", nameof(model));
        // 2. Identity and order attributes at the root.
        root.Attributes["format"] = format;
        root.Attributes["format_version"] = ModelFileFormat.VersionOf(model);
        root.Attributes["architecture"] = model.Architecture;
        root.Attributes["feature_preset"] = model.FeaturePreset;
        root.Attributes["segment_seconds"] = model.SegmentSeconds;
        root.Attributes["labels"] = model.Labels.ToArray();
        root.Attributes["parameter_names"] = model.Parameters.Select(p => p.Name).ToArray();
        root.Attributes["buffer_names"] = model.Buffers.Select(p => p.Name).ToArray();
        // 3. Hyper-parameters, tensors, normalisation, training metadata.
        var arch = new H5Group();
        foreach (var (k, v) in model.HyperParameters) arch.Attributes[k] = v;
        root["architecture"] = arch;
        root["params"] = TensorGroup(model.Parameters);
        root["buffers"] = TensorGroup(model.Buffers);
        var norm = new H5Group
        {
            ["mean"] = Dataset(model.Normalization.Mean, [model.Normalization.Mean.Length]),
            ["std"] = Dataset(model.Normalization.Std, [model.Normalization.Std.Length]),
        };
        norm.Attributes["mode"] = model.Normalization.Mode.ToString();
        norm.Attributes["level"] = LevelNormalizer.FileName(model.Level);
        norm.Attributes["kept_bands"] = (long)model.KeptBands;
        norm.Attributes["band_limit_hz"] = model.BandLimitHz;
        if (model.Mfcc > 0)
        {
            norm.Attributes["mfcc"] = (long)model.Mfcc;
            norm.Attributes["mel_bands"] = (long)model.MelBands;
        }
        root["normalization"] = norm;
        // 4. A checksum of every tensor, verified on load.
        var sums = new H5Group();
        foreach (var (group, name, data) in TensorChecksum.Tensors(model))
            sums.Attributes[TensorChecksum.Key(group, name)] = (long)TensorChecksum.Of(data);
        root[TensorChecksum.Group] = sums;
        root["training"] = TrainingGroup(model.Training);
    }

    /// <summary>A group of float32 datasets named by the tensors.</summary>
    internal static H5Group TensorGroup(IEnumerable<ModelTensor> tensors)
    {
        var g = new H5Group();
        foreach (var t in tensors) g[t.Name] = Dataset(t.Data, t.Shape);
        return g;
    }

    /// <summary>A float32 dataset of <paramref name="shape"/>.</summary>
    internal static H5Dataset Dataset(float[] data, int[] shape) =>
        new(data, fileDims: shape.Select(d => (ulong)d).ToArray());

    private static H5Group TrainingGroup(TrainingMetadata t)
    {
        var metrics = new H5Group();
        foreach (var (k, v) in t.Metrics) metrics.Attributes[k] = v;
        var history = new H5Group();
        foreach (var (k, v) in t.History) history[k] = new H5Dataset(v, fileDims: [(ulong)v.Length]);
        var g = new H5Group { ["metrics"] = metrics, ["history"] = history };
        g.Attributes["date"] = t.Date.UtcDateTime.ToString("o", CultureInfo.InvariantCulture);
        g.Attributes["epochs"] = (long)t.Epochs;
        g.Attributes["best_epoch"] = (long)t.BestEpoch;
        g.Attributes["data"] = t.Data;
        g.Attributes["options"] = t.Options;
        g.Attributes["build"] = t.Build;
        if (t.Device.Length > 0) g.Attributes["device"] = t.Device;
        return g;
    }
}
