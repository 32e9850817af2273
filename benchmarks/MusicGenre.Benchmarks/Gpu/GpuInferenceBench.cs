using BenchmarkDotNet.Attributes;
using MusicGenre.Nn.Architectures;
using MusicGenre.Nn.Backends;
using MusicGenre.Nn.Initialization;
using MusicGenre.Nn.ModelFile;
using MusicGenre.Nn.Training;

namespace MusicGenre.Benchmarks.Gpu;

/// <summary>
/// Inference of one 30 s clip with the `default` network on the GPU, as the CPU suite's InferenceBench does on one core:
/// 10 log-mel segments of 128 × 130 (uploaded), scored in eval mode in one batch, probabilities averaged
/// (<see cref="GenrePredictor.PredictSong"/>). Feature extraction is not included (GpuLogMelBench times it).
/// Run on a GPU machine: <c>dotnet run -c Release --project benchmarks/MusicGenre.Benchmarks -- --filter '*GpuInferenceBench*'</c>.
/// </summary>
[Config(typeof(GpuBenchConfig))]
public class GpuInferenceBench
{
    private const int Segments = 10, Mels = 128, Frames = 130;
    private GenrePredictor _predictor = null!;
    private float[] _segments = [];

    /// <summary>Builds a seeded `default` model and a predictor on CUDA (or OpenCL); explains and stops without a GPU.</summary>
    [GlobalSetup]
    public void Setup()
    {
        GpuBenchDevice.OpenOrExplain().Dispose();
        var spec = ArchitectureCatalog.Create(ArchitectureCatalog.Default);
        using var backend = BackendFactory.Create(DeviceKind.Cpu, new BackendOptions { ThreadCount = 1 });
        var net = GenreNetwork.Build(spec, backend, 1);
        net.Initialize(new Rng(1));
        var model = new GenreModel
        {
            Architecture = spec.Name, HyperParameters = spec.HyperParameters, FeaturePreset = "librosa_default",
            Labels = TrainerOptions.GtzanGenres, Parameters = net.ExportParameters(), Buffers = net.ExportBuffers(),
            Normalization = new InputNormalization(NormalizationMode.Global, [-40f], [15f]),
        };
        _predictor = new GenrePredictor(model, DeviceKind.Auto, threadCount: 1, batchSize: Segments);
        var rng = new Rng(2);
        _segments = new float[Segments * Mels * Frames];
        for (int i = 0; i < _segments.Length; i++) _segments[i] = (float)(-40 + 15 * rng.NextGaussian());
        _predictor.PredictSong(_segments, Segments, Frames);
    }

    /// <summary>Song probabilities from the clip's 10 segments.</summary>
    [Benchmark]
    public float[] Clip30s() => _predictor.PredictSong(_segments, Segments, Frames);

    /// <summary>Releases the predictor.</summary>
    [GlobalCleanup]
    public void Cleanup() => _predictor?.Dispose();
}
