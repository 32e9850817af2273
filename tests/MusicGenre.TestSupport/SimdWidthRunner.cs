using System.Diagnostics;
using System.Reflection;
using System.Runtime.Intrinsics;
using Xunit;

namespace MusicGenre.TestSupport;

/// <summary>
/// Re-runs a test project's vector-kernel tests in child test processes at every SIMD width the JIT can be switched to
/// on this machine, so the 512-, 256-, 128-bit and scalar branches are all exercised whatever CPU runs CI (the idea of
/// ImageSharp's FeatureTestRunner). .NET 10 switches: <c>DOTNET_PreferredVectorBitWidth=512</c> with
/// <c>DOTNET_MaxVectorTBitWidth=512</c> (Vector512 accelerated and Vector&lt;T&gt; of 16 floats where AVX-512 exists; some
/// Intel CPUs default to 256), <c>DOTNET_EnableAVX512=0</c> (Vector512 off: the 256-bit branch — .NET 10 ignores
/// DOTNET_EnableAVX512F=0), <c>DOTNET_EnableAVX2=0</c> (the 128-bit branch) and <c>DOTNET_EnableHWIntrinsic=0</c> (scalar).
/// The children run concurrently; each must report "Passed!".
/// </summary>
public static class SimdWidthRunner
{
    /// <summary>Set in a child run, so the runner test does not recurse.</summary>
    public const string ChildMarker = "MUSICGENRE_SIMD_WIDTH_CHILD";

    /// <summary>The settings each child runs with, and what it exercises.</summary>
    public static readonly (string Environment, string Width)[] Settings =
    [
        ("DOTNET_PreferredVectorBitWidth=512;DOTNET_MaxVectorTBitWidth=512", "512-bit (where AVX-512 exists)"),
        ("DOTNET_EnableAVX512=0", "256-bit"),
        ("DOTNET_EnableAVX2=0", "128-bit"),
        ("DOTNET_EnableHWIntrinsic=0", "scalar"),
    ];

    /// <summary>True inside a child run.</summary>
    public static bool IsChild => Environment.GetEnvironmentVariable(ChildMarker) is not null;

    /// <summary>
    /// Runs the tests of <paramref name="testAssembly"/> matching <paramref name="filter"/> (a vstest TestCaseFilter) once per
    /// setting and asserts that every run passed; the tail of each log goes to <paramref name="log"/>.
    /// </summary>
    public static async Task RunAtEveryWidth(Assembly testAssembly, string filter, Action<string> log)
    {
        if (IsChild) return;
        var runs = Settings.Select(s => (s.Environment, s.Width, Task: Task.Run(() => RunChild(testAssembly.Location, filter, s.Environment)))).ToArray();
        foreach (var (environment, width, task) in runs)
        {
            var (exitCode, text) = await task;
            log($"--- {environment} ({width}) ---");
            log(text.Length > 1500 ? text[^1500..] : text);
            Assert.True(exitCode == 0 && text.Contains("Passed!", StringComparison.Ordinal), $"vector tests failed with {environment} (exit {exitCode})");
        }
    }

    /// <summary>In a child run, checks that the switch took effect (call it from a test included in the filter).</summary>
    public static void AssertSettingHonoured()
    {
        if (Environment.GetEnvironmentVariable("DOTNET_EnableAVX512") == "0") Assert.False(Vector512.IsHardwareAccelerated);
        if (Environment.GetEnvironmentVariable("DOTNET_EnableAVX2") == "0") Assert.False(Vector256.IsHardwareAccelerated);
        if (Environment.GetEnvironmentVariable("DOTNET_EnableHWIntrinsic") == "0") Assert.False(Vector128.IsHardwareAccelerated);
        if (Environment.GetEnvironmentVariable("DOTNET_MaxVectorTBitWidth") == "512" && System.Runtime.Intrinsics.X86.Avx512F.IsSupported)
        {
            Assert.True(Vector512.IsHardwareAccelerated);
            Assert.Equal(16, System.Numerics.Vector<float>.Count);
        }
    }

    private static (int ExitCode, string Log) RunChild(string dll, string filter, string environment)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "vstest", dll, "--TestCaseFilter:" + filter }) psi.ArgumentList.Add(a);
        foreach (var pair in environment.Split(';'))
            psi.Environment[pair[..pair.IndexOf('=')]] = pair[(pair.IndexOf('=') + 1)..];
        psi.Environment[ChildMarker] = "1";
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(TimeSpan.FromMinutes(4)))
        {
            p.Kill(entireProcessTree: true);
            return (-1, "child test run timed out");
        }
        return (p.ExitCode, stdout.Result + stderr.Result);
    }
}
