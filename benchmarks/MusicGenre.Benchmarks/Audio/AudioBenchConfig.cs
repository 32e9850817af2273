using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace MusicGenre.Benchmarks.Audio;

/// <summary>
/// Short in-process job for the audio suites: building BenchmarkDotNet's generated project exceeds its 2-minute build
/// timeout on the shared, heavily loaded machine, so the benchmarks run inside the host process.
/// </summary>
internal sealed class AudioBenchConfig : ManualConfig
{
    public AudioBenchConfig()
    {
        AddJob(BenchJobs.Apply(Job.Default
            .WithWarmupCount(2)
            .WithIterationCount(5)
            .WithLaunchCount(1)
            .WithToolchain(InProcessEmitToolchain.Instance)
            .WithId("AudioInProcess")));
        AddDiagnoser(MemoryDiagnoser.Default);
    }
}
