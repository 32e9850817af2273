using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace MusicGenre.Benchmarks;

/// <summary>
/// Every suite's job passes through <see cref="Apply"/>: with <c>MUSICGENRE_BENCH_QUICK=1</c> it becomes a quick
/// in-process job (1 warm-up, 3 iterations, no generated project to build), to check that a suite or a filter works in
/// seconds. Its figures are not measurements: the suites' own jobs (without the variable) give those. BenchmarkDotNet's
/// <c>--job dry</c> does not do this: it adds a job beside the suite's own instead of replacing it.
/// </summary>
internal static class BenchJobs
{
    /// <summary>True when <c>MUSICGENRE_BENCH_QUICK=1</c>.</summary>
    public static bool Quick => Environment.GetEnvironmentVariable("MUSICGENRE_BENCH_QUICK") == "1";

    /// <summary>
    /// <paramref name="job"/>, or the quick job in its place: in-process, 5 warm-up and 3 measured iterations of 250 ms
    /// (enough calls for tiered JIT to reach optimised code for operations up to a few milliseconds; a job with a fixed
    /// invocation count keeps it).
    /// </summary>
    public static Job Apply(Job job)
    {
        if (!Quick) return job;
        var quick = job.WithToolchain(InProcessEmitToolchain.Instance).WithLaunchCount(1).WithWarmupCount(5).WithIterationCount(3).WithId("Quick");
        return job.HasValue(RunMode.InvocationCountCharacteristic)
            ? quick
            : quick.WithIterationTime(Perfolizer.Horology.TimeInterval.FromMilliseconds(250)).WithUnrollFactor(1);
    }
}
