using System.Reflection;
using PublicApiGenerator;

namespace MusicGenre.Pipeline.Tests.Api;

/// <summary>
/// Snapshot of the public API of every MusicGenre assembly: any change to a public type or member fails this test until
/// PublicApi.approved.txt is updated on purpose (run with MUSICGENRE_ACCEPT_API=1 to rewrite it, then review the diff).
/// </summary>
public class PublicApiTests
{
    private static readonly Assembly[] Assemblies =
    [
        typeof(MusicGenre.Audio.AudioFormatException).Assembly,
        typeof(MusicGenre.Features.FeatureExtractor).Assembly,
        typeof(MusicGenre.Kernels.Runtime.GpuDevice).Assembly,
        typeof(MusicGenre.Nn.ModelFile.GenreModel).Assembly,
        typeof(MusicGenre.Data.FeatureStore.FeatureStoreException).Assembly,
        typeof(MusicGenre.Api.GenreClassifier).Assembly,
    ];

    [Fact]
    public void PublicApiMatchesTheApprovedSnapshot()
    {
        var options = new ApiGeneratorOptions { ExcludeAttributes = ["System.Runtime.Versioning.TargetFrameworkAttribute", "System.Reflection.AssemblyMetadataAttribute"] };
        string actual = string.Join("\n", Assemblies.Select(a => $"// {a.GetName().Name}\n" + a.GeneratePublicApi(options))).Replace("\r\n", "\n");
        string approved = Path.Combine(SharedData.RepoRoot, "tests", "MusicGenre.Pipeline.Tests", "Api", "PublicApi.approved.txt");
        if (Environment.GetEnvironmentVariable("MUSICGENRE_ACCEPT_API") == "1")
            File.WriteAllText(approved, actual);
        Assert.True(File.Exists(approved), $"{approved} is missing; run the test with MUSICGENRE_ACCEPT_API=1 to create it");
        string expected = File.ReadAllText(approved).Replace("\r\n", "\n");
        if (expected != actual)
        {
            // Beside the approved file's bin output (not a temp folder, which is deleted when the test process exits).
            string received = Path.Combine(AppContext.BaseDirectory, "PublicApi.received.txt");
            File.WriteAllText(received, actual);
            var diff = expected.Split('\n').Except(actual.Split('\n')).Take(5).Concat(actual.Split('\n').Except(expected.Split('\n')).Take(5));
            Assert.Fail($"The public API changed. Compare {received} with {approved}; first differing lines:\n{string.Join("\n", diff)}");
        }
    }
}
