using System.Diagnostics;

namespace MusicGenre.Cli.Tests;

/// <summary>
/// The GPU check rehearsed on the CPU (issue: the ILGPU path proven on a real GPU). The device machine has no .NET and
/// 15 minutes in all, so the check must work the first time: <c>benchmarks/gpu/pack.sh</c> builds the payload (trimmed
/// runtime, xunit's console runner, the Nn and Features test assemblies, golden subset) and <c>check.sh</c> unpacks and
/// runs it — here in simulator mode, with the payload's own runtime first on PATH and DOTNET_ROOT, exactly the commands
/// the device machine runs.
/// </summary>
[Collection(TimingSensitive.Name)]
public sealed class GpuPayloadRehearsalTests
{
    [Fact]
    public void PayloadIsSelfContained_UnderTheSizeLimit_AndItsGpuTestsPassOnTheSimulator()
    {
        if (!OperatingSystem.IsLinux()) return; // the device machine is Linux x86-64; the scripts are bash
        string root = SharedData.RepoRoot, dir = SharedData.NewTempDir("musicgenre-gpu-rehearsal");
        string packOut = Path.Combine(dir, "pack"), checkOut = Path.Combine(dir, "out");

        // 1. Pack from the test assemblies this build made (no second build while tests run).
        var (packCode, packOutput) = Bash(root, Path.Combine(root, "benchmarks", "gpu", "pack.sh"), [packOut], new() { ["PACK_NO_BUILD"] = "1" });
        Assert.True(packCode == 0, $"pack.sh exited {packCode}:\n{packOutput}");
        string payload = Path.Combine(packOut, "payload.tar.xz");
        long size = new FileInfo(payload).Length;
        Assert.InRange(size, 1L << 20, 52L << 20);

        // 2. Run it as the device machine would: a PATH with only system tools, no DOTNET_ROOT of ours.
        var (code, output) = Bash(dir, Path.Combine(root, "benchmarks", "gpu", "check.sh"), [payload, checkOut, "simulator"],
            new() { ["PATH"] = "/usr/bin:/bin", ["DOTNET_ROOT"] = "", ["MUSICGENRE_GOLDEN_DIR"] = "", ["MUSICGENRE_DATA_DIR"] = "" });
        Assert.True(code == 0, $"check.sh exited {code}:\n{output}");
        string log = File.ReadAllText(Path.Combine(checkOut, "check.log"));
        // The runtime that ran is the payload's (unpacked under a temp folder), not this machine's installation.
        Assert.Matches(@"Microsoft\.NETCore\.App 10\.\d+\.\d+ \[/tmp/[^\]]*/dotnet/shared/Microsoft\.NETCore\.App\]", log);
        string summary = File.ReadAllText(Path.Combine(checkOut, "summary.txt"));
        foreach (string t in new[] { "nn", "features" })
            Assert.Matches($@"(?m)^{t}: [1-9]\d* tests, 0 failed", summary);
        Assert.True(File.Exists(Path.Combine(checkOut, "nn-gpu.xml")) && File.Exists(Path.Combine(checkOut, "features-gpu.xml")));
        // The device run's own guard: in cuda mode, a machine where no test ran on CUDA is a failure, not a pass.
        var (cudaCode, cudaOutput) = Bash(dir, Path.Combine(root, "benchmarks", "gpu", "check.sh"), [payload, Path.Combine(dir, "out-cuda"), "cuda"],
            new() { ["PATH"] = "/usr/bin:/bin" });
        bool ranOnCuda = File.ReadAllLines(Path.Combine(dir, "out-cuda", "summary.txt"))
            .Any(l => l.Contains("with Cuda", StringComparison.Ordinal) && !l.Contains(" 0 with Cuda", StringComparison.Ordinal));
        if (!ranOnCuda)
            Assert.True(cudaCode == 1 && cudaOutput.Contains("no test ran on CUDA", StringComparison.Ordinal), $"cuda mode without CUDA exited {cudaCode}:\n{cudaOutput}");
        SharedData.DeleteTempDir(dir); // 50 MB payload
    }

    private static (int Code, string Output) Bash(string cwd, string script, string[] args, Dictionary<string, string> env)
    {
        var psi = new ProcessStartInfo("bash") { WorkingDirectory = cwd, RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(script);
        foreach (var a in args) psi.ArgumentList.Add(a);
        foreach (var (k, v) in env)
            if (v.Length == 0) psi.Environment.Remove(k); else psi.Environment[k] = v;
        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        string stdout = p.StandardOutput.ReadToEnd();
        if (!p.WaitForExit(TimeSpan.FromMinutes(8))) { p.Kill(true); return (-1, stdout + stderr.Result + "\n(timed out)"); }
        return (p.ExitCode, stdout + stderr.Result);
    }
}
