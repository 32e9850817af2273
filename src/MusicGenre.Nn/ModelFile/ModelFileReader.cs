using System.Globalization;
using PureHDF;
using PureHDF.VOL.Native;

namespace MusicGenre.Nn.ModelFile;

/// <summary>Loads and validates a model file written by <see cref="ModelFileWriter"/>.</summary>
internal static class ModelFileReader
{
    /// <summary>
    /// Reads <paramref name="path"/>, checks that it is a MusicGenre model whose tensors match its architecture (names,
    /// shapes, finite values) and returns it.
    /// </summary>
    /// <example><code>GenreModel model = ModelFileReader.Read("model.h5");</code></example>
    /// <exception cref="FileNotFoundException">No such file.</exception>
    /// <exception cref="ModelFileException">Not HDF5, truncated, corrupt, another kind of file, or not matching its architecture; the message names the file and every problem.</exception>
    public static GenreModel Read(string path) => Open(path, ModelFileFormat.ModelFormat, (file, r) => ReadModel(file, r));

    /// <summary>Reads a model from a seekable <paramref name="stream"/> (e.g. an embedded resource); <paramref name="sourceName"/> names it in errors.</summary>
    /// <exception cref="ModelFileException">Not a valid MusicGenre model.</exception>
    public static GenreModel Read(Stream stream, string sourceName)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanSeek)
        {
            var copy = new MemoryStream();
            stream.CopyTo(copy);
            copy.Position = 0;
            stream = copy;
        }
        return Open(sourceName, ModelFileFormat.ModelFormat, (file, r) => ReadModel(file, r), () => H5File.Open(new MusicGenre.IO.StackGuardStream(stream, leaveOpen: true)));
    }

    /// <summary>Opens <paramref name="path"/> as HDF5 of the given format and runs <paramref name="read"/>, turning any failure into a <see cref="ModelFileException"/>.</summary>
    internal static T Open<T>(string path, string format, Func<NativeFile, H5Read, T> read, Func<NativeFile>? open = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (open is null && MusicGenre.IO.InputFile.Check(path) is { } problem)
            throw problem.Kind switch
            {
                MusicGenre.IO.InputFile.Kind.Missing => new FileNotFoundException($"{path}: file not found.", path),
                MusicGenre.IO.InputFile.Kind.Folder => new FileNotFoundException($"{path}: is a folder, not a model file.", path),
                _ => new ModelFileException(path, $"not a model file: {problem.Text}"),
            };
        var r = new H5Read(path);
        try
        {
            using var file = open is null ? MusicGenre.IO.StackGuardStream.OpenFile(path, s => H5File.Open(s)) : open();
            string actual = r.String(file, "format", "/");
            if (actual != format) throw r.Fail($"is a '{actual}' file, expected '{format}'");
            long version = r.Integer(file, "format_version", "/");
            if (version is not (ModelFileFormat.Version or ModelFileFormat.MfccVersion))
                throw r.Fail($"format version {version} is not supported (this build reads {ModelFileFormat.Version} and {ModelFileFormat.MfccVersion})");
            return read(file, r);
        }
        catch (ModelFileException) { throw; }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw r.Fail($"not a readable MusicGenre {(format == ModelFileFormat.ModelFormat ? "model" : "checkpoint")} file (truncated or corrupt?): {e.Message}", e);
        }
    }

    /// <summary>Reads and validates the model part of an open model or checkpoint file.</summary>
    internal static GenreModel ReadModel(NativeFile file, H5Read r)
    {
        // 1. Architecture: the preset and hyper-parameters decide every expected tensor shape.
        string arch = r.String(file, "architecture", "/");
        var archGroup = r.Group(file, "architecture");
        var hp = new SortedDictionary<string, double>(StringComparer.Ordinal);
        foreach (var a in archGroup.Attributes()) hp[a.Name] = r.Number(a, $"/architecture@{a.Name}");
        Architectures.ArchitectureSpec spec;
        try { spec = Architectures.ArchitectureCatalog.Create(arch, hp); }
        catch (ArgumentException e) { throw r.Fail($"invalid architecture: {e.Message}", e); }
        // 2. Tensors, shape-checked against the architecture before their data is read.
        var paramNames = r.Strings(file, "parameter_names", "/");
        var bufferNames = r.Strings(file, "buffer_names", "/");
        var expected = spec.ParameterSpecs().Concat(spec.BufferSpecs()).ToDictionary(s => s.Name, s => s.Length, StringComparer.Ordinal);
        var parameters = ReadTensors(r, r.Group(file, "params"), "params", paramNames, expected);
        var buffers = ReadTensors(r, r.Group(file, "buffers"), "buffers", bufferNames, expected);
        // 3. Normalisation and metadata.
        var normGroup = r.Group(file, "normalization");
        string modeText = r.String(normGroup, "mode", "/normalization");
        if (!Enum.TryParse<NormalizationMode>(modeText, out var mode) || !Enum.IsDefined(mode))
            throw r.Fail($"unknown normalisation mode '{modeText}' (expected None, Global or PerMel)");
        long stats = InputNormalization.StatCount(mode, spec.InputChannels, spec.Mels);
        var norm = new InputNormalization(mode,
            r.Floats(normGroup, "mean", "/normalization/mean", stats, out _),
            r.Floats(normGroup, "std", "/normalization/std", stats, out _));
        // Files written before level normalisation existed have no /normalization@level: their inputs kept their level.
        var level = LevelNormalization.None;
        if (normGroup.AttributeExists("level"))
        {
            string levelText = r.String(normGroup, "level", "/normalization");
            if (!LevelNormalizer.TryParse(levelText, out level))
                throw r.Fail($"unknown level normalisation '{levelText}' (expected none or window_max)");
        }
        // Its range is checked with the whole model below (GenreModel.Problems).
        long keptBands = normGroup.AttributeExists("kept_bands") ? r.Integer(normGroup, "kept_bands", "/normalization") : 0;
        double bandLimit = normGroup.AttributeExists("band_limit_hz") ? r.Number(normGroup, "band_limit_hz", "/normalization") : 0;
        // MFCC models (format version 2) record their coefficient count and the log-mel bands they are given.
        long mfcc = normGroup.AttributeExists("mfcc") ? r.Integer(normGroup, "mfcc", "/normalization") : 0;
        long melBands = normGroup.AttributeExists("mel_bands") ? r.Integer(normGroup, "mel_bands", "/normalization") : 0;
        if (mfcc > 0 && r.Integer(file, "format_version", "/") != ModelFileFormat.MfccVersion)
            throw r.Fail($"an MFCC model must be format version {ModelFileFormat.MfccVersion}");
        var model = new GenreModel
        {
            Architecture = arch,
            HyperParameters = hp,
            FeaturePreset = r.String(file, "feature_preset", "/"),
            Labels = r.Strings(file, "labels", "/"),
            SegmentSeconds = r.Number(file, "segment_seconds", "/"),
            Parameters = parameters,
            Buffers = buffers,
            Level = level,
            KeptBands = (int)Math.Clamp(keptBands, -1, int.MaxValue),
            Mfcc = (int)Math.Clamp(mfcc, -1, int.MaxValue),
            MelBands = (int)Math.Clamp(melBands, -1, int.MaxValue),
            BandLimitHz = bandLimit,
            Normalization = norm,
            Training = ReadTraining(r, r.Group(file, "training")),
        };
        // 4. Whole-model consistency (missing/unexpected names, labels, finiteness).
        var problems = model.Problems();
        if (problems.Count > 0) throw r.Fail($"does not match architecture '{arch}': {string.Join("; ", problems)}");
        // 5. Checksums (files written before they existed have none): a damaged byte is refused here.
        if (file.LinkExists(TensorChecksum.Group))
        {
            var sums = r.Group(file, TensorChecksum.Group);
            foreach (var (group, name, data) in TensorChecksum.Tensors(model))
            {
                long recorded = r.Integer(sums, TensorChecksum.Key(group, name), "/" + TensorChecksum.Group);
                uint actual = TensorChecksum.Of(data);
                if (recorded != actual)
                    throw r.Fail($"tensor /{group}/{name} is damaged: its CRC-32 is {actual:x8}, the file recorded {recorded:x8}");
            }
        }
        return model;
    }

    /// <summary>Reads the named float32 datasets of <paramref name="group"/>, each checked against its expected length.</summary>
    internal static List<ModelTensor> ReadTensors(H5Read r, IH5Group group, string groupName, string[] names, IReadOnlyDictionary<string, long>? expected)
    {
        var list = new List<ModelTensor>(names.Length);
        foreach (string name in names)
        {
            long? length = null;
            if (expected is not null)
            {
                if (!expected.TryGetValue(name, out long e)) throw r.Fail($"tensor '{groupName}/{name}' is not part of the architecture");
                length = e;
            }
            var data = r.Floats(group, name, $"/{groupName}/{name}", length, out var shape);
            list.Add(new ModelTensor(name, shape, data));
        }
        return list;
    }

    private static TrainingMetadata ReadTraining(H5Read r, IH5Group g)
    {
        var metrics = new SortedDictionary<string, double>(StringComparer.Ordinal);
        foreach (var a in r.Group(g, "metrics").Attributes()) metrics[a.Name] = r.Number(a, $"/training/metrics@{a.Name}");
        var history = new SortedDictionary<string, double[]>(StringComparer.Ordinal);
        var h = r.Group(g, "history");
        foreach (var link in h.Children())
        {
            var ds = r.Child<IH5Dataset>(h, link.Name, $"dataset /training/history/{link.Name}");
            var shape = r.Shape(ds, $"/training/history/{link.Name}", H5DataTypeClass.FloatingPoint, 8);
            if (shape.Length != 1 || shape[0] > 1_000_000) throw r.Fail($"/training/history/{link.Name} must be a short 1-D series");
            history[link.Name] = ds.Read<double[]>();
        }
        string date = r.String(g, "date", "/training");
        if (!DateTimeOffset.TryParse(date, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var when))
            throw r.Fail($"/training@date '{date}' is not a date");
        return new TrainingMetadata
        {
            Date = when,
            Epochs = (int)r.Integer(g, "epochs", "/training"),
            BestEpoch = (int)r.Integer(g, "best_epoch", "/training"),
            Data = r.String(g, "data", "/training"),
            Options = r.String(g, "options", "/training"),
            Build = g.AttributeExists("build") ? r.String(g, "build", "/training") : "",
            Device = g.AttributeExists("device") ? r.String(g, "device", "/training") : "",
            Metrics = metrics,
            History = history,
        };
    }
}
