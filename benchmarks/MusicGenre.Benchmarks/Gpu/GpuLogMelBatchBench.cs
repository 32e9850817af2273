using BenchmarkDotNet.Attributes;
using MusicGenre.Features;
using MusicGenre.Features.Gpu;
using MusicGenre.Kernels.Runtime;

namespace MusicGenre.Benchmarks.Gpu;

/// <summary>
/// Log-mel (librosa_default) of a batch of 64 clips of 30 s at 22050 Hz in one call of
/// <see cref="GpuSpectrogram.ComputeBatch"/> — one launch sequence for all 64 (82,688 frames) — including the upload of
/// the 169 MB of samples and the download of mel power, log-mel (and nothing else: no MFCC). Clips/s = 64 / mean time.
/// torch_gpu_peer.py times torchaudio on the same batch, both with the batch already on the GPU and with the same
/// transfers. Run on a GPU machine: <c>dotnet run -c Release --project benchmarks/MusicGenre.Benchmarks -- --filter '*GpuLogMelBatchBench*'</c>.
/// </summary>
[Config(typeof(GpuBenchConfig))]
public class GpuLogMelBatchBench
{
    private const int Clips = 64, Samples = 30 * 22050;
    private GpuDevice _device = null!;
    private GpuSpectrogram _gpu = null!;
    private float[] _batch = null!;

    /// <summary>Opens the GPU (or explains why not), builds the batch and compiles the kernels.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _device = GpuBenchDevice.OpenOrExplain();
        var settings = GpuSpectrogramSettings.From(FeaturePresets.Get("librosa_default"));
        _gpu = new GpuSpectrogram(_device.Accelerator, settings with { MaxFramesPerLaunch = Clips * 1300 });
        var r = new Random(1);
        _batch = new float[(long)Clips * Samples];
        for (int i = 0; i < _batch.Length; i++) _batch[i] = (float)(0.3 * Math.Sin(i * 0.05 * (1 + i / Samples % 7)) + 0.1 * (r.NextDouble() - 0.5));
        _gpu.ComputeBatch(_batch, Clips);
    }

    /// <summary>64 clips' log-mel, with transfers.</summary>
    [Benchmark]
    public float[] Batch64() => _gpu.ComputeBatch(_batch, Clips).LogMel;

    /// <summary>Releases the device.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        _gpu?.Dispose();
        _device?.Dispose();
    }
}
