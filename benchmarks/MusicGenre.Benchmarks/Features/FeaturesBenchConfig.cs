using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Perfolizer.Horology;

namespace MusicGenre.Benchmarks.Features;

/// <summary>
/// A short in-process job for a shared, heavily loaded 2-core machine: no per-benchmark project build, and many
/// short (10 ms) iterations rather than a few long ones, so that some iterations run without being descheduled.
/// Min and Median are shown beside the Mean; under load the minimum is the least disturbed figure.
/// </summary>
internal sealed class FeaturesBenchConfig : ManualConfig
{
    public FeaturesBenchConfig()
    {
        AddJob(BenchJobs.Apply(Job.ShortRun
            .WithToolchain(InProcessEmitToolchain.Instance)
            .WithWarmupCount(5)
            .WithIterationCount(60)
            .WithIterationTime(TimeInterval.FromMilliseconds(10))
            .WithId("ShortInProcess")));
        AddDiagnoser(MemoryDiagnoser.Default);
        AddColumn(StatisticColumn.Min, StatisticColumn.Median);
    }
}
