using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace MusicGenre.Benchmarks.Data;

/// <summary>
/// A short job (3 warm-ups, 3 iterations, 1 launch) run in-process: on this shared 2-core machine BenchmarkDotNet's
/// out-of-process build of the whole solution exceeds its 120 s build timeout.
/// </summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class InProcessShortRunAttribute : Attribute, IConfigSource
{
    /// <summary>Creates the job with the given warm-up and measured iteration counts.</summary>
    public InProcessShortRunAttribute(int warmupCount = 3, int iterationCount = 3) =>
        Config = ManualConfig.CreateEmpty().AddJob(BenchJobs.Apply(Job.ShortRun.WithWarmupCount(warmupCount).WithIterationCount(iterationCount)
            .WithToolchain(InProcessEmitToolchain.Instance).WithId("InProcessShort")));

    /// <summary>The configuration BenchmarkDotNet applies to the benchmark class.</summary>
    public IConfig Config { get; }
}
