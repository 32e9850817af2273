using BenchmarkDotNet.Running;

namespace MusicGenre.Benchmarks;

/// <summary>Entry point of the GPU suites alone: <c>dotnet MusicGenre.GpuBench.dll --filter '*Gpu*'</c> (see benchmarks/gpu/check.sh).</summary>
public static class Program
{
    public static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
}
