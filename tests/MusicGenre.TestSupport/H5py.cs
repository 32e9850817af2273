using System.Diagnostics;

using Xunit;

namespace MusicGenre.TestSupport;

/// <summary>A fact that runs python3 with h5py: skipped when h5py is missing locally, never skipped under CI=true.</summary>
public sealed class H5pyFactAttribute : FactAttribute
{
    internal static readonly Lazy<bool> Available = new(() => Python.Run("import h5py", out _) == 0);
    internal const string SkipReason = "python3 with h5py not found (apt-get install python3-h5py); under CI=true this test runs and fails instead";

    public H5pyFactAttribute()
    {
        if (!SharedData.IsCi && !Available.Value) Skip = SkipReason;
    }
}

/// <summary>A theory that runs python3 with h5py, skipped like <see cref="H5pyFactAttribute"/>.</summary>
public sealed class H5pyTheoryAttribute : TheoryAttribute
{
    public H5pyTheoryAttribute()
    {
        if (!SharedData.IsCi && !H5pyFactAttribute.Available.Value) Skip = H5pyFactAttribute.SkipReason;
    }
}

/// <summary>
/// Runs a python3 snippet and captures its output. The interpreter is MUSICGENRE_PYTHON when set, else the first of
/// <c>python3</c> (PATH) and <c>/usr/bin/python3</c> (Debian's, where python3-h5py installs) that imports h5py.
/// </summary>
public static class Python
{
    private static readonly Lazy<string> Interpreter = new(() =>
        Environment.GetEnvironmentVariable("MUSICGENRE_PYTHON") is { Length: > 0 } p ? p
            : new[] { "python3", "/usr/bin/python3" }.FirstOrDefault(c => RunWith(c, "import h5py", out _) == 0) ?? "python3");

    public static int Run(string code, out string output, params string[] args) => RunWith(Interpreter.Value, code, out output, args);

    private static int RunWith(string interpreter, string code, out string output, params string[] args)
    {
        var info = new ProcessStartInfo(interpreter) { RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add(code);
        foreach (string a in args) info.ArgumentList.Add(a);
        try
        {
            using var p = Process.Start(info)!;
            var stderr = p.StandardError.ReadToEndAsync();
            output = p.StandardOutput.ReadToEnd();
            if (!p.WaitForExit(60_000)) { p.Kill(); output += "\n(timed out)"; return -1; }
            output += stderr.Result;
            return p.ExitCode;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            output = $"{interpreter} not runnable: {e.Message}";
            return -1;
        }
    }
}
