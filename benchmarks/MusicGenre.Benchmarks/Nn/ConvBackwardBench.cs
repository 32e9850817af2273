using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using MusicGenre.Nn.Backends;
using MusicGenre.Nn.Backends.Cpu;
using MusicGenre.Nn.Tensors;

namespace MusicGenre.Benchmarks.Nn;

/// <summary>
/// Conv 32→32, 3×3, pad 1 on 1×32×128×599, backward (dx and dw: 2 × 1.413 GFLOP; db excluded), the training hot spot.
/// No goal in the issue; reported beside the forward in RESULTS.md.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(ShortConfig))]
public class ConvBackwardBench
{
    private CpuBackend _cpu = null!;
    private Tensor _x = null!, _w = null!, _dy = null!, _dx = null!, _dw = null!;
    private Conv2dGeometry _g;

    /// <summary>Worker threads of the CPU backend.</summary>
    [Params(2)]
    public int Threads { get; set; }

    /// <summary>Allocates seeded inputs.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _cpu = new CpuBackend(Threads);
        _g = Conv2dGeometry.Create(1, 32, 128, 599, 32, 3, 3, 1, 1, Padding2d.Symmetric(1));
        var r = new Random(1);
        float[] Rand(int n, float s) => Enumerable.Range(0, n).Select(_ => ((float)r.NextDouble() - 0.5f) * s).ToArray();
        _x = _cpu.FromHost(Rand(32 * 128 * 599, 1f), new Shape(1, 32, 128, 599));
        _w = _cpu.FromHost(Rand(32 * 32 * 9, 0.1f), new Shape(32, 32, 3, 3));
        _dy = _cpu.FromHost(Rand(32 * 128 * 599, 1f), new Shape(1, 32, 128, 599));
        _dx = _cpu.Allocate(_x.Shape);
        _dw = _cpu.Allocate(_w.Shape);
    }

    /// <summary>dx (gathered transposed convolution via GEMM) and dw (tile dot products, fixed-order chunk reduction).</summary>
    [Benchmark]
    public void Im2colGemmBackward()
    {
        _cpu.UseWinograd = false;
        _cpu.Conv2dBackward(_x, _w, _dy, _g, _dx, _dw, null);
        _cpu.UseWinograd = true;
    }

    /// <summary>The production path for this shape: dx by Winograd F(4×4, 3×3) with rotated filters, dW by the F(2×2, 3×3) Winograd weight gradient.</summary>
    [Benchmark]
    public void WinogradBackward() => _cpu.Conv2dBackward(_x, _w, _dy, _g, _dx, _dw, null);

    /// <summary>The Winograd backward with dx by F(2×2, 3×3) (the production path before F(4×4); dW is F(2×2) in both).</summary>
    [Benchmark]
    public void WinogradF2Backward()
    {
        _cpu.WinogradTile = 2;
        _cpu.Conv2dBackward(_x, _w, _dy, _g, _dx, _dw, null);
        _cpu.WinogradTile = 4;
    }

    // In-process short job, as ConvForwardBench.
    private sealed class ShortConfig : ManualConfig
    {
        public ShortConfig()
        {
            AddJob(BenchJobs.Apply(Job.ShortRun.WithToolchain(InProcessEmitToolchain.Instance).WithWarmupCount(2).WithIterationCount(7).WithId("InProcessShort")));
            AddColumn(StatisticColumn.Min, StatisticColumn.Median);
        }
    }
}
