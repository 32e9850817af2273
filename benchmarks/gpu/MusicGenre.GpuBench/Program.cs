using BenchmarkDotNet.Running;
using MusicGenre.Benchmarks.Gpu;
using MusicGenre.Nn.Backends.Gpu;

namespace MusicGenre.Benchmarks;

/// <summary>
/// Entry point of the GPU suites alone: <c>dotnet MusicGenre.GpuBench.dll --filter '*Gpu*'</c> (see benchmarks/gpu/check.sh).
/// <c>--profile</c> instead prints milliseconds per layer (forward and backward) of one training step of each network at
/// batch 32 (with the convolution kernels chosen automatically, with the 4 × 4 kernel alone, and with TF32), the median of 5 steps after 2 warm-ups, for finding the slow kernels. <c>--ptx DIR</c> (no GPU needed)
/// writes every kernel's PTX for sm_90 to DIR/&lt;kernel&gt;.ptx, for reading or for <c>ptxas -arch=sm_90 -v</c>.
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        if (args is ["--profile"]) return Profile();
        if (args is ["--ptx", var dir]) return WritePtx(dir);
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return 0;
    }

    private static int Profile()
    {
        using var device = GpuBenchDevice.OpenOrExplain();
        // Each network with the convolution kernels chosen as in training (auto), with the 4 × 4 kernel alone (the kernel
        // of the 2026-12-04 runs) and with TF32 tensor cores for the large products, so that one run compares them layer
        // by layer.
        // TF32 last: should its first launch fail on the device, the FP32 figures are already out.
        foreach (var kernel in new[] { ConvKernelChoice.Auto, ConvKernelChoice.Tile4, ConvKernelChoice.Tf32 })
        foreach (var net in new[] { "reference", "default", "lachmish2016" })
        {
            var backend = new GpuBackend(device, ownsDevice: false) { ConvKernel = kernel };
            using var run = new GpuTrainingRun(backend, net, 32);
            run.Step();
            run.Step();
            var steps = Enumerable.Range(0, 5).Select(_ => run.Profile()).ToList();
            Console.WriteLine($"\n{net}, batch 32, convolution kernels {kernel}: ms per layer (median of 5 synchronised steps)");
            Console.WriteLine("| layer | forward | backward |\n|---|---:|---:|");
            double f = 0, b = 0;
            for (int i = 0; i < steps[0].Count; i++)
            {
                double fm = GpuTrainingRun.Median(steps.Select(s => s[i].ForwardMs)), bm = GpuTrainingRun.Median(steps.Select(s => s[i].BackwardMs));
                f += fm; b += bm;
                Console.WriteLine($"| {steps[0][i].Name} | {fm:F3} | {bm:F3} |");
            }
            Console.WriteLine($"| total | {f:F3} | {b:F3} |");
            if (kernel == ConvKernelChoice.Tf32) Console.WriteLine(backend.Tf32Unavailable is { } why ? $"TF32 not in use: {why}" : "TF32 in use (self-check passed)");
        }
        return 0;
    }

    private static int WritePtx(string dir)
    {
        Directory.CreateDirectory(dir);
        foreach (var (name, ptx) in MusicGenre.Kernels.Runtime.PtxCompiler.Compile())
            File.WriteAllText(Path.Combine(dir, name + ".ptx"), ptx);  // NnKernels.ConvGemmKernel.ptx, …
        Console.WriteLine($"PTX for sm_90 of {MusicGenre.Kernels.Runtime.PtxCompiler.Kernels().Count} kernels written to {dir}");
        return 0;
    }
}
