using System.Globalization;
using YamlDotNet.RepresentationModel;

namespace MusicGenre.Cli.Tests.Kubernetes;

/// <summary>
/// <c>examples/k8s/preprocess-job.yaml</c> (no cluster here): an Indexed Job whose pods each run a command line this CLI
/// accepts, with the pod's index as the shard and the completion count as the shard count.
/// </summary>
public sealed class IndexedJobManifestTests
{
    private static readonly string Manifest = Path.Combine(SharedData.RepoRoot, "examples", "k8s", "preprocess-job.yaml");

    [Fact]
    public void EveryPodRunsAValidPreprocessOfItsOwnShard()
    {
        // 1. The Job: indexed, N completions, pods not restarted in place (a failed index gets a new pod that resumes).
        var yaml = new YamlStream();
        using (var reader = new StreamReader(Manifest)) yaml.Load(reader);
        var job = (YamlMappingNode)yaml.Documents.Single().RootNode;
        Assert.Equal("batch/v1", Scalar(job, "apiVersion"));
        Assert.Equal("Job", Scalar(job, "kind"));
        var spec = Map(job, "spec");
        Assert.Equal("Indexed", Scalar(spec, "completionMode"));
        int completions = int.Parse(Scalar(spec, "completions"), CultureInfo.InvariantCulture);
        Assert.True(completions > 1);
        var pod = Map(Map(spec, "template"), "spec");
        Assert.Contains(Scalar(pod, "restartPolicy"), new[] { "Never", "OnFailure" });

        // 2. The container declares JOB_COMPLETION_INDEX from the Job controller's annotation, so $(...) expands in args.
        var container = (YamlMappingNode)((YamlSequenceNode)pod.Children[new YamlScalarNode("containers")]).Children.Single();
        var env = ((YamlSequenceNode)container.Children[new YamlScalarNode("env")]).Children.Cast<YamlMappingNode>()
            .Single(e => Scalar(e, "name") == "JOB_COMPLETION_INDEX");
        Assert.Equal("metadata.annotations['batch.kubernetes.io/job-completion-index']", Scalar(Map(Map(env, "valueFrom"), "fieldRef"), "fieldPath"));

        // 3. command + args, as Kubernetes expands them for each index, parse as a valid `musicgenre preprocess`.
        var command = Strings(container, "command");
        Assert.Equal(["musicgenre"], command);
        var args = Strings(container, "args");
        Assert.Equal("preprocess", args[0]);
        Assert.Equal($"$(JOB_COMPLETION_INDEX)/{completions}", args[args.IndexOf("--shard") + 1]);
        Assert.Contains("$(JOB_COMPLETION_INDEX)", args[args.IndexOf("--out") + 1]);
        string cpus = Scalar(Map(Map(container, "resources"), "requests"), "cpu");
        Assert.Equal(cpus, args[args.IndexOf("--threads") + 1]);
        var outputs = new HashSet<string>();
        foreach (int index in new[] { 0, 1, completions - 1 })
        {
            var expanded = args.Select(a => a.Replace("$(JOB_COMPLETION_INDEX)", index.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)).ToArray();
            var parse = CliApp.BuildRoot().Parse(expanded);
            Assert.True(parse.Errors.Count == 0, string.Join("; ", parse.Errors.Select(e => e.Message)));
            Assert.Equal("preprocess", parse.CommandResult.Command.Name);
            Assert.Equal($"{index}/{completions}", expanded[Array.IndexOf(expanded, "--shard") + 1]);
            Assert.True(outputs.Add(expanded[Array.IndexOf(expanded, "--out") + 1]), "two pods would write the same store");
        }
    }

    private static YamlMappingNode Map(YamlMappingNode node, string key) => (YamlMappingNode)node.Children[new YamlScalarNode(key)];

    private static string Scalar(YamlMappingNode node, string key) => ((YamlScalarNode)node.Children[new YamlScalarNode(key)]).Value!;

    private static List<string> Strings(YamlMappingNode node, string key) =>
        ((YamlSequenceNode)node.Children[new YamlScalarNode(key)]).Children.Select(c => ((YamlScalarNode)c).Value!).ToList();
}
