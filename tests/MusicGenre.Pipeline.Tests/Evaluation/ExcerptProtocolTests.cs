using MusicGenre.Data.Datasets;
using MusicGenre.Pipeline.Evaluation;
using MusicGenre.Pipeline.Tests.Api;

namespace MusicGenre.Pipeline.Tests.Evaluation;

public sealed class ExcerptProtocolTests
{
    private static float[] Tone(int samples, float amplitude)
    {
        var x = new float[samples];
        for (int i = 0; i < x.Length; i++) x[i] = amplitude * MathF.Sin(i * 0.05f) * (1 + (i % 1000) / 2000f);
        return x;
    }

    private static List<float[]> Cut(float[] audio, int rate, string id, ExcerptProtocol protocol) =>
        AudioEvaluator.Excerpts(audio, rate, id, protocol).Select(e => e.Samples).ToList();

    /// <summary>Each excerpt says where it lies: at the recording's own level its samples are the clip's from its start.</summary>
    [Fact]
    public void Excerpts_SayWhereTheyStart()
    {
        var audio = Tone(22050 * 12, 0.3f);
        foreach (var (samples, start) in AudioEvaluator.Excerpts(audio, 22050, "s", new ExcerptProtocol { Level = ExcerptLevel.Original, PerSong = 6 }))
        {
            Assert.InRange(start, 0, audio.Length - samples.Length);
            Assert.Equal(audio.AsSpan(start, samples.Length).ToArray(), samples);
        }
    }

    [Fact]
    public void Excerpts_AreSeededBySongId_InRange_AndPeakNormalised()
    {
        var audio = Tone(22050 * 30, 0.2f);
        var protocol = new ExcerptProtocol { PerSong = 8 };
        var a = Cut(audio, 22050, "blues.00001", protocol);
        var again = Cut(audio, 22050, "blues.00001", protocol);
        var other = Cut(audio, 22050, "blues.00002", protocol);
        Assert.Equal(8, a.Count);
        for (int i = 0; i < a.Count; i++) Assert.Equal(a[i], again[i]);
        Assert.NotEqual(a.Select(x => x.Length), other.Select(x => x.Length));
        Assert.All(a, x =>
        {
            Assert.InRange(x.Length, 2 * 22050, 3 * 22050);
            Assert.Equal(1f, x.Max(Math.Abs), 6);
        });
        Assert.True(a.Select(x => x.Length).Distinct().Count() > 1, "lengths are drawn, not fixed");
    }

    [Fact]
    public void GainIsAppliedAfterTheLevel_AndClippedToFullScale()
    {
        var audio = Tone(22050 * 10, 0.3f);
        var quiet = Cut(audio, 22050, "s", new ExcerptProtocol { GainDb = -20 });
        Assert.All(quiet, x => Assert.Equal(0.1f, x.Max(Math.Abs), 5));
        var loud = Cut(audio, 22050, "s", new ExcerptProtocol { GainDb = 10 });
        Assert.All(loud, x => Assert.Equal(1f, x.Max(Math.Abs)));
        Assert.True(loud[0].Count(v => Math.Abs(v) == 1f) > 100, "+10 dB over a full-scale peak clips");
        var original = Cut(audio, 22050, "s", new ExcerptProtocol { Level = ExcerptLevel.Original });
        Assert.InRange(original[0].Max(Math.Abs), 0.3f, audio.Max(Math.Abs)); // the recording's own level (peak 0.45)
    }

    [Fact]
    public void AClipShorterThanTheDrawnLength_IsTakenWhole_ButNotOneShorterThanTheShortestExcerpt()
    {
        var audio = Tone(22050 * 5 / 2, 0.5f);
        var x = Cut(audio, 22050, "short", new ExcerptProtocol { MinSeconds = 2.5, MaxSeconds = 4, PerSong = 2 });
        Assert.All(x, e => Assert.Equal(audio.Length, e.Length));
        // Excerpts of 3–4 s cannot be cut from 2.5 s: scoring the whole clip under that name would be a silent substitute.
        var e = Assert.Throws<ArgumentException>(() => Cut(audio, 22050, "short", new ExcerptProtocol { MinSeconds = 3, MaxSeconds = 4, PerSong = 2 }));
        Assert.Equal("2.5 s long, shorter than the protocol's 3 s shortest excerpt; not scored by it", e.Message);
    }

    [Fact]
    public void InvalidProtocols_ListEveryProblem()
    {
        var p = new ExcerptProtocol { MinSeconds = 1, MaxSeconds = 0.5, PerSong = 0, GainDb = double.NaN }.Problems();
        Assert.Equal(3, p.Count);
        Assert.Empty(new ExcerptProtocol().Problems());
        Assert.Equal("5 excerpts of 2–3 s per song, peak-normalised to 0 dBFS, then -20 dB (clipped to ±1), seed 1234", new ExcerptProtocol { GainDb = -20 }.ToString());
    }

    [Fact]
    public void Evaluate_ScoresWholeClipsByWindow_AndExcerptsByExcerpt()
    {
        string dir = Path.Combine(SharedData.RepoRoot, "examples", "audio");
        var songs = Directory.GetFiles(dir, "*.wav").Order(StringComparer.Ordinal).Take(3)
            .Select((f, i) => new DatasetEntry(f, i, Path.GetFileNameWithoutExtension(f), null)).ToArray();
        var model = TinyModelFile.Model;
        var whole = AudioEvaluator.Evaluate(model, songs, threads: 2);
        int windows = songs.Sum(s => Prediction.Windows(s.Path));
        Assert.Equal(3, whole.Songs);
        Assert.Equal(windows, whole.Segments);
        var protocol = new ExcerptProtocol { PerSong = 4 };
        var excerpts = AudioEvaluator.Evaluate(model, songs, protocol, threads: 2);
        Assert.Equal(12, excerpts.Segments);
        Assert.Equal(3, excerpts.Songs);
        var again = AudioEvaluator.Evaluate(model, songs, protocol, threads: 1);
        Assert.Equal(excerpts.Outcomes.Select(o => o.Probabilities), again.Outcomes.Select(o => o.Probabilities)); // seeded, order-free
        Assert.All(excerpts.Outcomes, o => Assert.Equal(1.0, o.Probabilities.Sum(), 4));
    }

    [Fact]
    public void Evaluate_WhenNoSongCanBeRead_FailsNamingTheFirst()
    {
        string missing = Path.Combine(SharedData.NewTempDir(), "gone.wav");
        var songs = new[] { new DatasetEntry(missing, 0, "gone", null) };
        var skipped = new List<string>();
        var e = Assert.Throws<InvalidDataException>(() => AudioEvaluator.Evaluate(TinyModelFile.Model, songs, new ExcerptProtocol(), skipped: skipped.Add));
        Assert.Contains("gone.wav", e.Message);
        Assert.Single(skipped);
    }

    private static class Prediction
    {
        public static int Windows(string path)
        {
            var clip = Audio.AudioFile.Load(path);
            return new MusicGenre.Pipeline.Segmentation.ClipSegmentation(clip.SampleRate, 3.0).PredictionWindows(clip.Samples.Length).Count;
        }
    }
}
