using System.Diagnostics;
using BenchmarkDotNet.Running;
using MusicGenre.Benchmarks.Gpu;
using MusicGenre.Nn.Backends.Cpu;

namespace MusicGenre.Benchmarks;

/// <summary>
/// Entry point: <c>dotnet run -c Release --project benchmarks/MusicGenre.Benchmarks -- --filter '*'</c>.
/// <c>-- --profile [net ...]</c> instead prints milliseconds per layer (forward and backward) of one CPU training step
/// (batch 32, 2 threads) of each network named (default: reference, default, lachmish2016): the median of 9 steps after
/// 15 s or 40 steps of warm-up, each layer's time read when it finishes. For finding the slow layer on a given machine;
/// the BenchmarkDotNet suites give the figures to compare.
/// </summary>
public static class Program
{
    public static void Main(string[] args)
    {
        if (args is ["--profile", .. var nets]) { Profile(nets.Length > 0 ? nets : ["reference", "default", "lachmish2016"]); return; }
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
    }

    private static void Profile(string[] nets)
    {
        Console.WriteLine($"CPU: {Environment.ProcessorCount} logical cores, Vector512 {System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated}, Vector256 {System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated}");
        foreach (var net in nets)
        {
            using var run = new GpuTrainingRun(new CpuBackend(2), net, 32);
            // Warm-up: tiered JIT promotes hot methods after ~30 calls (as TrainingThroughputBench does).
            var warm = Stopwatch.StartNew();
            for (int i = 0; i < 40 && warm.Elapsed.TotalSeconds < 15; i++) run.Step();
            var steps = Enumerable.Range(0, 9).Select(_ => run.Profile()).ToList();
            Console.WriteLine($"\n{net}, batch 32, CPU backend, 2 threads: ms per layer (median of {steps.Count} steps)");
            Console.WriteLine("| layer | forward | backward |\n|---|---:|---:|");
            double f = 0, b = 0;
            for (int i = 0; i < steps[0].Count; i++)
            {
                double fm = GpuTrainingRun.Median(steps.Select(s => s[i].ForwardMs)), bm = GpuTrainingRun.Median(steps.Select(s => s[i].BackwardMs));
                f += fm; b += bm;
                Console.WriteLine($"| {steps[0][i].Name} | {fm:F2} | {bm:F2} |");
            }
            Console.WriteLine($"| total | {f:F2} | {b:F2} |");
        }
    }
}
