using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;

namespace MusicGenre.Benchmarks.Gpu;

/// <summary>A short job (the suite is run by hand on a GPU machine): 2 warm-ups, 5 iterations.</summary>
internal sealed class GpuBenchConfig : ManualConfig
{
    public GpuBenchConfig() => AddJob(Job.ShortRun.WithWarmupCount(2).WithIterationCount(5));
}
