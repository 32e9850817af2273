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
/// batch 32 and at a large batch (see <see cref="Case"/>). Samples/s = batch / mean time. The CPU
/// backend has its own suite (Training/); the PyTorch CUDA peer (benchmarks/gpu/torch_gpu_peer.py) times the same steps.
/// Run on a GPU machine: <c>dotnet run -c Release --project benchmarks/MusicGenre.Benchmarks -- --filter '*GpuTrainStepBench*'</c>.
/// </summary>
[Config(typeof(GpuBenchConfig))]
public class GpuTrainStepBench
{
    private GpuDevice _device = null!;
    private GpuTrainingRun _run = null!;

    /// <summary>
    /// Network and batch: each network at batch 32 and at a large batch — 256, except `lachmish2016`, whose first
    /// activation [N, 149, 128, 599] exceeds a tensor's 2³¹ − 1 elements above batch 187: 128 there.
    /// </summary>
    [ParamsSource(nameof(Cases))]
    public string Case { get; set; } = "reference/32";

    /// <summary>
    /// Convolution arithmetic: <c>fp32</c> (the default kernels) or <c>tf32</c> (tensor cores for the large products,
    /// as PyTorch's cuDNN convolutions by default; the backend falls back to FP32 where the device lacks them).
    /// </summary>
    [Params("fp32", "tf32")]
    public string Math { get; set; } = "fp32";

    /// <summary>The cases, "net/batch".</summary>
    public static IEnumerable<string> Cases => ["reference/32", "reference/256", "default/32", "default/256", "lachmish2016/32", "lachmish2016/128"];

    /// <summary>Opens the GPU (or explains why not), builds the network and runs one step (kernel compilation).</summary>
    [GlobalSetup]
    public void Setup()
    {
        _device = GpuBenchDevice.OpenOrExplain();
        var parts = Case.Split('/');
        var backend = new GpuBackend(_device, ownsDevice: false) { ConvKernel = Math == "tf32" ? ConvKernelChoice.Tf32 : ConvKernelChoice.Auto };
        _run = new GpuTrainingRun(backend, parts[0], int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture));
        _run.Step();
        if (backend.Tf32Unavailable is { } why) Console.WriteLine($"// {Case} tf32: not in use: {why}");
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
