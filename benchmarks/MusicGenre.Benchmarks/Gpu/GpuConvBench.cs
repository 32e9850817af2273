using BenchmarkDotNet.Attributes;
using MusicGenre.Kernels.Runtime;
using MusicGenre.Nn.Backends;
using MusicGenre.Nn.Backends.Cpu;
using MusicGenre.Nn.Backends.Gpu;
using MusicGenre.Nn.Tensors;

namespace MusicGenre.Benchmarks.Gpu;

/// <summary>
/// Conv 32→32, 3×3, pad 1 on 1×32×128×599 (1.413 GFLOP forward) on the ILGPU backend, forward and backward, against
/// the CPU backend (2 threads) as baseline. Each GPU call ends with a synchronize so the kernel time is measured.
/// <see cref="Kernel"/> picks the convolution GEMM: <c>auto</c> (as in training), <c>tile4</c> (the 4 × 4 kernel of the
/// 2026-12-04 runs), <c>wide</c> (the 8 × 8 kernel for every product of ≥ 32 rows) or <c>tf32forced</c> (the TF32
/// tensor-core kernel for every product of ≥ 32 rows).
/// Run on a GPU machine: <c>dotnet run -c Release --project benchmarks/MusicGenre.Benchmarks -- --filter '*GpuConvBench*'</c>.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(GpuBenchConfig))]
public class GpuConvBench
{
    private GpuDevice _device = null!;
    private GpuBackend _gpu = null!;
    private CpuBackend _cpu = null!;
    private Tensor _gx = null!, _gw = null!, _gb = null!, _gy = null!, _gdx = null!, _gdw = null!, _gdb = null!;
    private Tensor _cx = null!, _cw = null!, _cb = null!, _cy = null!;
    private Conv2dGeometry _g;

    /// <summary>The convolution GEMM kernel: auto, tile4, wide or tf32forced.</summary>
    [Params("auto", "tile4", "wide", "tf32forced")]
    public string Kernel { get; set; } = "auto";

    /// <summary>Opens the GPU (or explains why not) and uploads seeded tensors.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _device = GpuBenchDevice.OpenOrExplain();
        _gpu = new GpuBackend(_device, ownsDevice: false) { ConvKernel = Enum.Parse<ConvKernelChoice>(Kernel, ignoreCase: true) };
        _cpu = new CpuBackend(2);
        _g = Conv2dGeometry.Create(1, 32, 128, 599, 32, 3, 3, 1, 1, Padding2d.Symmetric(1));
        var r = new Random(1);
        float[] x = [.. Enumerable.Range(0, 32 * 128 * 599).Select(_ => (float)r.NextDouble() - 0.5f)];
        float[] w = [.. Enumerable.Range(0, 32 * 32 * 9).Select(_ => (float)r.NextDouble() * 0.1f - 0.05f)];
        var xs = new Shape(1, 32, 128, 599);
        (_gx, _gw, _gb, _gy) = (_gpu.FromHost(x, xs), _gpu.FromHost(w, new Shape(32, 32, 3, 3)), _gpu.Allocate(new Shape(32)), _gpu.Allocate(xs));
        (_gdx, _gdw, _gdb) = (_gpu.Allocate(xs), _gpu.Allocate(new Shape(32, 32, 3, 3)), _gpu.Allocate(new Shape(32)));
        (_cx, _cw, _cb, _cy) = (_cpu.FromHost(x, xs), _cpu.FromHost(w, new Shape(32, 32, 3, 3)), _cpu.Allocate(new Shape(32)), _cpu.Allocate(xs));
        GpuForward();
        GpuBackward();
    }

    /// <summary>CPU backend forward (2 threads).</summary>
    [Benchmark(Baseline = true)]
    public void CpuForward() => _cpu.Conv2dForward(_cx, _cw, _cb, _g, _cy);

    /// <summary>ILGPU forward (implicit GEMM).</summary>
    [Benchmark]
    public void GpuForward()
    {
        _gpu.Conv2dForward(_gx, _gw, _gb, _g, _gy);
        _gpu.Synchronize();
    }

    /// <summary>ILGPU backward: dx, dw and db (dy = the forward output).</summary>
    [Benchmark]
    public void GpuBackward()
    {
        _gpu.Conv2dBackward(_gx, _gw, _gy, _g, _gdx, _gdw, _gdb);
        _gpu.Synchronize();
    }

    /// <summary>Releases the device.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        _gpu?.Dispose();
        _device?.Dispose();
    }
}
