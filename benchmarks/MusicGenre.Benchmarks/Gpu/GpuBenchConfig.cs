using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace MusicGenre.Benchmarks.Gpu;

/// <summary>
/// A short job (the suite is run by hand on a GPU machine): 2 warm-ups, 5 iterations. With MUSICGENRE_BDN_INPROCESS=1 it
/// runs in-process, as the GPU check does on a machine with a .NET runtime but no SDK to build benchmark processes.
/// </summary>
internal sealed class GpuBenchConfig : ManualConfig
{
    public GpuBenchConfig()
    {
        var job = Job.ShortRun.WithWarmupCount(2).WithIterationCount(5);
        if (Environment.GetEnvironmentVariable("MUSICGENRE_BDN_INPROCESS") == "1")
            job = job.WithToolchain(new InProcessEmitToolchain(TimeSpan.FromMinutes(5), logOutput: true));
        AddJob(BenchJobs.Apply(job));
    }
}
