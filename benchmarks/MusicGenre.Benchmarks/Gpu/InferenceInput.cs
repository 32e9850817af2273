using MusicGenre.Nn.Architectures;
using MusicGenre.Nn.Backends;
using MusicGenre.Nn.Initialization;
using MusicGenre.Nn.ModelFile;
using MusicGenre.Nn.Training;

namespace MusicGenre.Benchmarks;

/// <summary>
/// The inference suites' input (CPU: Training/InferenceBench; GPU: Gpu/GpuInferenceBench): a seeded, untrained
/// `default` model for librosa_default and the 10 log-mel segments (128 × 130, 3 s each) of a 30 s clip, drawn around
/// the model's normalisation (−40 ± 15 dB). Kept under Gpu/ so that the GPU-only bench project compiles it too.
/// </summary>
internal static class InferenceInput
{
    public const int Segments = 10, Mels = 128, Frames = 130;

    public static GenreModel Model()
    {
        var spec = ArchitectureCatalog.Create(ArchitectureCatalog.Default);
        using var backend = BackendFactory.Create(DeviceKind.Cpu, new BackendOptions { ThreadCount = 1 });
        var net = GenreNetwork.Build(spec, backend, 1);
        net.Initialize(new Rng(1));
        return new GenreModel
        {
            Architecture = spec.Name, HyperParameters = spec.HyperParameters, FeaturePreset = "librosa_default",
            Labels = TrainerOptions.GtzanGenres, Parameters = net.ExportParameters(), Buffers = net.ExportBuffers(),
            Normalization = new InputNormalization(NormalizationMode.Global, [-40f], [15f]),
        };
    }

    public static float[] Clip()
    {
        var rng = new Rng(2);
        var segments = new float[Segments * Mels * Frames];
        for (int i = 0; i < segments.Length; i++) segments[i] = (float)(-40 + 15 * rng.NextGaussian());
        return segments;
    }
}
