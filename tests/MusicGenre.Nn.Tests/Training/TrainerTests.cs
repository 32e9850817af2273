using MusicGenre.Nn.ModelFile;
using MusicGenre.Nn.Training;

namespace MusicGenre.Nn.Tests.Training;

public sealed class TrainerTests
{
    /// <summary>
    /// A run whose BatchNorm statistics overflow while its loss stays finite (BatchNorm normalises each batch by its own,
    /// double-precision statistics; the float32 running variance becomes ∞) used to end in the checkpoint writer's "model
    /// does not match its architecture". It is the divergence error, naming the statistic; no checkpoint holds it. Made
    /// here by fine-tuning from a model whose first convolution is scaled by 1e20; a loss that overflows says so too.
    /// </summary>
    [Theory]
    [InlineData(1e20f, "statistic 'block1.bn.running_var' is Infinity at epoch 1, step 1;")]
    [InlineData(1e38f, "loss is NaN at epoch 1, step 1;")]
    public void ARunThatDiverges_SaysSo_AndCheckpointsNothingBroken(float scale, string what)
    {
        var data = SyntheticData.Create();
        string dir = SharedData.NewTempDir(), basePath = Path.Combine(dir, "base.h5"), checkpoint = Path.Combine(dir, "m.ckpt");
        var model = new Trainer(SyntheticData.Options(epochs: 1)).Train(data).Model;
        var conv = model.Parameters.First(p => p.Name == "block1.conv.weight");
        ModelFileWriter.Write(basePath, model with
        {
            Parameters = model.Parameters.Select(p => p == conv ? p with { Data = p.Data.Select(v => v * scale).ToArray() } : p).ToList(),
        });
        var options = SyntheticData.Options(epochs: 2) with { InitialModelPath = basePath, CheckpointPath = checkpoint, CheckpointEverySteps = 1 };
        var e = Assert.Throws<InvalidOperationException>(() => new Trainer(options).Train(data));
        Assert.StartsWith("Training diverged: ", e.Message);
        Assert.Contains(what, e.Message);
        Assert.Contains("lower the learning rate (now 0.01)", e.Message);
        if (File.Exists(checkpoint)) Assert.Empty(CheckpointFile.Read(checkpoint).Current.Problems());
    }

    /// <summary>
    /// The device is checked with every other option (an undefined kind failed later with a bare "Unknown device kind";
    /// ILGPU's simulator, a thousand times slower, was accepted), and ThreadCount 0 means one thread per core as in
    /// ClassifierOptions and PreprocessOptions.
    /// </summary>
    [Fact]
    public void Options_CheckTheDevice_AndTakeZeroThreadsAsOnePerCore()
    {
        var problems = (SyntheticData.Options() with { Epochs = 0, Device = (DeviceKind)99 }).Problems();
        Assert.Contains(problems, p => p.StartsWith("Epochs must be", StringComparison.Ordinal));
        Assert.Contains("Device 99 is not a device kind (auto, cpu, cuda or opencl)", problems);
        Assert.Contains((SyntheticData.Options() with { Device = DeviceKind.Simulator }).Problems(), p => p.StartsWith("Device Simulator is ILGPU's CPU simulator", StringComparison.Ordinal));
        Assert.Contains((SyntheticData.Options() with { ThreadCount = -1 }).Problems(), p => p.StartsWith("ThreadCount must be in 0..4096", StringComparison.Ordinal));
        var all = SyntheticData.Options(epochs: 1) with { ThreadCount = 0 };
        Assert.Empty(all.Problems());
        Assert.Equal(new Trainer(SyntheticData.Options(epochs: 1) with { ThreadCount = 1 }).Train(SyntheticData.Create()).Model.Parameters[0].Data,
            new Trainer(all).Train(SyntheticData.Create()).Model.Parameters[0].Data);
    }

    [Fact]
    public void Train_LearnsSeparableData_AndReportsEveryEpoch()
    {
        var data = SyntheticData.Create();
        var reports = new List<EpochMetrics>();
        var result = new Trainer(SyntheticData.Options(epochs: 8)).Train(data, new SyncProgress<EpochMetrics>(reports.Add));

        Assert.Equal(8, reports.Count);
        Assert.Equal(Enumerable.Range(1, 8), reports.Select(r => r.Epoch));
        Assert.True(reports[^1].TrainLoss < reports[0].TrainLoss * 0.7, $"train loss {reports[0].TrainLoss} → {reports[^1].TrainLoss}");
        Assert.True(result.History.Max(h => h.ValidationAccuracy) >= 0.9, $"val accuracy {string.Join(", ", reports.Select(r => r.ValidationAccuracy))}");
        // The returned model is the best epoch's (lowest validation loss), with its metrics.
        var best = reports.MinBy(r => r.ValidationLoss)!;
        Assert.Equal(best.Epoch, result.BestEpoch);
        Assert.True(best.IsBest);
        Assert.Equal(best.ValidationLoss, result.Model.Training.Metrics["val_loss"]);
        Assert.Empty(result.Model.Problems());
        // Validation is by song: 2 of 6 songs per genre, all their segments.
        Assert.Equal(4 * 2 * 3, result.ValidationSegments);
        Assert.Equal(4 * 4 * 3, result.TrainSegments);
    }

    [Fact]
    public void Train_IsBitwiseDeterministic_ForAFixedSeedAndThreadCount()
    {
        var data = SyntheticData.Create();
        var options = SyntheticData.Options(epochs: 2) with { Augmentation = SyntheticData.Options().Augmentation with { MixupAlpha = 0.4f } };
        var a = new Trainer(options).Train(data);
        var b = new Trainer(options).Train(data);
        AssertSameWeights(a.Model, b.Model);
        Assert.Equal(a.History.Select(h => h.TrainLoss), b.History.Select(h => h.TrainLoss));
        var c = new Trainer(options with { Seed = 100 }).Train(data);
        Assert.NotEqual(a.Model.Parameters[0].Data, c.Model.Parameters[0].Data);
    }

    [Theory]
    [InlineData(5)]   // mid-epoch 1
    [InlineData(9)]   // the last step of epoch 1, before its validation
    [InlineData(14)]  // mid-epoch 2
    public void CancelledRun_ResumesToExactlyTheWeightsOfAnUninterruptedRun(int cancelAfterSteps)
    {
        var data = SyntheticData.Create();
        string dir = SharedData.NewTempDir();
        var options = SyntheticData.Options(epochs: 3) with
        {
            Augmentation = SyntheticData.Options().Augmentation with { MixupAlpha = 0.4f },
            HyperParameters = new Dictionary<string, double> { ["width"] = 4, ["blocks"] = 2, ["min_frames"] = 8, ["dropout"] = 0.5 },
        };
        var reference = new Trainer(options).Train(data);

        var resumable = options with { CheckpointPath = Path.Combine(dir, "run.ckpt.h5") };
        using var cts = new CancellationTokenSource();
        var first = new Trainer(resumable);
        first.StepCompleted += (step, _) => { if (step == cancelAfterSteps) cts.Cancel(); };
        Assert.ThrowsAny<OperationCanceledException>(() => first.Train(data, cancellationToken: cts.Token));
        Assert.True(File.Exists(resumable.CheckpointPath));

        var resumed = new Trainer(resumable).Train(data);
        AssertSameWeights(reference.Model, resumed.Model);
        Assert.Equal(reference.History.Select(h => (h.TrainLoss, h.ValidationLoss, h.IsBest)), resumed.History.Select(h => (h.TrainLoss, h.ValidationLoss, h.IsBest)));
        Assert.Equal(reference.BestEpoch, resumed.BestEpoch);
    }

    [Fact]
    public void RunResumedWithAnotherThreadCount_IsTheUninterruptedRun_AndRecordsOneDevice()
    {
        // The CPU kernels sum in a fixed order whatever the thread count, so a run stopped on 2 threads and resumed on 1
        // ends with the uninterrupted run's weights, and its model names one device (the first).
        var data = SyntheticData.Create();
        string dir = SharedData.NewTempDir();
        var options = SyntheticData.Options(epochs: 2);
        var reference = new Trainer(options).Train(data);
        Assert.Equal(new MusicGenre.Nn.Backends.Cpu.CpuBackend(2).Name, reference.Model.Training.Device);

        var resumable = options with { CheckpointPath = Path.Combine(dir, "run.ckpt.h5") };
        using var cts = new CancellationTokenSource();
        var first = new Trainer(resumable);
        first.StepCompleted += (step, _) => { if (step == 5) cts.Cancel(); };
        Assert.ThrowsAny<OperationCanceledException>(() => first.Train(data, cancellationToken: cts.Token));
        Assert.Equal(reference.Model.Training.Device, CheckpointFile.Read(resumable.CheckpointPath!).Current.Training.Device);

        var resumed = new Trainer(resumable with { ThreadCount = 1 }).Train(data);
        AssertSameWeights(reference.Model, resumed.Model);
        Assert.Equal(reference.Model.Training.Device, resumed.Model.Training.Device);
        // The model file keeps it.
        string path = Path.Combine(dir, "model.h5");
        ModelFileWriter.Write(path, resumed.Model);
        Assert.Equal(reference.Model.Training.Device, ModelFileReader.Read(path).Training.Device);
    }

    [Theory]
    [InlineData("cpu (2 threads, Vector512)", "cpu (1 thread, Vector512)", true)]
    [InlineData("cpu (2 threads, Vector512)", "cpu (2 threads, Vector256)", false)] // the loss differs in its 4th decimal after 2 epochs
    [InlineData("cpu (2 threads, Vector128)", "cpu (16 threads, scalar)", false)]
    [InlineData("ilgpu Cuda: NVIDIA H200 (139 GiB)", "ilgpu Cuda: NVIDIA H200 (139 GiB)", true)]
    [InlineData("ilgpu Cuda: NVIDIA H200 (139 GiB)", "ilgpu Cuda: NVIDIA H100 80GB HBM3 (79 GiB)", false)]
    [InlineData("cpu (2 threads, Vector512)", "ilgpu Simulator: CPUAccelerator (0 GiB)", false)]
    public void Devices_RoundAlikeOnlyOnTheSameVectorWidthOrTheSameGpu(string device, string other, bool alike)
    {
        Assert.Equal(alike, RunState.RoundsAlike(device, other));
        Assert.Equal(alike, RunState.RoundsAlike(other, device));
    }

    [Fact]
    public void KilledRun_ResumesFromItsLastPeriodicCheckpoint_Exactly()
    {
        // A kill leaves only the checkpoints written so far: copy the one written at step 6 (periodic, every 3 steps)
        // while the run goes on, then resume a fresh trainer from that copy.
        var data = SyntheticData.Create();
        string dir = SharedData.NewTempDir();
        var options = SyntheticData.Options(epochs: 2) with { CheckpointPath = Path.Combine(dir, "run.ckpt.h5"), CheckpointEverySteps = 3 };
        string saved = Path.Combine(dir, "killed.ckpt.h5");
        var trainer = new Trainer(options);
        trainer.StepCompleted += (step, _) => { if (step == 7) File.Copy(options.CheckpointPath!, saved); };
        var reference = trainer.Train(data);

        File.Copy(saved, options.CheckpointPath!, overwrite: true);
        var resumed = new Trainer(options).Train(data);
        AssertSameWeights(reference.Model, resumed.Model);
    }

    [Fact]
    public void Checkpoint_FromOtherOptionsOrData_IsRefused()
    {
        var data = SyntheticData.Create();
        string dir = SharedData.NewTempDir();
        var options = SyntheticData.Options(epochs: 1) with { CheckpointPath = Path.Combine(dir, "run.ckpt.h5") };
        new Trainer(options).Train(data);
        var e = Assert.Throws<ModelFileException>(() => new Trainer(options with { LearningRate = 0.1f }).Train(data));
        Assert.Contains("other training options (lr 0.01 vs 0.1: checkpoint vs now)", e.Message); // only what differs
        e = Assert.Throws<ModelFileException>(() => new Trainer(options).Train(SyntheticData.Create(seed: 8)));
        Assert.Contains("other training data", e.Message);
        File.WriteAllBytes(options.CheckpointPath!, new byte[300]);
        e = Assert.Throws<ModelFileException>(() => new Trainer(options).Train(data));
        Assert.Equal(options.CheckpointPath, e.Path);
    }

    [Fact]
    public void EarlyStopping_StopsAfterPatienceEpochsWithoutImprovement()
    {
        // A learning rate of ~0 cannot improve the validation loss after epoch 1 (BatchNorm statistics still move).
        var data = SyntheticData.Create(songsPerGenre: 3, segmentsPerSong: 2);
        var options = SyntheticData.Options(epochs: 20) with { LearningRate = 1e-9f, Patience = 2, Monitor = MonitorMetric.ValidationAccuracy, Schedule = ScheduleKind.Constant };
        var result = new Trainer(options).Train(data);
        Assert.True(result.StoppedEarly);
        Assert.True(result.History.Count < 20);
        Assert.Equal(result.History.Count - 2, result.BestEpoch);
        Assert.All(result.History.Skip(result.BestEpoch), h => Assert.False(h.IsBest));
    }

    [Fact]
    public void Options_ReportEveryProblemAtOnce()
    {
        var bad = new TrainerOptions
        {
            Architecture = "resnet", Epochs = 0, BatchSize = -1, LearningRate = float.NaN, ValidationFraction = 1.5,
            Augmentation = new AugmentationOptions { GainDb = -1, MixupAlpha = -2 }, CheckpointPath = "/no/such/folder/x.h5",
        };
        var e = Assert.Throws<TrainerOptionsException>(() => new Trainer(bad));
        foreach (string word in new[] { "Architecture", "Epochs", "BatchSize", "LearningRate", "ValidationFraction", "GainDb", "MixupAlpha", "CheckpointPath" })
            Assert.Contains(e.Problems, p => p.Contains(word));
        Assert.Equal(8, e.Problems.Count);
    }

    [Fact]
    public void Data_ThatDoesNotFitTheOptions_IsRefusedWithEveryProblem()
    {
        var data = SyntheticData.Create();
        data.Labels[0] = 7; // only 4 genres configured
        var e = Assert.Throws<TrainerOptionsException>(() => new Trainer(SyntheticData.Options() with { InputFrames = 100 }).Train(data));
        Assert.Contains(e.Problems, p => p.Contains("label 7"));
        Assert.Contains(e.Problems, p => p.Contains("100 frames"));
    }

    [Fact]
    public void Predictor_GivesProbabilitiesInEvalMode_ForAnyLengthFromTheMinimum()
    {
        var data = SyntheticData.Create();
        var model = new Trainer(SyntheticData.Options(epochs: 6)).Train(data).Model;
        using var predictor = new GenrePredictor(model, threadCount: 1, batchSize: 5);
        var probs = predictor.PredictSegments(data.Data, data.Count, data.Frames);
        Assert.Equal(data.Count * 4, probs.Length);
        for (int i = 0; i < data.Count; i++) Assert.Equal(1.0, probs.AsSpan(i * 4, 4).ToArray().Sum(), 5);
        // Eval mode: the same input gives the same output, whatever the batch it is in.
        var single = predictor.PredictSegments(data.Segment(10), 1, data.Frames);
        Close.Assert(probs.AsSpan(40, 4), single, 1e-6, 1e-5, "segment 10 alone vs in a batch");
        int correct = Enumerable.Range(0, data.Count).Count(i => ArgMax(probs.AsSpan(i * 4, 4)) == data.Labels[i]);
        Assert.True(correct >= data.Count * 0.8, $"{correct}/{data.Count} correct");
        // Song level = mean of the segments; shorter inputs down to the minimum work, shorter still are refused.
        var song = predictor.PredictSong(data.Data.AsSpan(0, 3 * data.SegmentLength), 3, data.Frames);
        Close.Assert(Enumerable.Range(0, 4).Select(k => (probs[k] + probs[4 + k] + probs[8 + k]) / 3).ToArray(), song, 1e-6, 1e-5, "song mean");
        var shortSeg = new float[16 * 8];
        Assert.Equal(4, predictor.PredictSegments(shortSeg, 1, 8).Length);
        Assert.Throws<ArgumentException>(() => predictor.PredictSegments(new float[16 * 7], 1, 7));
    }

    [Fact]
    public void MfccRun_LearnsFromCoefficients_AndThePredictorFeedsTheNetworkWhatTrainingFed()
    {
        // Synthetic log-mel of 16 bands; the network sees their first 8 MFCCs (2 pooling blocks need ≥ 4 rows).
        var data = SyntheticData.Create();
        var options = SyntheticData.Options(epochs: 8) with { Mfcc = 8, BandLimitHz = 0 };
        var result = new Trainer(options).Train(data);
        var model = result.Model;
        Assert.Equal(8, model.Mfcc);
        Assert.Equal(SyntheticData.Mels, model.MelBands);
        Assert.Equal(8, model.CreateSpec().Mels);
        Assert.Equal(8, model.Normalization.Mean.Length); // per-coefficient statistics
        Assert.Empty(model.Problems());
        Assert.True(result.History.Max(h => h.ValidationAccuracy) >= 0.9, $"val accuracy {string.Join(", ", result.History.Select(h => h.ValidationAccuracy))}");

        // The predictor takes log-mel (16 rows) and must give exactly what a log-mel model of the same weights gives on
        // inputs levelled and turned into MFCCs by hand: level → MFCC → standardisation, nothing else.
        using var predictor = new GenrePredictor(model, threadCount: 1, batchSize: 5);
        Assert.Equal(SyntheticData.Mels, predictor.Mels);
        var probs = predictor.PredictSegments(data.Data, data.Count, data.Frames);
        var levelled = data.Data!.ToArray();
        LevelNormalizer.Apply(model.Level, model.KeptBands, levelled, 1, SyntheticData.Mels, data.Frames);
        var cepstra = new float[data.Count * 8 * data.Frames];
        new MfccInput(SyntheticData.Mels, 8).Apply(levelled, 1, data.Frames, cepstra);
        var byHand = model with { Mfcc = 0, MelBands = 0, Level = LevelNormalization.None, KeptBands = 0 };
        using var plain = new GenrePredictor(byHand, threadCount: 1, batchSize: 5);
        Assert.Equal(plain.PredictSegments(cepstra, data.Count, data.Frames), probs);

        // More coefficients than bands is refused with the data.
        var e = Assert.Throws<TrainerOptionsException>(() => new Trainer(options with { Mfcc = 17 }).Train(data));
        Assert.Contains("Mfcc: 17 coefficients", e.Message);
        Assert.Contains("Mfcc must be in [0, 1024]", Assert.Throws<TrainerOptionsException>(() => new Trainer(options with { Mfcc = -1 }).Train(data)).Message);
    }

    [Fact]
    public void MfccRun_StandardisesTheCoefficientsOfLevelledSegments()
    {
        // Statistics of an MFCC run are those of what the network is fed before standardisation: level, then MFCC.
        var data = SyntheticData.Create();
        var model = new Trainer(SyntheticData.Options(epochs: 1) with { Mfcc = 8, ValidationFraction = 0 }).Train(data).Model;
        var raw = new BatchAssembler(data, data.Frames, InputNormalization.None, model.Level, model.KeptBands, new MfccInput(SyntheticData.Mels, 8));
        var batch = raw.CreateBatch(data.Count, 4);
        raw.Fill(Enumerable.Range(0, data.Count).ToArray(), batch, null, null);
        for (int k = 0; k < 8; k++)
        {
            double sum = 0;
            for (int n = 0; n < data.Count; n++)
                foreach (float v in batch.Inputs.AsSpan(n * batch.SegmentLength + k * data.Frames, data.Frames)) sum += v;
            Assert.Equal(sum / (data.Count * data.Frames), model.Normalization.Mean[k], 3);
        }
    }

    [Fact]
    public void FineTuning_StartsFromTheModel_KeepsItsStandardisation_AndReplacesTheOutputLayerForOtherGenres()
    {
        var data = SyntheticData.Create();
        string dir = SharedData.NewTempDir();
        var baseModel = new Trainer(SyntheticData.Options(epochs: 3)).Train(data).Model;
        string basePath = Path.Combine(dir, "base.h5");
        ModelFileWriter.Write(basePath, baseModel);

        // A learning rate of 1e-12 leaves the weights where they start: the loaded ones (BatchNorm statistics do move).
        var tune = SyntheticData.Options(epochs: 1) with { InitialModelPath = basePath, LearningRate = 1e-12f, Augmentation = AugmentationOptions.None, Seed = 5 };
        var sameGenres = new Trainer(tune).Train(data);
        var tuned = sameGenres.Model;
        Assert.Equal(SyntheticData.Labels, sameGenres.GenresFromInitialModel);
        Assert.Equal(baseModel.Normalization.Mean, tuned.Normalization.Mean); // kept, not recomputed
        foreach (var (b, t) in baseModel.Parameters.Zip(tuned.Parameters))
            Close.Assert(b.Data, t.Data, 1e-6, 0, b.Name);

        // Other genres: every weight but the output layer's is loaded; the output layer starts fresh.
        var otherGenres = new Trainer(tune with { Labels = ["p", "q", "r", "s"] }).Train(data);
        var transferred = otherGenres.Model;
        Assert.Empty(otherGenres.GenresFromInitialModel!);
        Assert.Equal(["p", "q", "r", "s"], transferred.Labels);
        foreach (var (b, t) in baseModel.Parameters.Zip(transferred.Parameters))
        {
            bool output = b.Name.StartsWith("fc.", StringComparison.Ordinal);
            double worst = b.Data.Zip(t.Data).Max(x => Math.Abs(x.First - x.Second));
            Assert.True(output ? worst > 1e-3 : worst <= 1e-6, $"{b.Name}: worst difference {worst}");
        }

        // The same genres in another order, one new: each known genre's output row follows its name; the new one starts fresh.
        var reordered = new Trainer(tune with { Labels = ["c", "a", "new", "b"] }).Train(data);
        Assert.Equal(["c", "a", "b"], reordered.GenresFromInitialModel);
        var baseFc = baseModel.Parameters.Single(p => p.Name == "fc.weight").Data;
        var newFc = reordered.Model.Parameters.Single(p => p.Name == "fc.weight").Data;
        int features = baseFc.Length / 4;
        foreach (var (row, from) in new[] { (0, 2), (1, 0), (3, 1) })
            Close.Assert(baseFc.AsSpan(from * features, features), newFc.AsSpan(row * features, features), 1e-6, 0, $"row {row}");
        Assert.True(baseFc.AsSpan(3 * features, features).SequenceCompareTo(newFc.AsSpan(2 * features, features)) != 0, "the new genre's row is fresh");

        // A checkpoint of a run from one initial model is not resumed once the file holds another model.
        string checkpoint = Path.Combine(dir, "tune.ckpt.h5");
        using (var cts = new CancellationTokenSource())
        {
            var first = new Trainer(tune with { CheckpointPath = checkpoint, Epochs = 2 });
            first.StepCompleted += (step, _) => { if (step == 2) cts.Cancel(); };
            Assert.ThrowsAny<OperationCanceledException>(() => first.Train(data, cancellationToken: cts.Token));
        }
        Assert.True(File.Exists(checkpoint));
        ModelFileWriter.Write(basePath, baseModel with { Normalization = baseModel.Normalization with { Mean = baseModel.Normalization.Mean.Select(v => v + 1).ToArray() } });
        var resumed = Assert.Throws<ModelFileException>(() => new Trainer(tune with { CheckpointPath = checkpoint, Epochs = 2 }).Train(data));
        Assert.Contains("init_content", resumed.Message);
        ModelFileWriter.Write(basePath, baseModel);

        // A model of another shape is refused naming what differs; so is a missing file.
        var wider = tune with { HyperParameters = new Dictionary<string, double>(tune.HyperParameters) { ["width"] = 8 } };
        var e = Assert.Throws<TrainerOptionsException>(() => new Trainer(wider).Train(data));
        Assert.Contains("does not fit this run: width 4 (the model) vs 8 (this run)", e.Message);
        Assert.Contains("file not found", Assert.Throws<TrainerOptionsException>(() => new Trainer(tune with { InitialModelPath = Path.Combine(dir, "none.h5") }).Train(data)).Message);
    }

    [Theory]
    [InlineData("default")]
    [InlineData("lachmish2016")]
    public void Embeddings_AreWhatTheOutputLayerMapsToTheProbabilities(string arch)
    {
        // softmax(E·Wᵀ + b) of the output layer's weights must give back PredictSegments: the embedding is its input.
        var model = Tests.ModelFile.ModelFixtures.Small(7, arch);
        var spec = model.CreateSpec();
        using var predictor = new GenrePredictor(model, threadCount: 1, batchSize: 3);
        int count = 5, frames = spec.Frames, rows = spec.InputChannels * spec.Mels, k = spec.Classes;
        var rng = new Initialization.Rng(3);
        var x = Enumerable.Range(0, count * rows * frames).Select(_ => (float)(-40 + 10 * rng.NextGaussian())).ToArray();
        var probs = predictor.PredictSegments(x, count, frames);
        var e = predictor.EmbedSegments(x, count, frames);
        int d = predictor.EmbeddingSize;
        Assert.Equal(count * d, e.Length);
        var output = model.Parameters.Where(p => p.Name.EndsWith(".weight", StringComparison.Ordinal)).Last();
        var bias = model.Parameters.Single(p => p.Name == output.Name.Replace(".weight", ".bias", StringComparison.Ordinal));
        Assert.Equal([k, d], output.Shape);
        for (int n = 0; n < count; n++)
        {
            var logits = Enumerable.Range(0, k).Select(c => bias.Data[c] + Enumerable.Range(0, d).Sum(j => (double)output.Data[c * d + j] * e[n * d + j])).ToArray();
            double max = logits.Max(), z = logits.Sum(l => Math.Exp(l - max));
            Close.Assert(logits.Select(l => (float)(Math.Exp(l - max) / z)).ToArray(), probs.AsSpan(n * k, k), 1e-5, 1e-4, $"segment {n}");
        }
    }

    internal static void AssertSameWeights(GenreModel expected, GenreModel actual)
    {
        Assert.Equal(expected.Parameters.Select(p => p.Name), actual.Parameters.Select(p => p.Name));
        foreach (var (e, a) in expected.Parameters.Concat(expected.Buffers).Zip(actual.Parameters.Concat(actual.Buffers)))
            Close.Assert(e.Data, a.Data, 0, 0, e.Name); // bitwise: zero tolerance
    }

    private static int ArgMax(ReadOnlySpan<float> x)
    {
        int arg = 0;
        for (int i = 1; i < x.Length; i++) if (x[i] > x[arg]) arg = i;
        return arg;
    }

    /// <summary>IProgress that reports synchronously (Progress&lt;T&gt; posts to the thread pool).</summary>
}
