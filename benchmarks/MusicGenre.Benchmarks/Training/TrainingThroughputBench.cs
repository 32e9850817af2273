using BenchmarkDotNet.Attributes;
using MusicGenre.Nn.Architectures;
using MusicGenre.Nn.Backends;
using MusicGenre.Nn.Initialization;
using MusicGenre.Nn.Layers;
using MusicGenre.Nn.Losses;
using MusicGenre.Nn.Optimizers;
using MusicGenre.Nn.Tensors;

namespace MusicGenre.Benchmarks.Training;

/// <summary>
/// Training throughput: one SGD step (forward, softmax cross-entropy, backward, update) on a batch of 32, on the CPU
/// backend with 2 threads. Mean is per sample (OperationsPerInvoke = 32), so samples/s = 1 / Mean. Networks:
/// <c>default</c> (32 × 1 × 128 × 130, 3-s segments), <c>lachmish2016</c> (32 × 1 × 128 × 599, dense 8192) and the
/// reference 3-conv net of issue 3 (Conv 1→32→64→128 3×3 pad 1, ReLU, MaxPool 2 each, global average pool, Linear 10;
/// 32 × 1 × 128 × 599). The PyTorch peer <c>torch_peer.py</c> times the same steps; <c>compare_peer.sh</c> runs both.
/// </summary>
[Config(typeof(TrainingBenchConfig))]
public class TrainingThroughputBench
{
    private const int Batch = 32;
    private IBackend _backend = null!;
    private Sequential _net = null!;
    private SoftmaxCrossEntropy _loss = null!;
    private Optimizer _sgd = null!;
    private Tensor _x = null!;
    private int[] _labels = [];

    /// <summary>Network.</summary>
    [ParamsSource(nameof(Nets))]
    public string Net { get; set; } = "default";

    /// <summary>The networks to time: all three, or the comma-separated subset in MUSICGENRE_BENCH_NETS (a lachmish2016 step is slow).</summary>
    public static IEnumerable<string> Nets() =>
        Environment.GetEnvironmentVariable("MUSICGENRE_BENCH_NETS") is { Length: > 0 } subset
            ? subset.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            : ["default", "lachmish2016", "reference"];

    [GlobalSetup]
    public void Setup()
    {
        _backend = BackendFactory.Create(DeviceKind.Cpu, new BackendOptions { ThreadCount = 2 });
        int frames = Net == "default" ? 130 : 599;
        if (Net == "reference") _net = Reference(_backend);
        else
        {
            var network = GenreNetwork.Build(ArchitectureCatalog.Create(Net, new Dictionary<string, double> { ["frames"] = frames }), _backend, 1);
            network.Initialize(new Rng(1));
            _net = network.Net;
        }
        var rng = new Rng(2);
        var x = new float[Batch * 128 * frames];
        for (int i = 0; i < x.Length; i++) x[i] = (float)rng.NextGaussian();
        _x = _backend.FromHost(x, new Shape(Batch, 1, 128, frames));
        _labels = Enumerable.Range(0, Batch).Select(i => i % 10).ToArray();
        _loss = new SoftmaxCrossEntropy(_backend);
        _sgd = new Sgd(_backend, _net.Parameters, learningRate: 0.01f);
        WarmUp();
    }

    /// <summary>
    /// Untimed steps until the JIT has settled: 40 steps or 15 s, whichever comes first. Tiered compilation promotes a
    /// method to optimised code only after ~30 calls, so with a single warm-up `default`'s first timed steps (50 ms
    /// each) ran 2–5× slower than its later ones and dragged the median; a training run of thousands of steps never
    /// sees that code. The slow nets (1–6 s per step) reach 15 s in a few steps, where the loops are already
    /// optimised by on-stack replacement. The PyTorch peer has no JIT and keeps its one warm-up step.
    /// </summary>
    private void WarmUp()
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        for (int i = 0; i < 40 && (i == 0 || clock.Elapsed.TotalSeconds < 15); i++) Step();
    }

    /// <summary>
    /// With MUSICGENRE_BENCH_COOLDOWN=L set (as for torch_peer.py), waits before each iteration until the 1-minute load
    /// average (/proc/loadavg) is below L: a multi-second step then starts on an idle machine, not on the load of the
    /// steps before it. Not part of the measured time.
    /// </summary>
    [IterationSetup]
    public void CoolDown()
    {
        if (!double.TryParse(Environment.GetEnvironmentVariable("MUSICGENRE_BENCH_COOLDOWN"), System.Globalization.CultureInfo.InvariantCulture, out double limit) || limit <= 0)
            return;
        while (File.Exists("/proc/loadavg")
               && double.Parse(File.ReadAllText("/proc/loadavg").Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture) >= limit)
            Thread.Sleep(5000);
    }

    /// <summary>One training step of 32 samples.</summary>
    [Benchmark(OperationsPerInvoke = Batch)]
    public float Step()
    {
        var logits = _net.Forward(_x, training: true);
        float loss = _loss.Forward(logits, _labels);
        _net.Backward(_loss.Backward(), needInputGradient: false);
        _sgd.Step();
        return loss;
    }

    [GlobalCleanup]
    public void Cleanup() => _backend.Dispose();

    /// <summary>The reference 3-conv net, He-initialised.</summary>
    private static Sequential Reference(IBackend b)
    {
        var layers = new List<Layer>();
        int inC = 1, i = 0;
        foreach (int outC in new[] { 32, 64, 128 })
        {
            i++;
            layers.Add(new Conv2d(b, $"conv{i}", inC, outC, 3, 3, padding: Padding2d.Symmetric(1)));
            layers.Add(new Relu(b, $"relu{i}"));
            layers.Add(new MaxPool2d(b, $"pool{i}", 2, 2));
            inC = outC;
        }
        layers.Add(new GlobalAvgPool2d(b, "gap"));
        layers.Add(new Dense(b, "fc", 128, 10));
        var net = new Sequential(b, "reference", layers);
        Init.Network(net, new Rng(1));
        return net;
    }
}
