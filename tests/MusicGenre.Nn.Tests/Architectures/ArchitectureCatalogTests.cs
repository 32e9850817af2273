using MusicGenre.Nn.Architectures;
using MusicGenre.Nn.Backends;
using MusicGenre.Nn.Initialization;
using MusicGenre.Nn.Tensors;

namespace MusicGenre.Nn.Tests.Architectures;

public sealed class ArchitectureCatalogTests
{
    [Fact]
    public void Lachmish2016_HasTheOriginalShapes()
    {
        var spec = ArchitectureCatalog.Create("lachmish2016");
        var trace = spec.ShapeTrace(599);
        // conv1 SAME keeps 128×599; pool 4 (ceil) → 32×150; pool 2 → 16×75; pool 2 → 8×38; flatten 35·8·38.
        Assert.Equal([1, 128, 599], trace[0]);
        Assert.Equal([149, 128, 599], trace[1]);
        Assert.Equal([149, 32, 150], trace[3]);
        Assert.Equal([73, 16, 75], trace[7]);
        Assert.Equal([35, 8, 38], trace[11]);
        Assert.Equal([35 * 8 * 38], trace[13]);
        Assert.Equal([8192], trace[14]);
        Assert.Equal([10], trace[^1]);
        var names = spec.ParameterSpecs().Select(p => p.ToString()).ToArray();
        Assert.Equal(["conv1.weight [149, 1, 4, 4]", "conv1.bias [149]", "conv2.weight [73, 149, 4, 4]", "conv2.bias [73]",
            "conv3.weight [35, 73, 4, 4]", "conv3.bias [35]", "fc1.weight [8192, 10640]", "fc1.bias [8192]",
            "fc2.weight [10, 8192]", "fc2.bias [10]"], names);
        Assert.Equal(4, spec.Layers.OfType<DropoutSpec>().Count());
        Assert.All(spec.Layers.OfType<DropoutSpec>(), d => Assert.Equal(0.25f, d.P, 6));
        Assert.Throws<ArgumentException>(() => spec.CheckFrames(598));
    }

    [Fact]
    public void Lachmish2016_Variants_TwoChannelsAndDense1024()
    {
        var spec = ArchitectureCatalog.Create("lachmish2016", new Dictionary<string, double> { ["channels"] = 2, ["dense"] = 1024 });
        var p = spec.ParameterSpecs().ToDictionary(t => t.Name, t => t.Shape);
        Assert.Equal([149, 2, 4, 4], p["conv1.weight"]);
        Assert.Equal([1024, 10640], p["fc1.weight"]);
        Assert.Equal([10, 1024], p["fc2.weight"]);
    }

    [Fact]
    public void Default_AcceptsAnyLengthFromTwoSeconds()
    {
        var spec = ArchitectureCatalog.Create("default");
        Assert.True(spec.AcceptsAnyLength);
        Assert.Equal(86, spec.MinFrames); // 2 s at 22050 Hz, hop 512
        foreach (int frames in new[] { 86, 130, 131, 1292 })
            Assert.Equal([10], spec.ShapeTrace(frames)[^1]);
        Assert.Throws<ArgumentException>(() => spec.ShapeTrace(85));
        // BatchNorm follows every conv, so convs have no bias; buffers are the running statistics.
        Assert.DoesNotContain(spec.ParameterSpecs(), t => t.Name.EndsWith("conv.bias"));
        Assert.Equal(8, spec.BufferSpecs().Count);
        Assert.Equal("block4.bn.running_var", spec.BufferSpecs()[^1].Name);
    }

    [Fact]
    public void Create_ListsEveryProblem()
    {
        var e = Assert.Throws<ArgumentException>(() => ArchitectureCatalog.Create("default",
            new Dictionary<string, double> { ["widht"] = 8, ["dropout"] = 1.5 }));
        Assert.Contains("widht", e.Message);
        e = Assert.Throws<ArgumentException>(() => ArchitectureCatalog.Create("default",
            new Dictionary<string, double> { ["width"] = 0, ["dropout"] = 1.5 }));
        Assert.Contains("width", e.Message);
        Assert.Contains("dropout", e.Message);
        e = Assert.Throws<ArgumentException>(() => ArchitectureCatalog.Create("resnet"));
        Assert.Contains("default", e.Message);
    }

    [Theory]
    [InlineData("default", 24)]
    [InlineData("default", 37)]
    [InlineData("lachmish2016", 40)]
    public void BuiltNetwork_MatchesTheDescription(string name, int frames)
    {
        // Small variants so the forward pass is quick; the layer shapes must equal the description's shape trace.
        var hp = name == "default"
            ? new Dictionary<string, double> { ["width"] = 4, ["blocks"] = 3, ["mels"] = 16, ["frames"] = frames, ["min_frames"] = 8, ["classes"] = 5 }
            : new Dictionary<string, double> { ["mels"] = 32, ["frames"] = frames, ["dense"] = 16, ["channels"] = 2, ["classes"] = 5 };
        var spec = ArchitectureCatalog.Create(name, hp);
        using var backend = BackendFactory.Create(DeviceKind.Cpu, new BackendOptions { ThreadCount = 1 });
        var net = GenreNetwork.Build(spec, backend, 1, fuse: false); // one layer per described layer (FusedNetworkTests: fused)
        Assert.Equal(spec.ParameterSpecs().Select(p => p.ToString()), net.Net.Parameters.Select(p => $"{p.Name} [{string.Join(", ", p.Shape.ToArray())}]"));
        Assert.Equal(spec.BufferSpecs().Select(p => p.Name), net.Net.Buffers.Select(b => b.Name));
        var trace = spec.ShapeTrace(frames);
        var shape = new Shape(2, spec.InputChannels, spec.Mels, frames);
        for (int i = 0; i < net.Net.Layers.Count; i++)
        {
            shape = net.Net.Layers[i].OutputShape(shape);
            Assert.Equal([2, .. trace[i + 1]], shape.ToArray());
        }
        net.Initialize(new Rng(3));
        using var x = backend.FromHost(Enumerable.Range(0, 2 * spec.InputChannels * spec.Mels * frames).Select(i => MathF.Sin(i)).ToArray(), new Shape(2, spec.InputChannels, spec.Mels, frames));
        var logits = net.Net.Forward(x, training: false).ToArray();
        Assert.Equal(10, logits.Length);
        Assert.All(logits, v => Assert.True(float.IsFinite(v)));
    }

    [Fact]
    public void Initialize_IsHeForHiddenLayersAndGlorotForTheClassifier()
    {
        var spec = ArchitectureCatalog.Create("lachmish2016", new Dictionary<string, double> { ["mels"] = 32, ["frames"] = 40, ["dense"] = 512 });
        using var backend = BackendFactory.Create(DeviceKind.Cpu, new BackendOptions { ThreadCount = 1 });
        var net = GenreNetwork.Build(spec, backend, 1);
        net.Initialize(new Rng(5));
        var p = net.Net.Parameters.ToDictionary(x => x.Name);
        // He normal: std = sqrt(2 / fan_in); Glorot uniform: std = sqrt(2 / (fan_in + fan_out)); biases 0.
        AssertStd(p["conv2.weight"].Value.ToArray(), Math.Sqrt(2.0 / (149 * 16)));
        AssertStd(p["fc1.weight"].Value.ToArray(), Math.Sqrt(2.0 / (35 * 2 * 3)));
        AssertStd(p["fc2.weight"].Value.ToArray(), Math.Sqrt(2.0 / (512 + 10)));
        Assert.True(p["fc2.weight"].Value.ToArray().Max(Math.Abs) <= Math.Sqrt(6.0 / 522) + 1e-6);
        Assert.All(p["conv1.bias"].Value.ToArray(), v => Assert.Equal(0f, v));

        static void AssertStd(float[] w, double expected)
        {
            double std = Math.Sqrt(w.Sum(v => (double)v * v) / w.Length);
            Assert.InRange(std / expected, 0.93, 1.07);
        }
    }
}
