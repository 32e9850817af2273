using System.Globalization;
using System.Numerics;
using MusicGenre.Nn.Architectures;
using MusicGenre.Nn.Backends;
using MusicGenre.Nn.Backends.Cpu;
using MusicGenre.Nn.Layers;

namespace MusicGenre.Nn.Training;

/// <summary>
/// The peak memory of a training run on the CPU backend, estimated from the architecture, the batch shapes and the data
/// before anything is allocated, in bytes by kind. <see cref="Check"/> refuses a run whose estimate exceeds the memory
/// the process may use, naming the estimate, the limit and a batch size or width that would fit.
/// </summary>
/// <remarks>
/// The tensors (<see cref="BackendTensors"/>) follow what the layers, the optimizer, the loss and the trainer allocate
/// on the backend: each holder of a tensor whose shape varies (random crops, an epoch's last batch, validation) keeps
/// one storage of its largest shape, so the estimate is the peak the backend's live tensors reach once the run has seen
/// its largest batch at full length (exact then; an upper bound before). The rest follows the
/// convolutions' pooled buffers (<see cref="CpuBackend.ConvWorkspace"/>, kept by <see cref="System.Buffers.ArrayPool{T}.Shared"/>
/// once rented), the data and the host copies of the weights. It is resident memory, what the machine must hold: a
/// pooled array counts for the part of it in use (a GC heap hard limit counts its whole power-of-two length). Not
/// counted: the runtime itself and garbage the GC has not yet collected.
/// </remarks>
internal sealed record TrainingMemory
{
    /// <summary>Parameters, their gradients and the BatchNorm statistics (running and per batch).</summary>
    public long Weights { get; init; }

    /// <summary>The optimizer's moments (Adam, AdamW) or momentum buffers (SGD).</summary>
    public long OptimizerState { get; init; }

    /// <summary>Layer outputs, gradients and masks for every batch shape the run uses, the input tensors and the loss's.</summary>
    public long Activations { get; init; }

    /// <summary>Convolution buffers (pooled, so kept between steps) and the worker threads' scratch.</summary>
    public long Workspace { get; init; }

    /// <summary>The training data, the batch buffers and the host copies of the weights (best epoch, checkpoint).</summary>
    public long Host { get; init; }

    /// <summary>The largest batch of the run (the batch size, or fewer when there are fewer training segments).</summary>
    public int BatchSize { get; init; }

    /// <summary>Everything allocated on the backend: <see cref="Weights"/> + <see cref="OptimizerState"/> + <see cref="Activations"/>.</summary>
    public long BackendTensors => Weights + OptimizerState + Activations;

    /// <summary>The estimated peak.</summary>
    public long Total => BackendTensors + Workspace + Host;

    /// <summary>
    /// Estimates the run of <paramref name="options"/> and <paramref name="spec"/> on <paramref name="backend"/> over
    /// data of <paramref name="dataFloats"/> values split into <paramref name="trainCount"/> training and
    /// <paramref name="validationCount"/> validation segments.
    /// </summary>
    public static TrainingMemory Estimate(TrainerOptions options, ArchitectureSpec spec, long dataFloats, int trainCount, int validationCount, CpuBackend backend)
    {
        const long F = sizeof(float);
        int frames = spec.Frames, classes = spec.Classes, rows = spec.InputChannels * spec.Mels, batch = options.BatchSize;
        long parameters = spec.ParameterSpecs().Sum(p => p.Length), buffers = spec.BufferSpecs().Sum(b => b.Length);
        long optimizer = options.Optimizer == OptimizerKind.Sgd ? parameters : 2 * parameters;
        bool mixup = options.Augmentation.MixupAlpha > 0;

        // 1. The batch shapes (size, frames): training steps of the batch size and the epoch's remainder, each at every
        //    crop length; validation batches at full length.
        int minFrames = options.Augmentation.MinCropFrames is > 0 and var m && m < frames ? m : frames;
        var trainSizes = Sizes(batch, trainCount);
        var evalSizes = validationCount > 0 ? Sizes(batch, validationCount) : [];
        var shapes = new List<(int Size, int Frames, bool Training)>();
        foreach (int s in trainSizes)
            for (int f = minFrames; f <= frames; f++) shapes.Add((s, f, true));
        foreach (int s in evalSizes)
            if (!shapes.Contains((s, frames, true))) shapes.Add((s, frames, false));

        // 2. Per layer (of the network as built: BatchNorm → ReLU → 2×2 pool fused), the tensors it keeps: each slot
        //    (output, input gradient, mask) holds one storage of the largest shape it has seen (Tensor.Fit).
        var layers = Fused(spec);
        long activations = 0;
        var workspace = new Dictionary<long, (int Count, long Touched)>(); // pooled bucket → most rented at once, longest use
        long unpooled = 0, scratch = 0;
        for (int i = 0; i < layers.Count; i++)
        {
            var slots = new long[3];
            foreach (var (size, f, training) in shapes)
            {
                var shape = spec.ShapeTrace(f);
                int[] input = shape[layers[i].First], output = shape[layers[i].Last + 1];
                var tensors = LayerTensors(layers[i].Spec, Numel(input) * size, Numel(output) * size, training, first: i == 0);
                for (int slot = 0; slot < tensors.Length; slot++) slots[slot] = Math.Max(slots[slot], tensors[slot]);
                if (layers[i].Spec is Conv2dSpec conv)
                {
                    var g = Conv2dGeometry.Create(size, input[0], input[1], input[2], conv.OutChannels, conv.KernelH, conv.KernelW, 1, 1,
                        new Padding2d(conv.PadTop, conv.PadBottom, conv.PadLeft, conv.PadRight));
                    var (groups, threadScratch) = backend.ConvWorkspace(g, backward: training, inputGradient: training && i > 0);
                    foreach (var group in groups)
                    {
                        unpooled = Math.Max(unpooled, group.Where(n => Bucket(n) is null).Sum());
                        foreach (var inBucket in group.Where(n => Bucket(n) is not null).GroupBy(n => Bucket(n)!.Value))
                        {
                            var (count, touched) = workspace.GetValueOrDefault(inBucket.Key);
                            workspace[inBucket.Key] = (Math.Max(count, inBucket.Count()), Math.Max(touched, inBucket.Max()));
                        }
                    }
                    scratch = Math.Max(scratch, threadScratch);
                }
            }
            activations += slots.Sum();
        }
        // 3. The trainer's input tensor, and the losses' probabilities and gradient, each one storage of its largest shape.
        //    With mixup every training batch of two or more goes through the soft-target loss (probabilities + gradient);
        //    validation, and a training batch of one (nothing to blend it with), through the plain one (probabilities,
        //    and a gradient for the training batch); without mixup, the plain one serves all.
        activations += shapes.Max(s => (long)s.Size * rows * s.Frames);
        var plainTrain = trainSizes.Where(s => !options.Augmentation.Blends(s)).ToArray();
        var softTrain = trainSizes.Where(options.Augmentation.Blends).ToArray();
        long plainProbs = plainTrain.Concat(evalSizes).DefaultIfEmpty(0).Max(), plainGradient = plainTrain.DefaultIfEmpty(0).Max();
        activations += classes * (plainProbs + plainGradient + 2L * softTrain.DefaultIfEmpty(0).Max());

        // 4. Host: the data, the training and validation batch buffers (a mixup copy too), the best epoch's weights (two
        //    copies while it is replaced) and a checkpoint's copies of weights and optimizer state.
        long weights = parameters + buffers;
        long trainBatch = Math.Min(batch, Math.Max(trainCount, 1)), evalBatch = Math.Min(batch, validationCount);
        long host = dataFloats + (trainBatch * (mixup ? 2 : 1) + evalBatch) * rows * frames + trainBatch * classes
            + 2 * weights + (options.CheckpointPath is null ? 0 : weights + optimizer);

        return new TrainingMemory
        {
            BatchSize = trainSizes.Max(),
            Weights = F * (2 * parameters + 2 * buffers),
            OptimizerState = F * optimizer,
            Activations = F * activations,
            Workspace = F * (workspace.Values.Sum(b => b.Count * b.Touched) + unpooled + scratch * backend.ThreadCount),
            Host = F * host,
        };
    }

    /// <summary>Factor on the estimate in <see cref="Needed"/>.</summary>
    public const double Margin = 1.25;

    /// <summary>Bytes added to the scaled estimate in <see cref="Needed"/>.</summary>
    public const long HeadroomBytes = 10_000_000;

    /// <summary>
    /// What a run of estimated peak <paramref name="estimate"/> needs the process to be allowed: 1.25 × the estimate + 10 MB.
    /// The estimate leaves out the runtime's own objects, garbage not yet collected and the large-object heap's
    /// fragmentation (tensor storages grow as random crops lengthen; the heap is not compacted), which a GC heap hard limit
    /// — a container's memory limit — counts. Measured under cgroup limits of 100 MB and 1 GB (heap limits 78.6 and 805 MB,
    /// <c>train</c> of gtzan-mini, widths 8 and 16): runs failed with OutOfMemoryException from 1.18–1.32 × their
    /// estimate, and ran at 1.25 and 1.39 ×; without this margin the batch size that the refusal suggested failed.
    /// </summary>
    public static long Needed(long estimate) => (long)Math.Ceiling(estimate * Margin) + HeadroomBytes;

    /// <summary>
    /// Estimates the run (as <see cref="Estimate"/>) and throws <see cref="TrainerOptionsException"/> when what it needs
    /// (<see cref="Needed"/>) exceeds <paramref name="limitBytes"/>, naming the need, the limit, and the largest batch size
    /// and width that fit.
    /// </summary>
    public static TrainingMemory Check(TrainerOptions options, ArchitectureSpec spec, long dataFloats, int trainCount, int validationCount,
        CpuBackend backend, long limitBytes)
    {
        var estimate = Estimate(options, spec, dataFloats, trainCount, validationCount, backend);
        if (Needed(estimate.Total) <= limitBytes) return estimate;
        var hints = new List<string>();
        // The largest batch that fits (the estimate grows with the batch size).
        int lo = 0, hi = estimate.BatchSize - 1;
        while (lo < hi)
        {
            int mid = (lo + hi + 1) / 2;
            if (Needed(Estimate(options with { BatchSize = mid }, spec, dataFloats, trainCount, validationCount, backend).Total) <= limitBytes) lo = mid;
            else hi = mid - 1;
        }
        if (lo > 0)
            hints.Add(Inv($"batch size {lo} needs about {Size(Needed(Estimate(options with { BatchSize = lo }, spec, dataFloats, trainCount, validationCount, backend).Total))} (--batch {lo})"));
        // The widest network (width halved) that fits at this batch size.
        if (spec.HyperParameters.TryGetValue("width", out double w))
            for (int width = (int)w / 2; width >= 1; width /= 2)
            {
                var hp = new Dictionary<string, double>(spec.HyperParameters) { ["width"] = width };
                var narrow = Estimate(options, ArchitectureCatalog.Create(spec.Name, hp), dataFloats, trainCount, validationCount, backend);
                if (Needed(narrow.Total) > limitBytes) continue;
                hints.Add(Inv($"width {width} needs about {Size(Needed(narrow.Total))} (--hp width={width})"));
                break;
            }
        // Not holding the segments at all (read from the store per batch) changes nothing in the model: say so first when it fits.
        long streamed = dataFloats > 0 ? Needed(Estimate(options, spec, 0, trainCount, validationCount, backend).Total) : long.MaxValue;
        string stream = streamed <= limitBytes
            ? Inv($"read the segments from the store instead of holding them (--stream, the same model): about {Size(streamed)}; or ")
            : "";
        TrainerOptions.Throw([Inv(
            $"training would need about {Size(Needed(estimate.Total))} of memory at its peak ({estimate.Describe()}; with room for the runtime and garbage: ×{Margin} + {Size(HeadroomBytes)}), more than the {Size(limitBytes)} this process may use; ") +
            stream + (hints.Count > 0 ? $"lower the batch size or the network's width: {string.Join(", or ", hints)}" : "lower the batch size or the network's width")]);
        return estimate;
    }

    /// <summary>The parts of the estimate, largest first.</summary>
    public string Describe() => string.Join(", ", new (string What, long Bytes, string Detail)[]
    {
        ("activations", Activations, Inv($" at batch size {BatchSize}")), ("convolution workspace", Workspace, ""),
        ("parameters and gradients", Weights, ""), ("optimizer state", OptimizerState, ""), ("data and weight copies", Host, ""),
    }.OrderByDescending(p => p.Bytes).Select(p => $"{p.What} {Size(p.Bytes)}{p.Detail}"));

    /// <summary>"10.7 GB", "350 MB".</summary>
    internal static string Size(long bytes) => bytes >= 1_000_000_000 ? Inv($"{bytes / 1e9:0.0} GB") : Inv($"{Math.Max(bytes / 1e6, 0.1):0.#} MB");

    // Batch sizes of an epoch over n segments: the batch size, and the remainder (or just n when it is smaller).
    private static int[] Sizes(int batch, int n) => n <= batch ? [n] : n % batch == 0 ? [batch] : [batch, n % batch];

    // ArrayPool<float>.Shared hands out arrays of the next power of two ≥ 16 (its bucket), up to 2^30, and keeps them when
    // returned: one per bucket serves every later request of that bucket, so a bucket holds as many arrays as one
    // operation rents from it at once. Only the part in use is ever written, and the pages of a fresh array that are
    // never written take no memory: each array counts for the longest request it serves. Larger requests are allocated
    // exactly and not kept (null).
    private static long? Bucket(long length) => length > 1 << 30 ? null : (long)BitOperations.RoundUpToPowerOf2((ulong)Math.Max(length, 16));

    private static long Numel(int[] shape) => shape.Aggregate(1L, (a, d) => a * d);

    /// <summary>The layers <see cref="GenreNetwork.Build"/> makes on a fusing backend, each with its first and last spec index.</summary>
    private static List<(LayerSpec Spec, int First, int Last)> Fused(ArchitectureSpec spec)
    {
        var list = new List<(LayerSpec, int, int)>();
        for (int i = 0; i < spec.Layers.Count; i++)
            if (GenreNetwork.Fuses(spec.Layers, i)) { list.Add((spec.Layers[i], i, i + 2)); i += 2; }
            else list.Add((spec.Layers[i], i, i));
        return list;
    }

    /// <summary>
    /// The tensors (floats) one layer keeps for a batch with <paramref name="input"/> and <paramref name="output"/> values:
    /// its output, and in training what its backward pass writes (the input gradient, unless it is the first layer, which
    /// needs none; BatchNorm always) and a dropout mask. A fused BatchNorm block is listed by its BatchNorm spec.
    /// </summary>
    private static long[] LayerTensors(LayerSpec layer, long input, long output, bool training, bool first) => layer switch
    {
        FoldFrequencySpec or FlattenSpec => [],                                              // views of their input
        DropoutSpec => training ? first ? [output, input] : [output, input, input] : [],    // y, mask, dx; eval passes x on
        BatchNorm2dSpec => training ? [output, input] : [output],                            // y, dx (also fused)
        Conv2dSpec or ReluSpec or MaxPool2dSpec or GlobalAvgPoolSpec or DenseSpec =>
            training && !first ? [output, input] : [output],                                 // y, dx
        _ => throw new NotSupportedException($"no memory estimate for layer {layer}"),
    };

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
