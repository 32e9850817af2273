using System.Diagnostics;

namespace MusicGenre.Nn.Tests.ModelFile;

/// <summary>A fact that needs python3 with h5py: skipped when it is missing locally, never skipped under CI=true.</summary>
public sealed class H5pyFactAttribute : FactAttribute
{
    private static readonly Lazy<bool> Available = new(() => PythonRunner.Run("import h5py", out _) == 0);

    public H5pyFactAttribute()
    {
        if (!SharedData.IsCi && !Available.Value)
            Skip = "python3 with h5py not found (apt-get install python3-h5py); under CI=true this test runs and fails instead";
    }
}

/// <summary>Runs a python3 snippet (Debian's /usr/bin/python3 first, where apt installs h5py, else python3 on PATH).</summary>
internal static class PythonRunner
{
    private static readonly string Exe = File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";

    public static int Run(string code, out string output, params string[] args)
    {
        var info = new ProcessStartInfo(Exe) { RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add(code);
        foreach (string a in args) info.ArgumentList.Add(a);
        try
        {
            using var p = Process.Start(info)!;
            var stderr = p.StandardError.ReadToEndAsync();
            output = p.StandardOutput.ReadToEnd();
            if (!p.WaitForExit(60_000)) { p.Kill(); return -1; }
            output += stderr.Result;
            return p.ExitCode;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            output = "python3 not runnable: " + e.Message;
            return -1;
        }
    }
}
