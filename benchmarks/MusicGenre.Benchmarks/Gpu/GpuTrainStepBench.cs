using BenchmarkDotNet.Attributes;
using MusicGenre.Kernels.Runtime;
using MusicGenre.Nn.Architectures;
using MusicGenre.Nn.Initialization;
using MusicGenre.Nn.Backends;
using MusicGenre.Nn.Backends.Cpu;
using MusicGenre.Nn.Backends.Gpu;
using MusicGenre.Nn.Layers;
using MusicGenre.Nn.Losses;
using MusicGenre.Nn.Optimizers;
using MusicGenre.Nn.Tensors;

namespace MusicGenre.Benchmarks.Gpu;

/// <summary>
/// One SGD training step (forward, loss, backward, update) on the ILGPU backend (everything stays on the device; only
/// labels go up and the loss comes back) against the CPU backend (2 threads), for the reference 3-conv net
/// (Conv 1→32→64→128, 3×3 pad 1, ReLU, MaxPool 2, global average pool, Linear 10; batch 32 × 1 × 128 × 599) and the
/// shipped `default` network (width 8; batch 32 × 1 × 128 × 130; it trains on the GPU backend as on the CPU:
/// GpuArchitectureTests).
/// Samples/s = 32 / mean time. PyTorch 1.13 CPU with 2 threads takes ~1.6 s per step on the 2-core dev machine.
/// Run on a GPU machine: <c>dotnet run -c Release --project benchmarks/MusicGenre.Benchmarks -- --filter '*GpuTrainStepBench*'</c>.
/// </summary>
[Config(typeof(GpuBenchConfig))]
public class GpuTrainStepBench
{
    private const int Batch = 32;
    private GpuDevice _device = null!;
    private readonly Dictionary<string, (IBackend Backend, Sequential Net, Sgd Opt, SoftmaxCrossEntropy Loss, Tensor X)> _runs = [];
    private int[] _labels = null!;

    /// <summary>Network: the reference 3-conv net or `default`.</summary>
    [Params("reference", "default")]
    public string Net { get; set; } = "reference";

    /// <summary>Opens the GPU (or explains why not) and builds the network on both backends from the same seed.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _device = GpuBenchDevice.OpenOrExplain();
        var r = new Random(1);
        int frames = Net == "default" ? 130 : 599;
        float[] x = [.. Enumerable.Range(0, Batch * 128 * frames).Select(_ => (float)r.NextDouble() - 0.5f)];
        _labels = [.. Enumerable.Range(0, Batch).Select(i => i % 10)];
        foreach (var (name, backend) in new (string, IBackend)[] { ("cpu", new CpuBackend(2)), ("gpu", new GpuBackend(_device, ownsDevice: false)) })
        {
            Sequential net;
            if (Net == "default")
            {
                var network = GenreNetwork.Build(ArchitectureCatalog.Create(ArchitectureCatalog.Default, new Dictionary<string, double> { ["frames"] = frames }), backend, 1);
                network.Initialize(new Rng(1));
                net = network.Net;
            }
            else
            {
                net = new Sequential(backend, "ref3", [
                    new Conv2d(backend, "conv1", 1, 32, 3, 3, padding: Padding2d.Symmetric(1)), new Relu(backend, "relu1"), new MaxPool2d(backend, "pool1", 2, 2),
                    new Conv2d(backend, "conv2", 32, 64, 3, 3, padding: Padding2d.Symmetric(1)), new Relu(backend, "relu2"), new MaxPool2d(backend, "pool2", 2, 2),
                    new Conv2d(backend, "conv3", 64, 128, 3, 3, padding: Padding2d.Symmetric(1)), new Relu(backend, "relu3"), new MaxPool2d(backend, "pool3", 2, 2),
                    new GlobalAvgPool2d(backend, "gap"), new Dense(backend, "fc", 128, 10)]);
                var init = new Random(7);
                foreach (var p in net.Parameters)
                    p.Value.CopyFrom([.. Enumerable.Range(0, p.Value.Length).Select(_ => (float)(init.NextDouble() - 0.5) * 0.1f)]);
            }
            _runs[name] = (backend, net, new Sgd(backend, net.Parameters, 0.01f, 0.9f), new SoftmaxCrossEntropy(backend), backend.FromHost(x, new Shape(Batch, 1, 128, frames)));
        }
        Step("gpu");
    }

    /// <summary>CPU backend, 2 threads.</summary>
    [Benchmark(Baseline = true)]
    public float Cpu() => Step("cpu");

    /// <summary>ILGPU backend.</summary>
    [Benchmark]
    public float Gpu() => Step("gpu");

    private float Step(string which)
    {
        var (backend, net, opt, loss, x) = _runs[which];
        float l = loss.Forward(net.Forward(x, training: true), _labels);
        net.Backward(loss.Backward(), needInputGradient: false);
        opt.Step();
        backend.Synchronize();
        return l;
    }

    /// <summary>Releases the backends and the device.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        foreach (var run in _runs.Values) run.Backend.Dispose();
        _device?.Dispose();
    }
}
