using System.Diagnostics;

namespace MusicGenre.Cli.Tests;

/// <summary>
/// What a consumer does on a fresh machine: pack the library and the tool into a folder, reference the package from
/// that folder in a throwaway console project, classify a song through the public API, then install and run the tool.
/// </summary>
public class PackagingTests
{
    [SharedFact]
    public void PackedLibraryAndToolWorkForAConsumer()
    {
        string root = SharedData.RepoRoot, work = SharedData.NewTempDir("musicgenre-consumer");
        string feed = Path.Combine(work, "feed"), app = Path.Combine(work, "app"), tools = Path.Combine(work, "tools");
        string example = Path.Combine(root, "examples", "audio", "classical-arpeggios.wav");
        string mp3 = SharedData.Data("mp3/TRWJAZW128F42760DD_test.mp3");

        // 1. Pack; forget any cached copy of this version so the freshly packed one is what gets restored.
        Dotnet(root, "pack", Path.Combine(root, "src", "MusicGenre.Pipeline"), "-c", "Release", "-o", feed);
        Dotnet(root, "pack", Path.Combine(root, "src", "MusicGenre.Cli"), "-c", "Release", "-o", feed);
        Assert.True(File.Exists(Path.Combine(feed, "MusicGenre.0.1.0.nupkg")));
        // Every assembly of the library comes with its XML docs (IntelliSense), not only MusicGenre.Pipeline's.
        using (var package = System.IO.Compression.ZipFile.OpenRead(Path.Combine(feed, "MusicGenre.0.1.0.nupkg")))
        {
            var lib = package.Entries.Select(e => e.FullName).Where(n => n.StartsWith("lib/net10.0/", StringComparison.Ordinal)).ToHashSet();
            var assemblies = lib.Where(n => n.EndsWith(".dll", StringComparison.Ordinal) && Path.GetFileName(n).StartsWith("MusicGenre.", StringComparison.Ordinal)).ToList();
            Assert.True(assemblies.Count >= 8, string.Join(", ", lib));
            Assert.All(assemblies, dll => Assert.Contains(Path.ChangeExtension(dll, ".xml"), lib));
        }
        string cache = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } p ? p
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        foreach (var id in new[] { "musicgenre", "musicgenre.tool", "musicgenre.tool.any", "musicgenre.tool.linux-x64", "musicgenre.tool.linux-arm64", "musicgenre.tool.osx-arm64", "musicgenre.tool.win-x64" })
            if (Directory.Exists(Path.Combine(cache, id, "0.1.0"))) Directory.Delete(Path.Combine(cache, id, "0.1.0"), recursive: true);

        // 2. The README's steps: the folder as a package source (project-local here instead of `dotnet nuget add source`
        //    for the user), `dotnet new console`, `dotnet add package MusicGenre`, a few lines, `dotnet run` on a WAV and an MP3.
        Directory.CreateDirectory(app);
        File.WriteAllText(Path.Combine(work, "nuget.config"),
            $"<configuration><packageSources><add key=\"musicgenre-local\" value=\"{feed}\" /></packageSources></configuration>");
        Dotnet(work, "new", "console", "-o", app, "--framework", "net10.0");
        Dotnet(app, "add", "package", "MusicGenre", "--version", "0.1.0");
        File.WriteAllText(Path.Combine(app, "Program.cs"), """
            using MusicGenre.Api;
            using var classifier = GenreClassifier.LoadDefault();
            foreach (var path in args)
            {
                var song = classifier.Predict(path);
                Console.WriteLine($"{Path.GetFileName(path)}: top={song.Top.Genre} sum={song.Scores.Sum(s => s.Probability):F3} segments={song.SegmentCount}");
            }
            """);
        string output = Dotnet(app, "run", "-c", "Release", "--", example, mp3);
        Assert.Contains("classical-arpeggios.wav: top=classical sum=1.000", output);
        Assert.Matches(@"TRWJAZW128F42760DD_test\.mp3: top=[a-z]+ sum=1\.000 segments=10", output); // 29.x s: 9 whole segments and a 10th ending at the clip's end
        // The library brings no plotting: ScottPlot and its SkiaSharp/HarfBuzz natives (≈ 260 MB in the NuGet cache) are the tool's.
        string assets = File.ReadAllText(Path.Combine(app, "obj", "project.assets.json"));
        foreach (var plotting in new[] { "ScottPlot", "SkiaSharp", "HarfBuzzSharp" })
            Assert.False(assets.Contains($"\"{plotting}/", StringComparison.OrdinalIgnoreCase), $"the MusicGenre package depends on {plotting}");

        // 3. The .NET tool, installed from the folder: a pointer package and one package per platform, of which the one
        //    for this machine is installed (much smaller than the portable one, which carries every platform's natives).
        var pointer = new FileInfo(Path.Combine(feed, "MusicGenre.Tool.0.1.0.nupkg"));
        var portable = new FileInfo(Path.Combine(feed, "MusicGenre.Tool.any.0.1.0.nupkg"));
        Assert.True(pointer.Exists && portable.Exists, "pointer or portable tool package missing");
        foreach (var rid in new[] { "linux-x64", "linux-arm64", "osx-arm64", "win-x64" })
        {
            var ridPackage = new FileInfo(Path.Combine(feed, $"MusicGenre.Tool.{rid}.0.1.0.nupkg"));
            Assert.True(ridPackage.Exists && ridPackage.Length < portable.Length / 4, $"{ridPackage.Name}: {(ridPackage.Exists ? ridPackage.Length : 0)} bytes vs {portable.Length} portable");
        }
        Dotnet(work, "tool", "install", "MusicGenre.Tool", "--version", "0.1.0", "--tool-path", tools, "--add-source", feed);
        string tool = Path.Combine(tools, OperatingSystem.IsWindows() ? "musicgenre.exe" : "musicgenre");
        string predicted = Run(tool, work, "predict", example, "--top", "1");
        Assert.Contains("classical", predicted);
        SharedData.DeleteTempDir(work); // 40 MB of packages
    }

    private static string Dotnet(string workingDirectory, params string[] args) => Run("dotnet", workingDirectory, args);

    private static string Run(string file, string workingDirectory, params string[] args)
    {
        var psi = new ProcessStartInfo(file, args) { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        // A consumer's build must not inherit this repository's build settings.
        psi.Environment.Remove("MSBuildExtensionsPath");
        psi.Environment.Remove("MSBUILD_EXE_PATH");
        psi.Environment.Remove("MSBuildSDKsPath");
        psi.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        psi.Environment["DOTNET_NOLOGO"] = "1";
        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        string stdout = p.StandardOutput.ReadToEnd();
        if (!p.WaitForExit(TimeSpan.FromMinutes(8))) { p.Kill(true); Assert.Fail($"{file} {string.Join(' ', args)} timed out"); }
        Assert.True(p.ExitCode == 0, $"{file} {string.Join(' ', args)} exited {p.ExitCode}\n{stdout}\n{stderr.Result}");
        return stdout;
    }
}
