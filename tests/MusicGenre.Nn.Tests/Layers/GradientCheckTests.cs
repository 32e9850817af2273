using MusicGenre.Nn.Backends;
using MusicGenre.Nn.Backends.Cpu;
using MusicGenre.Nn.Layers;
using MusicGenre.Nn.Losses;
using MusicGenre.Nn.Tensors;

namespace MusicGenre.Nn.Tests.Layers;

/// <summary>
/// Finite-difference gradient checks for every layer: with a fixed random projection r, L(x) = Σ y(x)·r (accumulated
/// in double) has dL/dy = r, so Backward(r) must equal the central differences (L(x + h) − L(x − h)) / 2h of the input
/// and of every parameter. Inputs are spread out so ±h never crosses a ReLU kink or changes a max-pool winner.
/// </summary>
public sealed class GradientCheckTests
{
    private const float H = 1e-2f;

    public static TheoryData<string> LayerKinds() => new()
    {
        "conv", "conv-same-nobias", "conv-stride2", "maxpool-ceil", "maxpool-overlap", "batchnorm", "relu", "dropout",
        "gap", "gmp", "flatten-dense", "dense",
    };

    [Theory, MemberData(nameof(LayerKinds))]
    public void BackwardMatchesFiniteDifferences(string kind)
    {
        using var cpu = new CpuBackend(2);
        var (layer, inShape) = Make(cpu, kind);
        var rng = new System.Random(kind.GetHashCode(StringComparison.Ordinal) & 0xffff);
        // Distinct, well-separated inputs: a shuffled ramp (gaps of 0.05 > 2h) plus small noise; no value near 0.
        var x = Ramp(inShape.Length, rng);
        foreach (var p in layer.Parameters)
        {
            var v = Reference.Random(rng.Next(), p.Value.Length, 0.5f);
            if (p.Name.EndsWith("bn.weight", StringComparison.Ordinal)) for (int i = 0; i < v.Length; i++) v[i] += 1.5f;
            p.Value.CopyFrom(v);
        }
        var xt = cpu.FromHost(x, inShape);
        var outShape = layer.OutputShape(inShape);
        var r = Reference.Random(rng.Next(), outShape.Length);

        double Loss()
        {
            if (layer is Dropout d) d.CallCount = 0; // the same mask for every evaluation
            var y = layer.Forward(xt, training: true).ToArray();
            double s = 0;
            for (int i = 0; i < y.Length; i++) s += (double)y[i] * r[i];
            return s;
        }

        // 1. Analytic gradients.
        Loss();
        var dx = layer.Backward(cpu.FromHost(r, outShape), needInputGradient: true)!.ToArray();
        var grads = layer.Parameters.Select(p => p.Grad.ToArray()).ToArray();

        // 2. Central differences w.r.t. every input and parameter element.
        Compare(dx, xt, Loss, "dx");
        for (int k = 0; k < grads.Length; k++) Compare(grads[k], layer.Parameters[k].Value, Loss, "d" + layer.Parameters[k].Name);
    }

    [Fact]
    public void SoftmaxCrossEntropyGradientMatchesFiniteDifferences()
    {
        using var cpu = new CpuBackend(1);
        var logits = cpu.FromHost(Reference.Random(3, 3 * 7, 2f), new Shape(3, 7));
        int[] labels = [4, 0, 6];
        var ce = new SoftmaxCrossEntropy(cpu);
        ce.Forward(logits, labels);
        var d = ce.Backward().ToArray();
        Compare(d, logits, () => ce.Forward(logits, labels), "dlogits", h: 1e-3f);
    }

    private static void Compare(float[] analytic, Tensor t, Func<double> loss, string name, float h = H)
    {
        var v = t.ToArray();
        var numeric = new double[v.Length];
        for (int i = 0; i < v.Length; i++)
        {
            float keep = v[i];
            v[i] = keep + h; t.CopyFrom(v); double up = loss();
            v[i] = keep - h; t.CopyFrom(v); double down = loss();
            v[i] = keep; t.CopyFrom(v);
            numeric[i] = (up - down) / (2.0 * h);
        }
        loss();
        Close.Assert(numeric, analytic.Select(a => (double)a).ToArray(), 2e-3 * Math.Max(1, Reference.MaxAbs(numeric)), 1e-2, name);
    }

    private static float[] Ramp(int n, System.Random rng)
    {
        var a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (i - n / 2 + 0.5f) * 0.05f + (float)(rng.NextDouble() * 0.01);
        for (int i = n - 1; i > 0; i--) { int j = rng.Next(i + 1); (a[i], a[j]) = (a[j], a[i]); }
        for (int i = 0; i < n; i++) if (Math.Abs(a[i]) < 0.02f) a[i] += 0.03f;
        return a;
    }

    private static (Layer, Shape) Make(IBackend b, string kind) => kind switch
    {
        "conv" => (new Conv2d(b, "conv", 3, 5, 3, 3, padding: Padding2d.Symmetric(1)), new Shape(2, 3, 5, 4)),
        "conv-same-nobias" => (new Conv2d(b, "conv", 2, 3, 4, 4, padding: Padding2d.Same, bias: false), new Shape(1, 2, 5, 6)),
        "conv-stride2" => (new Conv2d(b, "conv", 2, 3, 3, 2, 2, 2, Padding2d.Symmetric(1)), new Shape(2, 2, 5, 5)),
        "maxpool-ceil" => (new MaxPool2d(b, "pool", 2, 2, ceilMode: true), new Shape(2, 3, 5, 7)),
        "maxpool-overlap" => (new MaxPool2d(b, "pool", 3, 3, 2, 2), new Shape(1, 2, 7, 7)),
        "batchnorm" => (new BatchNorm2d(b, "bn", 3), new Shape(2, 3, 3, 4)),
        "relu" => (new Relu(b, "relu"), new Shape(2, 3, 4, 5)),
        "dropout" => (new Dropout(b, "drop", 0.75f, 42), new Shape(2, 3, 4, 5)),
        "gap" => (new GlobalAvgPool2d(b, "gap"), new Shape(2, 3, 4, 5)),
        "gmp" => (new GlobalMaxPool2d(b, "gmp"), new Shape(2, 3, 4, 5)),
        "flatten-dense" => (new Sequential(b, "seq", [new Flatten(b, "flat"), new Dense(b, "fc", 24, 5)]), new Shape(2, 2, 3, 4)),
        "dense" => (new Dense(b, "fc", 13, 7), new Shape(3, 13)),
        _ => throw new ArgumentException(kind),
    };
}
