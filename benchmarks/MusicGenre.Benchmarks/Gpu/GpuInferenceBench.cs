using BenchmarkDotNet.Attributes;
using MusicGenre.Nn.Backends;
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
    private GenrePredictor _predictor = null!;
    private float[] _segments = [];

    /// <summary>Builds a seeded `default` model and a predictor on CUDA (or OpenCL); explains and stops without a GPU.</summary>
    [GlobalSetup]
    public void Setup()
    {
        GpuBenchDevice.OpenOrExplain().Dispose();
        _predictor = new GenrePredictor(InferenceInput.Model(), DeviceKind.Auto, threadCount: 1, batchSize: InferenceInput.Segments);
        _segments = InferenceInput.Clip();
        _predictor.PredictSong(_segments, InferenceInput.Segments, InferenceInput.Frames);
    }

    /// <summary>Song probabilities from the clip's 10 segments.</summary>
    [Benchmark]
    public float[] Clip30s() => _predictor.PredictSong(_segments, InferenceInput.Segments, InferenceInput.Frames);

    /// <summary>Releases the predictor.</summary>
    [GlobalCleanup]
    public void Cleanup() => _predictor?.Dispose();
}
