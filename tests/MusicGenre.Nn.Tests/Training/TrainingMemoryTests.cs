using System.Globalization;
using System.Text.RegularExpressions;
using MusicGenre.Nn.Architectures;
using MusicGenre.Nn.Backends.Cpu;
using MusicGenre.Nn.Training;

namespace MusicGenre.Nn.Tests.Training;

public sealed class TrainingMemoryTests
{
    public static TheoryData<string> Runs => ["remainder batch", "validation-only batch, mixup", "mixup, remainder batch of one", "lachmish2016, remainder batch"];

    private static (SegmentSet Data, TrainerOptions Options, int Train, int Validation) Run(string name) => name switch
    {
        // 72 segments in batches of 10 and 2.
        "remainder batch" => (SyntheticData.Create(), SyntheticData.Options(epochs: 1) with { BatchSize = 10, ValidationFraction = 0 }, 72, 0),
        // 16 training segments in one batch; 8 validation segments in a batch of a size training never uses; soft targets.
        "validation-only batch, mixup" => (SyntheticData.Create(songsPerGenre: 3, segmentsPerSong: 2), SyntheticData.Options(epochs: 1) with
        {
            BatchSize = 16,
            Augmentation = SyntheticData.Options().Augmentation with { MixupAlpha = 0.4f },
        }, 16, 8),
        // 72 segments in batches of 71 and 1: mixup blends the 71 (soft-target loss); the one left has nothing to blend
        // with and goes through the plain loss, which then needs its own probabilities and gradient.
        "mixup, remainder batch of one" => (SyntheticData.Create(), SyntheticData.Options(epochs: 1) with
        {
            BatchSize = 71, ValidationFraction = 0,
            Augmentation = SyntheticData.Options().Augmentation with { MixupAlpha = 0.4f },
        }, 72, 0),
        // Unfused layers (conv → ReLU → ceil-mode pool → dropout), 4×4 convolutions, a dense hidden layer; SGD.
        "lachmish2016, remainder batch" => (SyntheticData.Create(), SyntheticData.Options(epochs: 1) with
        {
            Architecture = ArchitectureCatalog.Lachmish2016,
            HyperParameters = new Dictionary<string, double> { ["frames"] = SyntheticData.Frames, ["dense"] = 8 },
            Optimizer = OptimizerKind.Sgd, BatchSize = 10, ValidationFraction = 0,
        }, 72, 0),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    [Theory]
    [MemberData(nameof(Runs))]
    public void EstimatedTensors_AreExactlyWhatTheRunAllocatesOnTheBackend(string name)
    {
        // The largest batch comes first (the batch size, then the remainder or validation): every tensor is allocated
        // once, at its largest shape, and the smaller batches run on views of it.
        var (data, options, train, validation) = Run(name);
        var backend = new CpuBackend(2);
        var trainer = new Trainer(options) { CreateBackend = () => backend };
        var result = trainer.Train(data);
        Assert.Equal((train, validation), (result.TrainSegments, result.ValidationSegments));
        var estimate = trainer.Memory!;
        Assert.Equal(backend.PeakLiveFloats * sizeof(float), estimate.BackendTensors);
        Assert.Equal(backend.PeakLiveFloats, backend.AllocatedFloats);
        Assert.True(estimate.Workspace > 0 && estimate.Host >= data.ResidentValues * sizeof(float), $"{name}: {estimate}");
    }

    [Fact]
    public void WithRandomCropLengths_TheEstimateIsThePeakOfOneStoragePerTensor()
    {
        // Crops of 20..24 frames, batches of 10 and 2, two epochs, validation at full length: each tensor grows to its
        // largest shape (reached in this seeded run) and the backend's live tensors peak at the estimate, the same as
        // without crops; what was allocated while growing was given back.
        var data = SyntheticData.Create();
        var options = SyntheticData.Options(epochs: 2) with { BatchSize = 10 };
        var cropped = options with { Augmentation = options.Augmentation with { MinCropFrames = SyntheticData.Frames - 4 } };
        var backend = new CpuBackend(2);
        var trainer = new Trainer(cropped) { CreateBackend = () => backend };
        trainer.Train(data);
        var plain = new Trainer(options) { CreateBackend = () => new CpuBackend(2) };
        plain.Train(data);
        Assert.Equal(plain.Memory!.BackendTensors, trainer.Memory!.BackendTensors);
        Assert.Equal(backend.PeakLiveFloats * sizeof(float), trainer.Memory.BackendTensors);
        Assert.True(backend.AllocatedFloats > backend.PeakLiveFloats, "the crops never made a tensor grow: the test shows nothing");
    }

    // The default network at width 512 on batches of 32 three-second log-mels (128 × 130): what `musicgenre train
    // --hp width=512` was measured to need (≈ 10.7 GB) before anything estimated it.
    private static readonly SegmentSet Wide = SyntheticData.Create(songsPerGenre: 4, segmentsPerSong: 4, mels: 128, frames: 130);

    private static TrainerOptions WideOptions => new()
    {
        Labels = SyntheticData.Labels, HyperParameters = new Dictionary<string, double> { ["width"] = 512 },
        BatchSize = 32, Epochs = 1, ValidationFraction = 0, ThreadCount = 2, Augmentation = AugmentationOptions.None,
    };

    [Fact]
    public void ARunEstimatedAboveTheLimit_IsRefusedBeforeTheNetworkIsAllocated_NamingEstimateLimitAndWhatFits()
    {
        const long limit = 8_000_000_000;
        var backend = new CpuBackend(2);
        var trainer = new Trainer(WideOptions) { MemoryLimitBytes = limit, CreateBackend = () => backend };
        var e = Assert.Throws<TrainerOptionsException>(() => trainer.Train(Wide));
        Assert.Equal(0, backend.AllocatedFloats);
        string problem = Assert.Single(e.Problems);
        var m = Regex.Match(problem, @"^training would need about (\d+\.\d) GB of memory at its peak \((.+); with room for the runtime and garbage: ×1\.25 \+ 10 MB\), more than the 8\.0 GB this process may use; " +
            @"lower the batch size or the network's width: batch size (\d+) needs about [\d.]+ [MG]B \(--batch \3\), or width (\d+) needs about [\d.]+ [MG]B \(--hp width=\4\)$");
        Assert.True(m.Success, problem);
        Assert.Matches(@"activations [\d.]+ GB at batch size 32", m.Groups[2].Value);

        // The need named is the run's (its estimate with the margin); the batch size and width named are the largest that fit.
        var spec = ArchitectureCatalog.Create(ArchitectureCatalog.Default, new Dictionary<string, double>
        {
            ["channels"] = 1, ["mels"] = 128, ["frames"] = 130, ["classes"] = 4, ["width"] = 512,
        });
        long Total(TrainerOptions o, ArchitectureSpec s) => TrainingMemory.Needed(TrainingMemory.Estimate(o, s, Wide.ResidentValues, Wide.Count, 0, backend).Total);
        Assert.Equal(TrainingMemory.Size(Total(WideOptions, spec)), m.Groups[1].Value + " GB");
        int batch = int.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture), width = int.Parse(m.Groups[4].Value, CultureInfo.InvariantCulture);
        Assert.True(Total(WideOptions with { BatchSize = batch }, spec) <= limit && Total(WideOptions with { BatchSize = batch + 1 }, spec) > limit, $"batch {batch}");
        ArchitectureSpec AtWidth(int w) => ArchitectureCatalog.Create(ArchitectureCatalog.Default, new Dictionary<string, double>(spec.HyperParameters) { ["width"] = w });
        Assert.True(Total(WideOptions, AtWidth(width)) <= limit && Total(WideOptions, AtWidth(2 * width)) > limit, $"width {width}");

        // At the limit the run is allowed (this check only: the run itself would train a 100-million-parameter network).
        long needed = Total(WideOptions, spec), estimate = TrainingMemory.Estimate(WideOptions, spec, Wide.ResidentValues, Wide.Count, 0, backend).Total;
        Assert.Equal(needed, (long)Math.Ceiling(estimate * 1.25) + 10_000_000);
        Assert.Equal(estimate, TrainingMemory.Check(WideOptions, spec, Wide.ResidentValues, Wide.Count, 0, backend, needed).Total);
        Assert.Throws<TrainerOptionsException>(() => TrainingMemory.Check(WideOptions, spec, Wide.ResidentValues, Wide.Count, 0, backend, needed - 1));
    }

    /// <summary>When the segments held in memory are what tips a run over the limit, the refusal names --stream and what the run needs without them.</summary>
    [Fact]
    public void Refusal_NamesStreaming_WhenTheRunFitsWithoutHoldingTheSegments()
    {
        using var backend = new CpuBackend(1);
        var data = SyntheticData.Create(songsPerGenre: 40, segmentsPerSong: 10);
        var options = new TrainerOptions { Labels = SyntheticData.Labels, BatchSize = 8, ValidationFraction = 0 };
        var spec = ArchitectureCatalog.Create(ArchitectureCatalog.Default, new Dictionary<string, double>
        {
            ["channels"] = 1, ["mels"] = SyntheticData.Mels, ["frames"] = SyntheticData.Frames, ["classes"] = 4, ["width"] = 2, ["min_frames"] = 16,
        });
        long held = TrainingMemory.Estimate(options, spec, data.ResidentValues, data.Count, 0, backend).Total;
        long streamed = TrainingMemory.Estimate(options, spec, 0, data.Count, 0, backend).Total;
        Assert.True(held - streamed >= data.ResidentValues * sizeof(float), $"{held} vs {streamed}");
        streamed = TrainingMemory.Needed(streamed);

        var e = Assert.Throws<TrainerOptionsException>(() => TrainingMemory.Check(options, spec, data.ResidentValues, data.Count, 0, backend, streamed));
        Assert.Contains($"read the segments from the store instead of holding them (--stream, the same model): about {TrainingMemory.Size(streamed)}; or lower the batch size", e.Message);
        // Too little even without the segments: no such hint.
        var tight = Assert.Throws<TrainerOptionsException>(() => TrainingMemory.Check(options, spec, data.ResidentValues, data.Count, 0, backend, streamed - 1));
        Assert.DoesNotContain("--stream", tight.Message);
    }
}
