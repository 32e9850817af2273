using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace MusicGenre.Benchmarks.Training;

/// <summary>A short in-process job (3 warm-ups, 7 iterations) with Min and Median; the machine is shared and loaded.</summary>
internal sealed class InferenceBenchConfig : ManualConfig
{
    public InferenceBenchConfig()
    {
        AddJob(BenchJobs.Apply(Job.ShortRun.WithToolchain(InProcessEmitToolchain.Instance).WithWarmupCount(3).WithIterationCount(7).WithId("ShortInProcess")));
        AddDiagnoser(MemoryDiagnoser.Default);
        AddColumn(StatisticColumn.Min, StatisticColumn.Median);
    }
}
