using MusicGenre.Nn.Architectures;
using MusicGenre.Nn.Initialization;
using MusicGenre.Nn.ModelFile;

namespace MusicGenre.Nn.Tests.ModelFile;

/// <summary>Small valid models with seeded random weights.</summary>
internal static class ModelFixtures
{
    public static GenreModel Small(ulong seed = 1, string arch = "default")
    {
        var hp = arch == "default"
            ? new Dictionary<string, double> { ["width"] = 4, ["blocks"] = 2, ["mels"] = 16, ["frames"] = 24, ["min_frames"] = 8, ["classes"] = 4 }
            : new Dictionary<string, double> { ["mels"] = 16, ["frames"] = 20, ["dense"] = 8, ["channels"] = 2, ["classes"] = 4 };
        var spec = ArchitectureCatalog.Create(arch, hp);
        var rng = new Rng(seed);
        ModelTensor Random(TensorSpec t) => new(t.Name, t.Shape, Enumerable.Range(0, (int)t.Length).Select(_ => (float)rng.NextGaussian()).ToArray());
        int stats = spec.InputChannels * spec.Mels;
        return new GenreModel
        {
            Architecture = arch,
            HyperParameters = spec.HyperParameters,
            FeaturePreset = "librosa_default",
            Labels = ["blues", "jazz", "metal", "pop"],
            Parameters = spec.ParameterSpecs().Select(Random).ToList(),
            Buffers = spec.BufferSpecs().Select(t => t.Name.EndsWith("var") ? new ModelTensor(t.Name, t.Shape, Enumerable.Repeat(0.5f, (int)t.Length).ToArray()) : Random(t)).ToList(),
            Normalization = new InputNormalization(NormalizationMode.PerMel,
                Enumerable.Range(0, stats).Select(i => -40f + i).ToArray(), Enumerable.Range(0, stats).Select(i => 1f + i / 10f).ToArray()),
            Training = new TrainingMetadata
            {
                Date = new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero),
                Epochs = 3, BestEpoch = 2, Data = "synthetic", Options = "seed=1",
                Metrics = new Dictionary<string, double> { ["val_loss"] = 0.5, ["val_accuracy"] = 0.75 },
                History = new Dictionary<string, double[]> { ["train_loss"] = [2.0, 1.0, 0.7] },
            },
        };
    }
}
