using MusicGenre.Nn.Architectures;
using MusicGenre.Nn.Initialization;
using MusicGenre.Nn.ModelFile;
using MusicGenre.Pipeline.Evaluation;
using MusicGenre.Pipeline.Prediction;
using MusicGenre.Pipeline.Segmentation;
using MusicGenre.Pipeline.Tests.Api;

namespace MusicGenre.Pipeline.Tests.Segmentation;

/// <summary>
/// A model whose architecture takes one fixed window length (<c>lachmish2016</c>, 3 s) cannot classify a shorter clip
/// without padding it: such clips, and an excerpt protocol shorter than the window, are refused with the reason.
/// </summary>
public sealed class FixedWindowModelTests
{
    private static GenreModel Lachmish()
    {
        var spec = ArchitectureCatalog.Create(ArchitectureCatalog.Lachmish2016,
            new Dictionary<string, double> { ["mels"] = 128, ["frames"] = 130, ["dense"] = 8, ["classes"] = 10 });
        var rng = new Rng(3);
        ModelTensor Random(TensorSpec t) => new(t.Name, t.Shape, Enumerable.Range(0, (int)t.Length).Select(_ => 0.1f * (float)rng.NextGaussian()).ToArray());
        return new GenreModel
        {
            Architecture = ArchitectureCatalog.Lachmish2016,
            HyperParameters = spec.HyperParameters,
            FeaturePreset = "librosa_default",
            Labels = ["blues", "classical", "country", "disco", "hiphop", "jazz", "metal", "pop", "reggae", "rock"],
            Parameters = spec.ParameterSpecs().Select(Random).ToList(),
            Buffers = spec.BufferSpecs().Select(t => new ModelTensor(t.Name, t.Shape, Enumerable.Repeat(t.Name.EndsWith("var") ? 1f : 0f, (int)t.Length).ToArray())).ToList(),
            Normalization = new InputNormalization(NormalizationMode.PerMel, new float[128], Enumerable.Repeat(1f, 128).ToArray()),
        };
    }

    [Fact]
    public void ClipsShorterThanTheWindow_AreRefused_WithTheReason()
    {
        var model = Lachmish();
        var cut = ClipSegmentation.For(model, 22050);
        Assert.Equal(3.0, cut.MinSeconds);
        Assert.Empty(cut.PredictionWindows(55125));                  // 2.5 s
        Assert.Equal([(0L, 66150)], cut.PredictionWindows(66150));  // exactly one window
        Assert.Equal("too short: 2.5 s < 3 s minimum (model architecture 'lachmish2016' takes fixed 3 s windows)", cut.TooShort(55125));

        var classifier = new SongClassifier(model);
        var noise = new Random(1);
        float[] Clip(int n) => Enumerable.Range(0, n).Select(_ => (float)(noise.NextDouble() - 0.5)).ToArray();
        var e = Assert.Throws<ArgumentException>(() => classifier.Classify(Clip(55125), 22050, "short.wav"));
        Assert.StartsWith("short.wav: too short: 2.5 s", e.Message);
        Assert.Contains("takes fixed 3 s windows", e.Message);
        Assert.Equal(1, classifier.Classify(Clip(66150), 22050, "three.wav").SegmentCount);

        // The default architecture pools over time: its models keep the 2 s minimum.
        Assert.Equal(ClipSegmentation.DefaultMinSeconds, ClipSegmentation.For(TinyModelFile.Model, 22050).MinSeconds);
    }

    [Fact]
    public void AnExcerptProtocolShorterThanTheWindow_IsRefusedOnce_BeforeAnySongIsRead()
    {
        var e = Assert.Throws<ArgumentException>(() => AudioEvaluator.EvaluateEach(Lachmish(),
            [new MusicGenre.Data.Datasets.DatasetEntry("/nonexistent/a.wav", 0, "blues/a", null)], [new ExcerptProtocol { MinSeconds = 2, MaxSeconds = 3 }]));
        // The same words as cross-validation's up-front check (ClipSegmentation.ExcerptsTooShort: one statement of the rule).
        Assert.StartsWith("excerpts of 2-3 s are too short for this model (model architecture 'lachmish2016' takes fixed 3 s windows); use excerpts of at least 3 s (", e.Message);
    }
}
