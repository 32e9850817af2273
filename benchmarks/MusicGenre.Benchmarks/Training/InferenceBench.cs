using BenchmarkDotNet.Attributes;
using MusicGenre.Nn.Architectures;
using MusicGenre.Nn.Backends;
using MusicGenre.Nn.Initialization;
using MusicGenre.Nn.ModelFile;
using MusicGenre.Nn.Training;

namespace MusicGenre.Benchmarks.Training;

/// <summary>
/// Inference of one 30-s clip with the <c>default</c> network on one core (goal ≤ 20 ms): librosa_default gives 1292
/// frames, cut into 10 segments of 130 frames (3 s; the last one padded), scored in eval mode and averaged to song
/// probabilities by <see cref="GenrePredictor.PredictSong"/>. Feature extraction is not included (see Features/).
/// </summary>
[Config(typeof(InferenceBenchConfig))]
public class InferenceBench
{
    private const int Segments = 10, Mels = 128, Frames = 130;
    private GenrePredictor _predictor = null!;
    private float[] _segments = [];

    [GlobalSetup]
    public void Setup()
    {
        var spec = ArchitectureCatalog.Create("default");
        using var backend = BackendFactory.Create(DeviceKind.Cpu, new BackendOptions { ThreadCount = 1 });
        var net = GenreNetwork.Build(spec, backend, 1);
        net.Initialize(new Rng(1));
        var model = new GenreModel
        {
            Architecture = spec.Name, HyperParameters = spec.HyperParameters, FeaturePreset = "librosa_default",
            Labels = TrainerOptions.GtzanGenres, Parameters = net.ExportParameters(), Buffers = net.ExportBuffers(),
            Normalization = new InputNormalization(NormalizationMode.Global, [-40f], [15f]),
        };
        _predictor = new GenrePredictor(model, DeviceKind.Cpu, threadCount: 1, batchSize: Segments);
        var rng = new Rng(2);
        _segments = new float[Segments * Mels * Frames];
        for (int i = 0; i < _segments.Length; i++) _segments[i] = (float)(-40 + 15 * rng.NextGaussian());
    }

    /// <summary>Song probabilities from the clip's 10 segments.</summary>
    [Benchmark]
    public float[] Clip30s() => _predictor.PredictSong(_segments, Segments, Frames);

    [GlobalCleanup]
    public void Cleanup() => _predictor.Dispose();
}
