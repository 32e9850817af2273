using BenchmarkDotNet.Attributes;
using MusicGenre.Features;
using MusicGenre.Features.Fft;

namespace MusicGenre.Benchmarks.Features;

/// <summary>
/// Log-mel (librosa_default: n_fft 2048, hop 512, 128 Slaney mels, power_to_db top_db 80) of a 30 s 22050 Hz clip
/// on one core, into a caller-provided [128, 1292] buffer. Baseline: the same extractor with the scalar FFT twin.
/// The signal is synthetic (a seeded mix of tones and noise); FFT cost does not depend on the content.
/// </summary>
[Config(typeof(FeaturesBenchConfig))]
public class LogMelBench
{
    private const int SampleRate = 22050;
    private float[] _audio = [], _dest = [];
    private FeatureExtractor _scalar = null!, _simd = null!;

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(7);
        _audio = new float[30 * SampleRate];
        for (int i = 0; i < _audio.Length; i++)
        {
            double t = (double)i / SampleRate;
            _audio[i] = (float)(0.3 * Math.Sin(2 * Math.PI * 440 * t) + 0.2 * Math.Sin(2 * Math.PI * 97.5 * t) + 0.05 * (rng.NextDouble() * 2 - 1));
        }

        _simd = new FeatureExtractor(FeaturePresets.LibrosaDefault);
        _scalar = new FeatureExtractor(FeaturePresets.LibrosaDefault, SimdWidth.Scalar);
        _dest = new float[_simd.Shape(FeatureKind.LogMel, _audio.Length).Aggregate(1, (a, b) => a * b)];
    }

    [Benchmark(Baseline = true)]
    public void ScalarFft() => _scalar.Compute(FeatureKind.LogMel, _audio, _dest);

    [Benchmark]
    public void Simd() => _simd.Compute(FeatureKind.LogMel, _audio, _dest);
}
