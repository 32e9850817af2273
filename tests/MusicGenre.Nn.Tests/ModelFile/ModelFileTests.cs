using MusicGenre.Nn.ModelFile;
using PureHDF;

namespace MusicGenre.Nn.Tests.ModelFile;

public sealed class ModelFileTests
{
    [Theory]
    [InlineData("default")]
    [InlineData("lachmish2016")]
    public void WriteThenRead_GivesBackEveryValueExactly(string arch)
    {
        var model = ModelFixtures.Small(3, arch);
        string path = Path.Combine(SharedData.NewTempDir(), "model.h5");
        ModelFileWriter.Write(path, model);
        var back = ModelFileReader.Read(path);

        Assert.Equal(model.Architecture, back.Architecture);
        Assert.Equal(model.HyperParameters.OrderBy(k => k.Key), back.HyperParameters.OrderBy(k => k.Key));
        Assert.Equal(model.FeaturePreset, back.FeaturePreset);
        Assert.Equal(model.Labels, back.Labels);
        AssertTensors(model.Parameters, back.Parameters);
        AssertTensors(model.Buffers, back.Buffers);
        Assert.Equal(model.Normalization.Mode, back.Normalization.Mode);
        Close.Assert(model.Normalization.Mean, back.Normalization.Mean, 0, 0, "mean");
        Close.Assert(model.Normalization.Std, back.Normalization.Std, 0, 0, "std");
        Assert.Equal(model.Training.Date, back.Training.Date);
        Assert.Equal(model.Training.Epochs, back.Training.Epochs);
        Assert.Equal(model.Training.BestEpoch, back.Training.BestEpoch);
        Assert.Equal(model.Training.Data, back.Training.Data);
        Assert.Equal(model.Training.Metrics, back.Training.Metrics);
        Assert.Equal(model.Training.History["train_loss"], back.Training.History["train_loss"]);
    }

    [Fact]
    public void Write_IsAtomic_ReplacesTheOldFileAndLeavesNoTemporaryFiles()
    {
        string dir = SharedData.NewTempDir();
        string path = Path.Combine(dir, "model.h5");
        ModelFileWriter.Write(path, ModelFixtures.Small(1));
        ModelFileWriter.Write(path, ModelFixtures.Small(2));
        Assert.Equal(ModelFixtures.Small(2).Parameters[0].Data, ModelFileReader.Read(path).Parameters[0].Data);
        Assert.Equal(["model.h5"], Directory.GetFiles(dir).Select(Path.GetFileName));

        // A model that fails validation is refused before anything is written: the old file stays as it was.
        byte[] before = File.ReadAllBytes(path);
        var bad = ModelFixtures.Small(3) with { Labels = ["only", "three", "labels"] };
        var e = Assert.Throws<ArgumentException>(() => ModelFileWriter.Write(path, bad));
        Assert.Contains("3 genre labels", e.Message);
        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.Equal(["model.h5"], Directory.GetFiles(dir).Select(Path.GetFileName));
    }

    [Theory]
    [InlineData(0.5)]
    [InlineData(0.9)]
    [InlineData(0.1)]
    public void TruncatedFile_IsRejectedNamingTheFile(double keep)
    {
        string dir = SharedData.NewTempDir();
        string good = Path.Combine(dir, "model.h5"), cut = Path.Combine(dir, "cut.h5");
        ModelFileWriter.Write(good, ModelFixtures.Small(4));
        byte[] bytes = File.ReadAllBytes(good);
        File.WriteAllBytes(cut, bytes[..(int)(bytes.Length * keep)]);
        var e = Assert.Throws<ModelFileException>(() => ModelFileReader.Read(cut));
        Assert.Equal(cut, e.Path);
        Assert.StartsWith(cut, e.Message);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(100)]
    [InlineData(100_000)]
    public void RandomBytes_AreRejectedNamingTheFile(int length)
    {
        string path = Path.Combine(SharedData.NewTempDir(), "noise.h5");
        var bytes = new byte[length];
        new Random(length).NextBytes(bytes);
        File.WriteAllBytes(path, bytes);
        var e = Assert.Throws<ModelFileException>(() => ModelFileReader.Read(path));
        Assert.Contains(path, e.Message);
    }

    [Fact]
    public void CorruptedBytesInsideAValidFile_AreRejectedOrReadBackIntact()
    {
        // Flip bytes at seeded random places: each result must be a clean ModelFileException or a valid model — never
        // another exception type, a hang or a crash.
        string dir = SharedData.NewTempDir();
        string good = Path.Combine(dir, "model.h5");
        ModelFileWriter.Write(good, ModelFixtures.Small(5));
        byte[] original = File.ReadAllBytes(good);
        var rnd = new Random(17);
        int rejected = 0;
        for (int trial = 0; trial < 40; trial++)
        {
            byte[] bytes = (byte[])original.Clone();
            for (int k = 0; k < 8; k++) bytes[rnd.Next(Math.Min(bytes.Length, 4096))] ^= (byte)(1 + rnd.Next(255));
            string path = Path.Combine(dir, $"corrupt{trial}.h5");
            File.WriteAllBytes(path, bytes);
            try { Assert.Empty(ModelFileReader.Read(path).Problems()); }
            catch (ModelFileException e) { Assert.Equal(path, e.Path); rejected++; }
        }
        Assert.True(rejected > 0, "no corruption was detected at all");
    }

    [Fact]
    public void AFlippedWeightByte_IsCaughtByTheTensorChecksum()
    {
        // Find one weight tensor's stored bytes in the file and flip a single bit of one value: the value stays a finite
        // float of the right shape, so only the checksum can tell.
        string dir = SharedData.NewTempDir();
        string good = Path.Combine(dir, "model.h5");
        var model = ModelFixtures.Small(6);
        ModelFileWriter.Write(good, model);
        Assert.Empty(ModelFileReader.Read(good).Problems());
        var tensor = model.Parameters.OrderByDescending(t => t.Data.Length).First();
        byte[] pattern = System.Runtime.InteropServices.MemoryMarshal.AsBytes(tensor.Data.AsSpan()).ToArray();
        byte[] bytes = File.ReadAllBytes(good);
        int at = bytes.AsSpan().IndexOf(pattern);
        Assert.True(at >= 0, $"{tensor.Name} is not stored contiguously");
        bytes[at + pattern.Length / 2 - 3] ^= 0x01; // lowest mantissa bit of a float in the middle
        string bad = Path.Combine(dir, "flipped.h5");
        File.WriteAllBytes(bad, bytes);
        var e = Assert.Throws<ModelFileException>(() => ModelFileReader.Read(bad));
        Assert.Contains($"/params/{tensor.Name} is damaged", e.Message);
        Assert.Contains(bad, e.Message);
    }

    [Fact]
    public void TheBundledModel_CarriesChecksumsThatVerify()
    {
        string bundled = Path.Combine(SharedData.RepoRoot, "models", "default.h5");
        using (var file = H5File.OpenRead(bundled)) Assert.True(file.LinkExists(TensorChecksum.Group));
        Assert.Empty(ModelFileReader.Read(bundled).Problems());
    }

    [Fact]
    public void AnMfccModel_IsVersion2_AndKeepsItsCoefficientsAndBands_WhileLogMelModelsStayVersion1()
    {
        string dir = SharedData.NewTempDir();
        var logMel = ModelFixtures.Small(4);
        var mfcc = logMel with { Mfcc = 16, MelBands = 40, KeptBands = 30 }; // the fixture's network takes 16 rows
        Assert.Empty(mfcc.Problems());
        string a = Path.Combine(dir, "logmel.h5"), b = Path.Combine(dir, "mfcc.h5");
        ModelFileWriter.Write(a, logMel);
        ModelFileWriter.Write(b, mfcc);
        using (var fa = H5File.OpenRead(a)) Assert.Equal(1L, fa.Attribute("format_version").Read<long>());
        using (var fb = H5File.OpenRead(b)) Assert.Equal(2L, fb.Attribute("format_version").Read<long>());
        var back = ModelFileReader.Read(b);
        Assert.Equal((16, 40, 30), (back.Mfcc, back.MelBands, back.KeptBands));
        Assert.Equal((0, 0), (ModelFileReader.Read(a).Mfcc, ModelFileReader.Read(a).MelBands));

        // Inconsistent MFCC settings are refused when written and when read; a version-1 file cannot claim MFCC input.
        Assert.Contains("takes 16 rows, not its 12 coefficients", Assert.Throws<ArgumentException>(() => ModelFileWriter.Write(Path.Combine(dir, "x.h5"), mfcc with { Mfcc = 12 })).Message);
        Assert.Contains("mel bands 8 must be in [16, 1024]", string.Join("; ", (mfcc with { MelBands = 8 }).Problems()));
        Assert.Contains("kept bands 41 must be in [0, 40]", string.Join("; ", (mfcc with { KeptBands = 41 }).Problems()));
        string claims = Path.Combine(dir, "claims.h5");
        WriteTampered(claims, mfcc, f => f.Attributes["format_version"] = 1L);
        Assert.Contains("must be format version 2", Assert.Throws<ModelFileException>(() => ModelFileReader.Read(claims)).Message);
        string future = Path.Combine(dir, "future.h5");
        WriteTampered(future, logMel, f => f.Attributes["format_version"] = 3L);
        Assert.Contains("format version 3 is not supported", Assert.Throws<ModelFileException>(() => ModelFileReader.Read(future)).Message);
    }

    [Fact]
    public void MismatchedShapes_UnknownArchitectureAndForeignFiles_AreRejected()
    {
        string dir = SharedData.NewTempDir();
        var model = ModelFixtures.Small(6);

        // 1. A tensor whose shape disagrees with the architecture.
        string wrongShape = Path.Combine(dir, "shape.h5");
        WriteTampered(wrongShape, model, f => ((H5Group)f["params"])["fc.weight"] = new H5Dataset(new float[4 * 7], fileDims: [4, 7]));
        var e = Assert.Throws<ModelFileException>(() => ModelFileReader.Read(wrongShape));
        Assert.Contains("fc.weight", e.Message);

        // 2. A missing tensor.
        string missing = Path.Combine(dir, "missing.h5");
        WriteTampered(missing, model, f =>
        {
            ((H5Group)f["params"]).Remove("block2.bn.bias");
            f.Attributes["parameter_names"] = model.Parameters.Select(p => p.Name).Where(n => n != "block2.bn.bias").ToArray();
        });
        e = Assert.Throws<ModelFileException>(() => ModelFileReader.Read(missing));
        Assert.Contains("block2.bn.bias", e.Message);

        // 3. Hyper-parameters that change every shape (width 8 with width-4 weights).
        string arch = Path.Combine(dir, "arch.h5");
        WriteTampered(arch, model, f => ((H5Group)f["architecture"]).Attributes["width"] = 8.0);
        e = Assert.Throws<ModelFileException>(() => ModelFileReader.Read(arch));
        Assert.Contains("block1.conv.weight", e.Message);

        // 4. An unknown architecture, a wrong label count, a NaN weight.
        string unknown = Path.Combine(dir, "unknown.h5");
        WriteTampered(unknown, model, f => f.Attributes["architecture"] = "vgg");
        Assert.Contains("vgg", Assert.Throws<ModelFileException>(() => ModelFileReader.Read(unknown)).Message);
        string labels = Path.Combine(dir, "labels.h5");
        WriteTampered(labels, model, f => f.Attributes["labels"] = new[] { "a", "b" });
        Assert.Contains("labels", Assert.Throws<ModelFileException>(() => ModelFileReader.Read(labels)).Message);
        string nan = Path.Combine(dir, "nan.h5");
        WriteTampered(nan, model, f => ((H5Group)f["params"])["fc.bias"] = new H5Dataset(new[] { 0f, float.NaN, 0f, 0f }, fileDims: [4]));
        Assert.Contains("NaN", Assert.Throws<ModelFileException>(() => ModelFileReader.Read(nan)).Message);

        // 5. Another HDF5 file (a golden-like file without our format tag) and a missing file.
        string foreign = Path.Combine(dir, "foreign.h5");
        new H5File { ["x"] = new H5Dataset(new float[] { 1, 2 }) }.Write(foreign);
        Assert.Contains("format", Assert.Throws<ModelFileException>(() => ModelFileReader.Read(foreign)).Message);
        Assert.Throws<FileNotFoundException>(() => ModelFileReader.Read(Path.Combine(dir, "absent.h5")));
    }

    /// <summary>
    /// Values that are finite but cannot work: a negative BatchNorm variance (its square root is NaN) and a normalisation
    /// std below training's floor are refused on load; weights so large that float32 arithmetic overflows pass the load
    /// (nothing proves them wrong alone) but their NaN output is an error, not a printed "NaN %".
    /// </summary>
    [Fact]
    public void FiniteButUnusableValues_AreRefused_OnLoadOrWhenTheyGiveNaN()
    {
        string dir = SharedData.NewTempDir();
        var model = ModelFixtures.Small(6);
        string variance = Path.Combine(dir, "variance.h5");
        var var1 = model.Buffers.First(b => b.Name.EndsWith(".running_var", StringComparison.Ordinal));
        WriteTampered(variance, model, f => ((H5Group)f["buffers"])[var1.Name] = new H5Dataset(var1.Data.Select((v, i) => i == 1 ? -1f : v).ToArray(), fileDims: [(ulong)var1.Data.Length]));
        Assert.Contains($"buffer '{var1.Name}' holds a negative variance (-1)", Assert.Throws<ModelFileException>(() => ModelFileReader.Read(variance)).Message);

        string std = Path.Combine(dir, "std.h5");
        var stds = model.Normalization.Std.Select((v, i) => i == 3 ? 1e-45f : v).ToArray();
        WriteTampered(std, model, f => ((H5Group)f["normalization"])["std"] = new H5Dataset(stds, fileDims: [(ulong)stds.Length]));
        Assert.Contains("std ≥ 1e-06", Assert.Throws<ModelFileException>(() => ModelFileReader.Read(std)).Message);
        Assert.Empty(model.Problems()); // the untouched model loads

        var fc = model.Parameters.First(p => p.Name == "fc.weight");
        var huge = model with { Parameters = model.Parameters.Select(p => p == fc ? p with { Data = p.Data.Select(v => v * 3e37f).ToArray() } : p).ToList() };
        Assert.Empty(huge.Problems());
        var spec = huge.CreateSpec();
        var input = Enumerable.Range(0, 2 * spec.Mels * spec.Frames).Select(i => -40f + i % 17).ToArray();
        using var predictor = new MusicGenre.Nn.Training.GenrePredictor(huge, threadCount: 1);
        var e = Assert.Throws<InvalidDataException>(() => predictor.PredictSegments(input, 2, spec.Frames));
        Assert.Contains("the model's output is not a probability (NaN) for segment 0", e.Message);
        using var fine = new MusicGenre.Nn.Training.GenrePredictor(model, threadCount: 1);
        Assert.All(fine.PredictSegments(input, 2, spec.Frames), p => Assert.InRange(p, 0f, 1f));
    }

    /// <summary>
    /// HDF5 soft links that lead back to themselves made PureHDF recurse until the stack overflowed, which ends the process
    /// with no message (predict, info, train of such a file); now the file is refused naming the object. A dangling link too.
    /// </summary>
    [Fact]
    public void SoftLinkLoops_AreRefusedNamingTheObject_NotAStackOverflow()
    {
        string dir = SharedData.NewTempDir();
        var model = ModelFixtures.Small(6);
        foreach (var (name, links) in new (string, (string Name, string Target)[])[]
        {
            ("self", [("fc.bias", "/params/fc.bias")]),
            ("pair", [("fc.bias", "/params/other"), ("other", "/params/fc.bias")]),
            ("dangling", [("fc.bias", "/params/absent")]),
        })
        {
            string path = Path.Combine(dir, name + ".h5");
            WriteTampered(path, model, f =>
            {
                var group = (H5Group)f["params"];
                foreach (var (link, target) in links) group[link] = new H5SoftLink(target);
            });
            var e = Assert.Throws<ModelFileException>(() => ModelFileReader.Read(path));
            Assert.Contains("/params/fc.bias is a link that cannot be followed", e.Message);
            Assert.Contains(path, e.Message);
            if (name != "dangling") Assert.Contains("links lead back to themselves", e.Message);
        }
    }

    [Fact]
    public void InputNormalization_ComputesPerMelAndGlobalStatistics()
    {
        var rnd = new Random(3);
        int n = 5, c = 2, m = 3, t = 7;
        var x = Enumerable.Range(0, n * c * m * t).Select(_ => (float)(rnd.NextDouble() * 10 - 3)).ToArray();
        var perMel = InputNormalization.Compute(NormalizationMode.PerMel, x, n, c, m, t);
        for (int row = 0; row < c * m; row++)
        {
            var values = Enumerable.Range(0, n).SelectMany(i => x.Skip((i * c * m + row) * t).Take(t)).Select(v => (double)v).ToArray();
            double mean = values.Average(), std = Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / values.Length);
            Assert.Equal(mean, perMel.Mean[row], 4);
            Assert.Equal(std, perMel.Std[row], 4);
        }
        var global = InputNormalization.Compute(NormalizationMode.Global, x, n, c, m, t);
        Assert.Equal(x.Average(v => (double)v), global.Mean[0], 4);
        // Applied to the data it came from, every row has mean 0 and std 1.
        var y = (float[])x.Clone();
        perMel.Apply(y, c, m, t);
        var again = InputNormalization.Compute(NormalizationMode.PerMel, y, n, c, m, t);
        Assert.All(again.Mean, v => Assert.InRange(v, -1e-5f, 1e-5f));
        Assert.All(again.Std, v => Assert.InRange(v, 1 - 1e-4f, 1 + 1e-4f));
    }

    private static void WriteTampered(string path, GenreModel model, Action<H5File> tamper)
    {
        var file = new H5File();
        ModelFileWriter.AddModel(file, model, "musicgenre-model");
        tamper(file);
        file.Write(path);
    }

    private static void AssertTensors(IReadOnlyList<ModelTensor> expected, IReadOnlyList<ModelTensor> actual)
    {
        Assert.Equal(expected.Select(t => t.Name), actual.Select(t => t.Name));
        for (int i = 0; i < expected.Count; i++)
        {
            Assert.Equal(expected[i].Shape, actual[i].Shape);
            Close.Assert(expected[i].Data, actual[i].Data, 0, 0, expected[i].Name);
        }
    }
}
