using MusicGenre.Nn.Backends;
using MusicGenre.Nn.Initialization;
using MusicGenre.Nn.Losses;
using MusicGenre.Nn.Tensors;
using MusicGenre.Nn.Training;

namespace MusicGenre.Nn.Tests.Training;

public sealed class SoftTargetCrossEntropyTests
{
    [Fact]
    public void OneHotTargets_GiveTheHardLabelLossAndGradient()
    {
        using var backend = BackendFactory.Create(DeviceKind.Cpu, new BackendOptions { ThreadCount = 1 });
        var rng = new Rng(4);
        int n = 5, k = 7;
        var logits = Enumerable.Range(0, n * k).Select(_ => (float)(3 * rng.NextGaussian())).ToArray();
        var labels = Enumerable.Range(0, n).Select(i => (i * 3) % k).ToArray();
        var onehot = new float[n * k];
        for (int i = 0; i < n; i++) onehot[i * k + labels[i]] = 1;
        using var x = backend.FromHost(logits, new Shape(n, k));
        var hard = new SoftmaxCrossEntropy(backend);
        var soft = new SoftTargetCrossEntropy(backend);
        Assert.Equal(hard.Forward(x, labels), soft.Forward(x, onehot), 5);
        Close.Assert(hard.Backward().ToArray(), soft.Backward().ToArray(), 1e-7, 1e-5, "dlogits");
    }

    [Fact]
    public void Gradient_MatchesFiniteDifferences()
    {
        using var backend = BackendFactory.Create(DeviceKind.Cpu, new BackendOptions { ThreadCount = 1 });
        var rng = new Rng(8);
        int n = 3, k = 4;
        var logits = Enumerable.Range(0, n * k).Select(_ => (float)rng.NextGaussian()).ToArray();
        var targets = new float[n * k];
        for (int i = 0; i < n; i++) { targets[i * k + i] = 0.7f; targets[i * k + (i + 1) % k] = 0.3f; }
        var loss = new SoftTargetCrossEntropy(backend);
        using var x = backend.FromHost(logits, new Shape(n, k));
        loss.Forward(x, targets);
        var grad = loss.Backward().ToArray();
        var numeric = new float[n * k];
        const float h = 1e-2f;
        for (int i = 0; i < n * k; i++)
        {
            var plus = (float[])logits.Clone(); plus[i] += h;
            var minus = (float[])logits.Clone(); minus[i] -= h;
            using var xp = backend.FromHost(plus, new Shape(n, k));
            using var xm = backend.FromHost(minus, new Shape(n, k));
            numeric[i] = (loss.Forward(xp, targets) - loss.Forward(xm, targets)) / (2 * h);
        }
        Close.Assert(numeric, grad, 2e-4, 1e-2, "dloss/dlogits vs central differences");
    }
}
