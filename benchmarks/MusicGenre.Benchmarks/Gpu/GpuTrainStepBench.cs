using BenchmarkDotNet.Attributes;
using MusicGenre.Kernels.Runtime;
using MusicGenre.Nn.Backends;
using MusicGenre.Nn.Backends.Gpu;

namespace MusicGenre.Benchmarks.Gpu;

/// <summary>
/// One SGD training step (forward, loss, backward, momentum update) on the ILGPU backend — everything stays on the
/// device; only labels go up and the loss comes back — for the reference 3-conv net (Conv 1→32→64→128, 3×3
/// pad 1, ReLU, MaxPool 2, global average pool, Linear 10; input 128 × 599), the shipped `default` network (width 8;
/// 128 × 130) and `lachmish2016` (the 2016 net: three 4×4 convolutions and an 8192-wide dense layer; 128 × 599), at
/// batch 32 and at batch 256 (a large batch; the H200 holds it for all three). Samples/s = batch / mean time. The CPU
/// backend has its own suite (Training/); the PyTorch CUDA peer (benchmarks/gpu/torch_gpu_peer.py) times the same steps.
/// Run on a GPU machine: <c>dotnet run -c Release --project benchmarks/MusicGenre.Benchmarks -- --filter '*GpuTrainStepBench*'</c>.
/// </summary>
[Config(typeof(GpuBenchConfig))]
public class GpuTrainStepBench
{
    private GpuDevice _device = null!;
    private GpuTrainingRun _run = null!;

    /// <summary>Network: the reference 3-conv net, `default` or `lachmish2016`.</summary>
    [Params("reference", "default", "lachmish2016")]
    public string Net { get; set; } = "reference";

    /// <summary>Samples per step.</summary>
    [Params(32, 256)]
    public int Batch { get; set; } = 32;

    /// <summary>Opens the GPU (or explains why not), builds the network and runs one step (kernel compilation).</summary>
    [GlobalSetup]
    public void Setup()
    {
        _device = GpuBenchDevice.OpenOrExplain();
        _run = new GpuTrainingRun(new GpuBackend(_device, ownsDevice: false), Net, Batch);
        _run.Step();
    }

    /// <summary>One training step, synchronised.</summary>
    [Benchmark]
    public float Step() => _run.Step();

    /// <summary>Releases the backend and the device.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        _run?.Dispose();
        _device?.Dispose();
    }
}
