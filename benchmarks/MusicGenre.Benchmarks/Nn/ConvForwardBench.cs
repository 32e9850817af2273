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
/// Conv 32→32, 3×3, pad 1 on 1×32×128×599, forward (issue goal ≤ 4 ms; PyTorch 1.13 with 2 threads: see
/// conv_peer.py). 1.413 GFLOP per call (2·32·32·9·128·599). Baseline: the scalar direct convolution (the twin).
/// Run: <c>dotnet run -c Release --project benchmarks/MusicGenre.Benchmarks -- --filter '*ConvForwardBench*'</c>.
/// </summary>
[Config(typeof(ShortConfig))]
[MemoryDiagnoser]
public class ConvForwardBench
{
    private CpuBackend _cpu = null!;
    private Tensor _x = null!, _w = null!, _b = null!, _y = null!;
    private Conv2dGeometry _g;
    private float[] _xs = null!, _ws = null!, _bs = null!, _ys = null!;

    /// <summary>Worker threads of the CPU backend.</summary>
    [Params(1, 2)]
    public int Threads { get; set; }

    /// <summary>Allocates seeded inputs.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _cpu = new CpuBackend(Threads);
        _g = Conv2dGeometry.Create(1, 32, 128, 599, 32, 3, 3, 1, 1, Padding2d.Symmetric(1));
        var r = new Random(1);
        _xs = Enumerable.Range(0, 32 * 128 * 599).Select(_ => (float)r.NextDouble() - 0.5f).ToArray();
        _ws = Enumerable.Range(0, 32 * 32 * 9).Select(_ => (float)r.NextDouble() * 0.1f - 0.05f).ToArray();
        _bs = new float[32];
        _ys = new float[32 * 128 * 599];
        _x = _cpu.FromHost(_xs, new Shape(1, 32, 128, 599));
        _w = _cpu.FromHost(_ws, new Shape(32, 32, 3, 3));
        _b = _cpu.FromHost(_bs, new Shape(32));
        _y = _cpu.Allocate(new Shape(1, 32, 128, 599));
    }

    /// <summary>The scalar direct convolution (single thread).</summary>
    [Benchmark(Baseline = true)]
    public void ScalarDirect() => ConvScalar.Forward(_xs, _ws, _bs, _g, 0, _ys);

    /// <summary>Tiled im2col + the GEMM micro-kernels, <see cref="Threads"/> threads (the path for other shapes).</summary>
    [Benchmark]
    public void Im2colGemm()
    {
        _cpu.UseWinograd = false;
        _cpu.Conv2dForward(_x, _w, _b, _g, _y);
        _cpu.UseWinograd = true;
    }

    /// <summary>The production path for this shape: Winograd F(4×4, 3×3) (36 GEMMs on transformed 6×6 tiles), <see cref="Threads"/> threads.</summary>
    [Benchmark]
    public void Winograd() => _cpu.Conv2dForward(_x, _w, _b, _g, _y);

    /// <summary>Winograd F(2×2, 3×3) (16 GEMMs on transformed 4×4 tiles; the production path before F(4×4)), <see cref="Threads"/> threads.</summary>
    [Benchmark]
    public void WinogradF2()
    {
        _cpu.WinogradTile = 2;
        _cpu.Conv2dForward(_x, _w, _b, _g, _y);
        _cpu.WinogradTile = 4;
    }

    // In-process (the out-of-process boilerplate build fails/times out on the shared machine), short: 2 warm-ups,
    // 7 iterations. Min and Median beside the Mean: other work loads the machine, the minimum is the least disturbed.
    private sealed class ShortConfig : ManualConfig
    {
        public ShortConfig()
        {
            AddJob(BenchJobs.Apply(Job.ShortRun.WithToolchain(InProcessEmitToolchain.Instance).WithWarmupCount(2).WithIterationCount(7).WithId("InProcessShort")));
            AddColumn(StatisticColumn.Min, StatisticColumn.Median);
        }
    }
}
