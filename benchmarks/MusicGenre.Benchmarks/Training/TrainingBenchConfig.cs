using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace MusicGenre.Benchmarks.Training;

/// <summary>
/// A short in-process job for second-long training steps on the shared 2-core machine: 1 warm-up, 3 iterations of one
/// invocation each, or MUSICGENRE_BENCH_STEPS iterations (the peer script times as many steps), since a 3-step run of
/// the 0.1-s `default` step scatters by ±50 % (BenchmarkDotNet's out-of-process build of the solution times out here).
/// Min and Median are shown beside the Mean because the minimum is the least disturbed figure.
/// </summary>
internal sealed class TrainingBenchConfig : ManualConfig
{
    public TrainingBenchConfig()
    {
        // A 20-minute in-process limit: one lachmish2016 step of 32 samples takes over a minute on this backend today.
        AddJob(BenchJobs.Apply(Job.Dry.WithToolchain(new InProcessEmitToolchain(TimeSpan.FromMinutes(20), logOutput: true)).WithWarmupCount(1).WithIterationCount(Steps)
            .WithInvocationCount(1).WithUnrollFactor(1).WithId("InProcessSteps")));
        AddDiagnoser(MemoryDiagnoser.Default);
        AddColumn(StatisticColumn.Min, StatisticColumn.Median);
    }

    /// <summary>Timed steps: MUSICGENRE_BENCH_STEPS (1–1000) or 3.</summary>
    internal static int Steps =>
        int.TryParse(Environment.GetEnvironmentVariable("MUSICGENRE_BENCH_STEPS"), out int n) && n is >= 1 and <= 1000 ? n : 3;
}
