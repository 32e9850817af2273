using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace MusicGenre.Benchmarks.Training;

/// <summary>
/// A short in-process job for second-long training steps on the shared 2-core machine: 1 warm-up, 3 iterations of one
/// invocation each (BenchmarkDotNet's out-of-process build of the solution times out here). Min and Median are shown
/// beside the Mean because other work loads the machine and the minimum is the least disturbed figure.
/// </summary>
internal sealed class TrainingBenchConfig : ManualConfig
{
    public TrainingBenchConfig()
    {
        // A 20-minute in-process limit: one lachmish2016 step of 32 samples takes over a minute on this backend today.
        AddJob(Job.Dry.WithToolchain(new InProcessEmitToolchain(TimeSpan.FromMinutes(20), logOutput: true)).WithWarmupCount(1).WithIterationCount(3)
            .WithInvocationCount(1).WithUnrollFactor(1).WithId("InProcessSteps"));
        AddDiagnoser(MemoryDiagnoser.Default);
        AddColumn(StatisticColumn.Min, StatisticColumn.Median);
    }
}
