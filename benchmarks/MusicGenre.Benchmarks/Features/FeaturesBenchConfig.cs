using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace MusicGenre.Benchmarks.Features;

/// <summary>
/// A short in-process job (the machine is shared and busy: no per-benchmark project build, few iterations) with
/// Min and Median beside the Mean, since on a loaded machine the minimum is the least disturbed figure.
/// </summary>
internal sealed class FeaturesBenchConfig : ManualConfig
{
    public FeaturesBenchConfig()
    {
        AddJob(Job.ShortRun
            .WithToolchain(InProcessEmitToolchain.Instance)
            .WithWarmupCount(3)
            .WithIterationCount(7)
            .WithId("ShortInProcess"));
        AddDiagnoser(MemoryDiagnoser.Default);
        AddColumn(StatisticColumn.Min, StatisticColumn.Median);
    }
}
