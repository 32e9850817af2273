using System.Diagnostics;
using System.Runtime.Intrinsics;
using Xunit.Abstractions;

namespace MusicGenre.Audio.Tests.Resampling;

/// <summary>
/// Re-runs the vector-kernel tests in child test processes with hardware intrinsics switched off (AVX-512 off — .NET 10
/// ignores DOTNET_EnableAVX512F=0, so DOTNET_EnableAVX512=0 is used; all
/// intrinsics off), so the Vector256/Vector128 and scalar branches of <c>VectorMath.Dot</c> are exercised on this AVX-512
/// machine too (the idea of ImageSharp's FeatureTestRunner).
/// </summary>
public sealed class FallbackPathTests(ITestOutputHelper output)
{
    private const string ChildMarker = "MUSICGENRE_AUDIO_FALLBACK_CHILD";

    [Fact]
    public void IntrinsicsSettingsAreHonoured()
    {
        // Inside a child run this proves the switch took effect; in the parent it checks nothing is forced off.
        if (Environment.GetEnvironmentVariable("DOTNET_EnableAVX512") == "0") Assert.False(Vector512.IsHardwareAccelerated);
        if (Environment.GetEnvironmentVariable("DOTNET_EnableHWIntrinsic") == "0") Assert.False(Vector128.IsHardwareAccelerated);
    }

    [Fact]
    public async Task VectorTestsPassWithIntrinsicsOff()
    {
        if (Environment.GetEnvironmentVariable(ChildMarker) is not null) return;
        // AVX-512 off exercises the Vector256 branch; all intrinsics off the scalar one. Both children run concurrently.
        var runs = new[] { "DOTNET_EnableAVX512", "DOTNET_EnableHWIntrinsic" }.Select(v => (Variable: v, Task: Task.Run(() => RunChild(v)))).ToArray();
        foreach (var (variable, task) in runs)
        {
            var (exitCode, log) = await task;
            output.WriteLine($"--- {variable}=0 ---");
            output.WriteLine(log.Length > 1500 ? log[^1500..] : log);
            Assert.True(exitCode == 0 && log.Contains("Passed!"), $"vector tests failed with {variable}=0 (exit {exitCode})");
        }
    }

    private static (int ExitCode, string Log) RunChild(string variable)
    {
        string dll = typeof(FallbackPathTests).Assembly.Location;
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "vstest", dll, "--TestCaseFilter:FullyQualifiedName~VectorMathTests|FullyQualifiedName~IntrinsicsSettingsAreHonoured|FullyQualifiedName~StreamingInRandomBlocksEqualsOneShot" })
            psi.ArgumentList.Add(a);
        psi.Environment[variable] = "0";
        psi.Environment[ChildMarker] = "1";
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            p.Kill(entireProcessTree: true);
            return (-1, "child test run timed out");
        }
        return (p.ExitCode, stdout.Result + stderr.Result);
    }
}
