using MusicGenre.Nn.Architectures;
using MusicGenre.Nn.Backends;
using MusicGenre.Nn.Backends.Cpu;
using MusicGenre.Nn.Initialization;
using MusicGenre.Nn.Losses;
using MusicGenre.Nn.Optimizers;
using MusicGenre.Nn.Tensors;

namespace MusicGenre.Nn.Tests.Layers;

/// <summary>
/// Views of a larger storage (<see cref="Tensor.View"/>, <see cref="Tensor.Fit"/>): what a holder of a tensor whose
/// shape changes (random crop lengths, an epoch's last batch, validation) keeps, and that every operation reads and
/// writes a view's elements only, whatever the rest of the storage holds.
/// </summary>
public sealed class TensorViewTests
{
    [Fact]
    public void Fit_ReturnsViewsOfOneStorage_AndAllocatesOnlyToGrow()
    {
        using var cpu = new CpuBackend(1);
        Tensor? held = null;
        var a = Tensor.Fit(cpu, ref held, new Shape(2, 3, 4));
        Assert.Same(a, held);
        Assert.Same(a, a.Storage);
        a.CopyFrom([.. Enumerable.Range(0, 24).Select(i => (float)i)]);
        Assert.Same(a, Tensor.Fit(cpu, ref held, new Shape(2, 3, 4)));

        // A smaller shape: a view of the first 15 elements, as the new shape lays them out.
        var b = Tensor.Fit(cpu, ref held, new Shape(5, 3));
        Assert.NotSame(a, b);
        Assert.Same(a, b.Storage);
        Assert.Equal((15, 24), (b.Length, b.Capacity));
        Assert.Equal([.. Enumerable.Range(0, 15).Select(i => (float)i)], b.ToArray());
        cpu.Fill(b, -1f);
        Assert.Equal([.. Enumerable.Repeat(-1f, 15), .. Enumerable.Range(15, 9).Select(i => (float)i)], a.ToArray());
        Assert.Throws<ArgumentException>(() => b.CopyFrom(new float[24]));
        var r = b.Reshape(new Shape(15));
        Assert.Same(a, r.Storage);
        r.Dispose(); b.Dispose();
        Assert.Equal((24, 24), (cpu.LiveFloats, cpu.AllocatedFloats)); // views free nothing

        // A larger shape: a new zeroed storage; the old one is disposed first, so the peak is the larger alone.
        var c = Tensor.Fit(cpu, ref held, new Shape(5, 6));
        Assert.Same(c, c.Storage);
        Assert.All(c.ToArray(), v => Assert.Equal(0f, v));
        Assert.Equal((30L, 54L, 30L), (cpu.LiveFloats, cpu.AllocatedFloats, cpu.PeakLiveFloats));
        c.Dispose(); c.Dispose();
        Assert.Equal(0, cpu.LiveFloats);

        var e = Assert.Throws<ArgumentException>(() => a.View(new Shape(5, 5)));
        Assert.Contains("Cannot view [5,5] (25 elements) in the storage of [2,3,4] (24 elements)", e.Message);
        Assert.Throws<ArgumentException>(() => a.View(new Shape(3, 5)).Reshape(new Shape(16)));

        // Release frees the storage behind a view (disposing the view alone frees nothing) and empties the slot.
        Tensor.Fit(cpu, ref held, new Shape(6));
        var view = Tensor.Fit(cpu, ref held, new Shape(2));
        Assert.NotSame(view, view.Storage);
        Tensor.Release(ref held);
        Assert.Null(held);
        Assert.Equal(0, cpu.LiveFloats);

        // A storage that cannot be allocated (more elements than an array may hold) leaves the slot empty, not holding
        // the tensor whose storage it gave up, which a later smaller Fit would otherwise view.
        Tensor.Fit(cpu, ref held, new Shape(4));
        Assert.Throws<OutOfMemoryException>(() => Tensor.Fit(cpu, ref held, new Shape(int.MaxValue)));
        Assert.Null(held);
        Assert.Equal(0, cpu.LiveFloats);
    }

    [Fact]
    public void OperationsOnAViewIgnoreTheRestOfTheStorage()
    {
        using var cpu = new CpuBackend(2);
        ViewChecks.ElementwiseAndReductions(cpu);
    }

    public static TheoryData<string> Networks => [ArchitectureCatalog.Default, ArchitectureCatalog.Lachmish2016];

    [Theory]
    [MemberData(nameof(Networks))]
    public void TrainingOnViewsOfPoisonedStorage_IsBitIdenticalToFreshTensors(string name)
    {
        using var cpu = new CpuBackend(2);
        var (fresh, poisoned) = ViewChecks.TrainFreshAndPoisoned(cpu, name);
        Assert.All(poisoned.Losses, l => Assert.True(float.IsFinite(l), $"loss {l}"));
        Assert.Equal(fresh.Losses, poisoned.Losses);
        for (int i = 0; i < fresh.State.Length; i++) Assert.Equal(fresh.State[i], poisoned.State[i]);
    }
}

/// <summary>The view checks every backend runs (the GPU tests call them on ILGPU).</summary>
internal static class ViewChecks
{
    /// <summary>
    /// Elementwise operations and reductions on views whose storage holds NaN past the view: results as on tensors of
    /// exactly the view's size, and the storage past the view untouched.
    /// </summary>
    public static void ElementwiseAndReductions(IBackend backend)
    {
        var rng = new Rng(3);
        float[] values = [.. Enumerable.Range(0, 21).Select(_ => (float)rng.NextGaussian())];
        var shape = new Shape(3, 7);
        using var bigX = backend.FromHost([.. Enumerable.Repeat(float.NaN, 40)], new Shape(40));
        using var bigY = backend.FromHost([.. Enumerable.Repeat(float.NaN, 33)], new Shape(33));
        var x = bigX.View(shape); var y = bigY.View(shape);
        x.CopyFrom(values);
        backend.ReluForward(x, y);
        Assert.Equal(values.Select(v => Math.Max(v, 0f)), y.ToArray());
        Assert.Equal(values.Sum(v => (double)v * v), backend.SumOfSquares(x), 5);
        backend.Scale(y, 2f);
        backend.Copy(y, x);
        Assert.Equal(values.Select(v => 2 * Math.Max(v, 0f)), x.ToArray());
        using var probs = backend.Allocate(shape);
        backend.Softmax(x, probs);
        Assert.All(probs.ToArray(), p => Assert.True(p > 0 && p < 1));
        backend.Synchronize();
        Assert.All(bigX.ToArray()[21..], v => Assert.True(float.IsNaN(v)));
        Assert.All(bigY.ToArray()[21..], v => Assert.True(float.IsNaN(v)));
    }

    /// <summary>
    /// Trains one network three SGD steps on batches of changing shapes (odd widths, a smaller batch), twice: once
    /// fresh, once after training passes on a larger batch left every layer's storage full of NaN (a NaN gradient, then
    /// a NaN input; weights, statistics and dropout counters restored before the steps). Every layer then computes on views of
    /// poisoned storage: a kernel that read a stale element would turn the losses or the weights into NaN or change them.
    /// </summary>
    public static ((float[] Losses, float[][] State) Fresh, (float[] Losses, float[][] State) Poisoned) TrainFreshAndPoisoned(IBackend backend, string name)
    {
        var spec = name == ArchitectureCatalog.Default
            ? ArchitectureCatalog.Create(name, new Dictionary<string, double>
            {
                ["width"] = 4, ["blocks"] = 3, ["mels"] = 16, ["frames"] = 21, ["min_frames"] = 8, ["classes"] = 5, ["dropout"] = 0.25,
            })
            : ArchitectureCatalog.Create(name, new Dictionary<string, double> { ["mels"] = 16, ["frames"] = 24, ["dense"] = 8, ["classes"] = 5 });
        (int N, int W)[] steps = spec.AcceptsAnyLength ? [(4, 17), (3, 21), (4, 13)] : [(4, spec.Frames), (3, spec.Frames), (4, spec.Frames)];

        (float[] Losses, float[][] State) Train(bool poison)
        {
            var network = GenreNetwork.Build(spec, backend, dropoutSeed: 9);
            network.Initialize(new Rng(1));
            if (poison)
            {
                var parameters = network.ExportParameters();
                var buffers = network.ExportBuffers();
                // A NaN gradient after a finite forward fills the gradients (ReLU passes it where its output is positive;
                // a NaN output would stop it); a NaN forward then fills the outputs.
                var shape = new Shape(6, 1, spec.Mels, spec.Frames);
                var noise = new Rng(7);
                using var finite = backend.FromHost([.. Enumerable.Range(0, shape.Length).Select(_ => (float)noise.NextGaussian())], shape);
                var logits = network.Net.Forward(finite, training: true);
                using var dy = backend.FromHost([.. Enumerable.Repeat(float.NaN, logits.Length)], logits.Shape);
                network.Net.Backward(dy, needInputGradient: false);
                using var nan = backend.FromHost([.. Enumerable.Repeat(float.NaN, shape.Length)], shape);
                network.Net.Forward(nan, training: true);
                GenreNetwork.Restore(network.Net.Parameters.Select(p => (p.Name, p.Value)), parameters, "parameters");
                GenreNetwork.Restore(network.Net.Buffers.Select(b => (b.Name, b.Value)), buffers, "buffers");
                foreach (var d in network.Dropouts) d.CallCount = 0;
                foreach (var b in network.BatchNorms) b.NumBatchesTracked = 0;
            }
            var loss = new SoftmaxCrossEntropy(backend);
            var sgd = new Sgd(backend, network.Net.Parameters, learningRate: 0.05f, momentum: 0.9f);
            var rng = new Rng(5);
            var losses = new List<float>();
            foreach (var (n, w) in steps)
            {
                var shape = new Shape(n, 1, spec.Mels, w);
                using var x = backend.FromHost([.. Enumerable.Range(0, shape.Length).Select(_ => (float)rng.NextGaussian())], shape);
                int[] labels = [.. Enumerable.Range(0, n).Select(i => (i * 3 + 1) % spec.Classes)];
                losses.Add(loss.Forward(network.Net.Forward(x, training: true), labels));
                network.Net.Backward(loss.Backward(), needInputGradient: false);
                sgd.Step();
            }
            backend.Synchronize();
            return ([.. losses], [.. network.Net.Parameters.Select(p => p.Value.ToArray()), .. network.Net.Buffers.Select(b => b.Value.ToArray())]);
        }

        return (Train(poison: false), Train(poison: true));
    }
}
