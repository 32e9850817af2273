using BenchmarkDotNet.Attributes;
using MusicGenre.Features;
using MusicGenre.Features.Gpu;
using MusicGenre.Kernels.Runtime;

namespace MusicGenre.Benchmarks.Gpu;

/// <summary>
/// Log-mel of a 30 s 22050 Hz clip on the GPU (upload, framing, batched Stockham FFT, power, mel, dB, download) against
/// the CPU SIMD path as baseline, for each preset. Run on a GPU machine:
/// <c>dotnet run -c Release --project benchmarks/MusicGenre.Benchmarks -- --filter '*GpuLogMelBench*'</c>.
/// Without a GPU the setup stops with a message (the simulator is never timed).
/// </summary>
[MemoryDiagnoser]
[Config(typeof(GpuBenchConfig))]
public class GpuLogMelBench
{
    private GpuDevice _device = null!;
    private GpuSpectrogram _gpu = null!;
    private FeatureExtractor _cpu = null!;
    private float[] _signal = null!;

    /// <summary>Feature preset.</summary>
    [Params("librosa_default", "readme_100ms", "htk_40")]
    public string Preset { get; set; } = "librosa_default";

    /// <summary>Opens the GPU (or explains why not) and builds both paths.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _device = GpuBenchDevice.OpenOrExplain();
        var options = FeaturePresets.Get(Preset);
        _gpu = new GpuSpectrogram(_device.Accelerator, GpuSpectrogramSettings.From(options));
        _cpu = new FeatureExtractor(options);
        var r = new Random(1);
        _signal = [.. Enumerable.Range(0, 30 * 22050).Select(i => (float)(0.3 * Math.Sin(i * 0.05) + 0.1 * (r.NextDouble() - 0.5)))];
        _gpu.Compute(_signal);  // compile the kernels before timing
    }

    /// <summary>The CPU SIMD log-mel (one core).</summary>
    [Benchmark(Baseline = true)]
    public float[] Cpu() => _cpu.Compute(FeatureKind.LogMel, _signal);

    /// <summary>The GPU log-mel, including transfers.</summary>
    [Benchmark]
    public float[] Gpu() => _gpu.Compute(_signal).LogMel;

    /// <summary>Releases the device.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        _gpu?.Dispose();
        _device?.Dispose();
    }
}
