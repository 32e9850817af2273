using MusicGenre.Nn.Backends;
using MusicGenre.Nn.Layers;
using MusicGenre.Nn.Losses;
using MusicGenre.Nn.Optimizers;
using MusicGenre.Nn.Tensors;
using Xunit.Sdk;

namespace MusicGenre.Nn.Tests.Golden;

/// <summary>
/// PyTorch 1.13 exactness (../shared/golden/torch-cnn.h5, tolerances from its README) for every network group in the
/// file, on the backend a subclass supplies: logits, loss, every activation and activation gradient, every parameter
/// gradient, dx, BatchNorm batch and running statistics, and 5 Adam / AdamW steps (losses, parameters after steps 1 and
/// 5, moments, running stats, eval-mode logits). Each check compares every tensor and reports the worst element of each
/// failing one.
/// </summary>
public abstract class TorchGoldenTests
{
    private const double ActAtol = 1e-5, ActRtol = 1e-4;     // logits, loss, acts/
    private const double GradAtol = 1e-5, GradRtol = 1e-3;   // grads/, act_grads/, dx
    private const double StepAtol = 1e-6, StepRtol = 1e-4;   // step1/, step5/, exp_avg*/, losses

    /// <summary>The backend under test (disposed by the test).</summary>
    private protected abstract IBackend CreateBackend();

    /// <summary>Every group of torch-cnn.h5 that holds a network (has <c>params/</c>).</summary>
    public static IEnumerable<object[]> Groups()
    {
        string path = Path.Combine(SharedData.GoldenDir, "torch-cnn.h5");
        if (!File.Exists(path)) return [["small"], ["seed_arch"]]; // the theory is skipped (or fails under CI)
        using var h5 = new H5Golden(path);
        return h5.Children("/").Where(g => h5.Exists($"/{g}/params")).Select(g => new object[] { g }).ToArray();
    }

    [SharedTheory, MemberData(nameof(Groups), MemberType = typeof(TorchGoldenTests))]
    public void ForwardAndBackwardMatchPyTorch(string group)
    {
        using var h5 = Open();
        using var backend = CreateBackend();
        var net = GoldenNetwork.Build(h5, group, backend);
        var check = new Checker();
        var x = Input(h5, group, backend);
        int[] y = Labels(h5, group);

        // 1. Train-mode forward: every activation, logits and loss.
        var acts = new Dictionary<string, float[]>();
        var logits = net.Forward(x, training: true, (l, t) => acts[GoldenNetwork.ActName(net, l)] = t.ToArray());
        var ce = new SoftmaxCrossEntropy(backend);
        float loss = ce.Forward(logits, y);
        foreach (string name in h5.Children($"/{group}/acts"))
        {
            if (acts.TryGetValue(name, out var a)) check.Tensor(h5, $"/{group}/acts/{name}", a, ActAtol, ActRtol);
            else check.Fail($"acts/{name}: no layer of the network produced it (layers: {string.Join(", ", acts.Keys)})");
        }
        check.Tensor(h5, $"/{group}/logits", logits.ToArray(), ActAtol, ActRtol);
        check.Tensor(h5, $"/{group}/loss", [loss], ActAtol, ActRtol);

        // 2. Backward: every activation gradient, parameter gradient and dx.
        var actGrads = new Dictionary<string, float[]>();
        var dx = net.Backward(ce.Backward(), needInputGradient: true, (l, t) => actGrads[GoldenNetwork.ActName(net, l)] = t.ToArray());
        foreach (string name in h5.Children($"/{group}/act_grads"))
        {
            if (actGrads.TryGetValue(name, out var g)) check.Tensor(h5, $"/{group}/act_grads/{name}", g, GradAtol, GradRtol);
            else check.Fail($"act_grads/{name}: no layer of the network produced it");
        }
        foreach (var p in net.Parameters) check.Tensor(h5, $"/{group}/grads/{p.Name}", p.Grad.ToArray(), GradAtol, GradRtol);
        Assert.Equal(h5.Children($"/{group}/grads").Count(), net.Parameters.Count);
        check.Tensor(h5, $"/{group}/dx", dx!.ToArray(), GradAtol, GradRtol);

        // 3. BatchNorm: batch statistics of this forward and the running statistics it left.
        foreach (var bn in net.Layers.OfType<BatchNorm2d>())
        {
            string stats = $"/{group}/bn_batch_stats/{bn.Name}";
            if (h5.Exists(stats + ".mean")) check.Tensor(h5, stats + ".mean", bn.BatchMean.ToArray(), ActAtol, ActRtol);
            if (h5.Exists(stats + ".var_biased"))
            {
                var inv = bn.BatchInvStd.ToArray();
                check.Tensor(h5, stats + ".var_biased", inv.Select(v => (float)(1.0 / ((double)v * v) - bn.Eps)).ToArray(), ActAtol, ActRtol);
            }
            CheckBuffers(h5, $"/{group}/buffers_after_forward", bn, check);
        }
        check.ThrowIfAny(group);
    }

    [SharedTheory, MemberData(nameof(OptimizerCases), MemberType = typeof(TorchGoldenTests))]
    public void FiveOptimizerStepsMatchPyTorch(string group, string optimizer)
    {
        using var h5 = Open();
        string root = $"/{group}/{optimizer}";
        if (!h5.Exists(root)) return; // this group has no such run in this file
        using var backend = CreateBackend();
        var net = GoldenNetwork.Build(h5, group, backend);
        var opt = optimizer == "adamw" ? Adam.AdamW(backend, net.Parameters, 1e-3f, 0.9f, 0.999f, 1e-8f, 0.01f)
            : new Adam(backend, net.Parameters, 1e-3f, 0.9f, 0.999f, 1e-8f);
        var ce = new SoftmaxCrossEntropy(backend);
        var check = new Checker();
        var x = Input(h5, group, backend);
        int[] y = Labels(h5, group);

        // 1. Five steps of forward (train) → loss → backward → step.
        var losses = new float[h5.Float(root + "/losses").Data.Length];
        for (int t = 0; t < losses.Length; t++)
        {
            losses[t] = ce.Forward(net.Forward(x, training: true), y);
            net.Backward(ce.Backward(), needInputGradient: false);
            opt.Step();
            if (t == 0) CheckParams(h5, root + "/step1", net, check);
        }
        check.Tensor(h5, root + "/losses", losses, StepAtol, StepRtol);
        CheckParams(h5, root + "/step5", net, check);

        // 2. Moments after step 5, running statistics, eval-mode logits.
        for (int i = 0; i < net.Parameters.Count; i++)
        {
            string name = net.Parameters[i].Name;
            check.Tensor(h5, $"{root}/exp_avg/{name}", opt.ExpAvg(i).Value.ToArray(), StepAtol, StepRtol);
            check.Tensor(h5, $"{root}/exp_avg_sq/{name}", opt.ExpAvgSq(i).Value.ToArray(), StepAtol, StepRtol);
        }
        foreach (var bn in net.Layers.OfType<BatchNorm2d>()) CheckBuffers(h5, root + "/buffers_step5", bn, check);
        if (h5.Exists(root + "/eval_logits"))
            check.Tensor(h5, root + "/eval_logits", net.Forward(x, training: false).ToArray(), ActAtol, ActRtol);
        check.ThrowIfAny($"{group}/{optimizer}");
    }

    /// <summary>(group, optimizer) pairs for every network group and both optimizers.</summary>
    public static IEnumerable<object[]> OptimizerCases() =>
        Groups().SelectMany(g => new[] { new[] { g[0], "adam" }, new[] { g[0], "adamw" } });

    private static H5Golden Open() => new(SharedData.Golden("torch-cnn.h5"));

    private static Tensor Input(H5Golden h5, string group, IBackend backend)
    {
        var (data, shape) = h5.Float($"/{group}/x");
        return backend.FromHost(data, new Shape(shape));
    }

    private static int[] Labels(H5Golden h5, string group) => h5.Long($"/{group}/y").Select(v => checked((int)v)).ToArray();

    private static void CheckParams(H5Golden h5, string path, Sequential net, Checker check)
    {
        foreach (var p in net.Parameters) check.Tensor(h5, $"{path}/{p.Name}", p.Value.ToArray(), StepAtol, StepRtol);
    }

    private static void CheckBuffers(H5Golden h5, string path, BatchNorm2d bn, Checker check)
    {
        if (!h5.Exists(path)) return;
        check.Tensor(h5, $"{path}/{bn.Name}.running_mean", bn.RunningMean.ToArray(), StepAtol, StepRtol);
        check.Tensor(h5, $"{path}/{bn.Name}.running_var", bn.RunningVar.ToArray(), StepAtol, StepRtol);
        if (h5.Exists($"{path}/{bn.Name}.num_batches_tracked"))
        {
            long expected = h5.Long($"{path}/{bn.Name}.num_batches_tracked")[0];
            if (expected != bn.NumBatchesTracked) check.Fail($"{path}/{bn.Name}.num_batches_tracked: {bn.NumBatchesTracked}, expected {expected}");
        }
    }

    /// <summary>Collects one line per failing tensor so a run shows every mismatch, not just the first.</summary>
    private sealed class Checker
    {
        private readonly List<string> _failures = [];
        private int _checked;

        public void Tensor(H5Golden h5, string dataset, float[] actual, double atol, double rtol)
        {
            _checked++;
            try { Close.Assert(h5.Float(dataset).Data, actual, atol, rtol, dataset); }
            catch (XunitException e) { _failures.Add(e.Message); }
        }

        public void Fail(string message) => _failures.Add(message);

        public void ThrowIfAny(string what)
        {
            Assert.True(_checked > 0, $"{what}: nothing was compared");
            if (_failures.Count > 0)
                throw new XunitException($"{what}: {_failures.Count} of {_checked} tensors differ from PyTorch:\n" + string.Join("\n", _failures));
        }
    }
}
