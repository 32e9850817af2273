using BenchmarkDotNet.Attributes;
using MusicGenre.Nn.Backends;
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
    private GenrePredictor _predictor = null!;
    private float[] _segments = [];

    [GlobalSetup]
    public void Setup()
    {
        _predictor = new GenrePredictor(InferenceInput.Model(), DeviceKind.Cpu, threadCount: 1, batchSize: InferenceInput.Segments);
        _segments = InferenceInput.Clip();
    }

    /// <summary>Song probabilities from the clip's 10 segments.</summary>
    [Benchmark]
    public float[] Clip30s() => _predictor.PredictSong(_segments, InferenceInput.Segments, InferenceInput.Frames);

    [GlobalCleanup]
    public void Cleanup() => _predictor.Dispose();
}
