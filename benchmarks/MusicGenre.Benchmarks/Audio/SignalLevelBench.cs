using BenchmarkDotNet.Attributes;
using MusicGenre.Simd;

namespace MusicGenre.Benchmarks.Audio;

/// <summary>
/// The level sums every clip passes through before it is classified or stored (Σx and Σx² in double, for the "(almost)
/// no signal" check), on 30 s of 22.05 kHz noise: the sequential loop of builds up to 50820be (one chain of dependent
/// additions), <see cref="SampleScan.SumAndSquares"/> at the widest width, and its scalar twin (8 lanes as 8 accumulators).
/// </summary>
[Config(typeof(AudioBenchConfig))]
public class SignalLevelBench
{
    private readonly float[] _clip = new float[30 * 22050];

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(1);
        for (int i = 0; i < _clip.Length; i++) _clip[i] = (float)(rng.NextDouble() - 0.5);
    }

    [Benchmark(Baseline = true, Description = "sequential (before)")]
    public double Sequential()
    {
        double sum = 0, squares = 0;
        foreach (float v in _clip) { sum += v; squares += (double)v * v; }
        return sum + squares;
    }

    [Benchmark(Description = "SumAndSquares, widest")]
    public double Lanes() => SampleScan.SumAndSquares(_clip) is var (s, q) ? s + q : 0;

    [Benchmark(Description = "SumAndSquares, scalar twin")]
    public double LanesScalar() => SampleScan.SumAndSquares(_clip, SimdWidth.Scalar) is var (s, q) ? s + q : 0;
}
