using MusicGenre.Audio;
using MusicGenre.Nn.ModelFile;
using MusicGenre.Api;
using MusicGenre.Pipeline.Prediction;
using MusicGenre.Pipeline.Tests.Preprocess;

namespace MusicGenre.Pipeline.Tests.Prediction;

/// <summary>
/// Prediction streams a file window by window; it must give exactly what classifying the whole decoded clip gives (the
/// same windows, features, batches and probabilities, bit for bit), for every way a clip can end.
/// </summary>
public sealed class StreamingClassificationTests
{
    private static readonly Lazy<GenreModel> Bundled = new(() => ModelFileReader.Read(Path.Combine(SharedData.RepoRoot, "models", "default.h5")));

    public static TheoryData<string, double> Clips => new()
    {
        { "gtzan-mini/blues/blues.00000.wav", 0 },   // 30.013 s: 10 whole windows and one that ends at the clip's end
        { "gtzan-mini/metal/metal.00003.wav", 2.5 }, // a 2.5 s excerpt: one window of its own length
        { "gtzan-mini/metal/metal.00003.wav", 3.0 }, // exactly one segment
        { "gtzan-mini/jazz/jazz.00001.wav", 6.0 },   // exactly two segments: no end window
        { "gtzan-val/classical/classical.00051.wav", 0 }, // 44.1 kHz stereo: resampled by the reader
    };

    [SharedTheory]
    [MemberData(nameof(Clips))]
    public void Streamed_EqualsWholeClip_BitForBit(string relative, double seconds)
    {
        string path = SharedData.Data(relative);
        if (seconds > 0)
        {
            // A WAV of exactly `seconds` at 22.05 kHz cut from the song.
            var clip = AudioFile.Load(path);
            string cut = Path.Combine(SharedData.NewTempDir("musicgenre-stream"), "cut.wav");
            TestAudio.WriteWav16(cut, clip.Samples.AsSpan(0, (int)Math.Round(seconds * clip.SampleRate)), 1, clip.SampleRate);
            path = cut;
        }
        using var classifier = new SongClassifier(Bundled.Value);
        var whole = AudioFile.Load(path, new AudioLoadOptions { TargetSampleRate = classifier.SampleRate });
        var expected = classifier.Classify(whole.Samples, whole.SampleRate, path, whole.Warning);
        using var reader = AudioStreamReader.Open(path, new AudioLoadOptions { TargetSampleRate = classifier.SampleRate });
        var actual = classifier.Classify(reader, path);
        AssertSame(expected, actual);
    }

    [Fact]
    public void ALongClip_ManyBatches_AndTheEndWindow_MatchTheWholeClip()
    {
        // 200.3 s of noise at the model's rate: 66 whole windows (4 full batches of 16 and a partial one) + an end window.
        using var classifier = new SongClassifier(Bundled.Value);
        string path = Path.Combine(SharedData.NewTempDir("musicgenre-stream"), "long.wav");
        TestAudio.WriteWav(path, 200.3, classifier.SampleRate, seed: 4);
        var whole = AudioFile.Load(path, new AudioLoadOptions { TargetSampleRate = classifier.SampleRate });
        var expected = classifier.Classify(whole.Samples, whole.SampleRate, path, whole.Warning);
        using var reader = AudioStreamReader.Open(path, new AudioLoadOptions { TargetSampleRate = classifier.SampleRate });
        var actual = classifier.Classify(reader, path);
        Assert.Equal(67, actual.SegmentCount);
        AssertSame(expected, actual);
    }

    [Fact]
    public void Streamed_RefusesShortClipsAndBadSamples_AndWarnsOnSilence_LikeTheWholeClip()
    {
        using var classifier = new SongClassifier(Bundled.Value);
        int rate = classifier.SampleRate;
        string dir = SharedData.NewTempDir("musicgenre-stream");
        GenrePrediction Stream(string file)
        {
            using var reader = AudioStreamReader.Open(file, new AudioLoadOptions { TargetSampleRate = rate });
            return classifier.Classify(reader, file);
        }
        // 1.5 s: too short.
        string shortFile = Path.Combine(dir, "short.wav");
        TestAudio.WriteWav(shortFile, 1.5, rate, seed: 1);
        Assert.Contains("too short: 1.5 s < 2 s", Assert.Throws<ArgumentException>(() => Stream(shortFile)).Message);
        // 10 s of digital silence: an answer with a warning.
        string silent = Path.Combine(dir, "silent.wav");
        TestAudio.WriteWav16(silent, new float[10 * rate], 1, rate);
        Assert.Contains("digital silence", Stream(silent).Warning);
        // A float WAV with a NaN at 7.5 s: refused by the decoder, naming the file, the sample and its time (counted
        // across windows).
        var samples = new float[10 * rate];
        samples[(int)(7.5 * rate)] = float.NaN;
        string nan = Path.Combine(dir, "nan.wav");
        WriteFloatWav(nan, samples, rate);
        var e = Assert.Throws<MusicGenre.Audio.AudioFormatException>(() => Stream(nan));
        Assert.StartsWith(nan + ": ", e.Message);
        Assert.Contains($"sample {(int)(7.5 * rate)} (7.5 s) is NaN", e.Message);
    }

    [Fact]
    public void SilentWindows_AreLeftOutOfTheSongsGenreAndEmbedding_OnBothPaths()
    {
        // A: 6 s of noise (two windows). B: 6 s of digital silence, then A — windows 0–1 silent, 2–3 exactly A's windows.
        using var classifier = new SongClassifier(Bundled.Value, embeddings: true);
        int rate = classifier.SampleRate;
        string dir = SharedData.NewTempDir("musicgenre-silent");
        var music = TestAudio.WriteWav(Path.Combine(dir, "a.wav"), 6, rate, seed: 5);
        var a = classifier.Classify(music, rate, "a");
        var withIntro = new float[12 * rate];
        music.CopyTo(withIntro, 6 * rate);
        string b = Path.Combine(dir, "b.wav");
        WriteFloatWav(b, withIntro, rate);
        var whole = classifier.Classify(withIntro, rate, b);
        GenrePrediction streamed;
        using (var reader = AudioStreamReader.Open(b, new AudioLoadOptions { TargetSampleRate = rate })) streamed = classifier.Classify(reader, b);
        foreach (var p in new[] { whole, streamed })
        {
            Assert.Equal(4, p.SegmentCount);
            Assert.Equal([true, true, false, false], Enumerable.Range(0, 4).Select(p.SegmentIsSilent));
            Assert.True(p.SegmentProbabilities(2).SequenceEqual(a.SegmentProbabilities(0)) && p.SegmentProbabilities(3).SequenceEqual(a.SegmentProbabilities(1)));
            // The song's genre and embedding are A's, bit for bit; the silent windows' own answers are still given.
            Assert.Equal(a.Scores, p.Scores);
            Assert.Equal(a.Embedding, p.Embedding);
            Assert.Null(p.Warning);
        }
        Assert.Equal([false, false], Enumerable.Range(0, 2).Select(a.SegmentIsSilent));

        // Every window silent: the mean of all of them (and the clip's warning), not nothing.
        var silence = classifier.Classify(new float[6 * rate], rate, "silence");
        Assert.True(silence.SegmentIsSilent(0) && silence.SegmentIsSilent(1));
        var mean = Enumerable.Range(0, 10).Select(g => (float)(((double)silence.SegmentProbabilities(0)[g] + silence.SegmentProbabilities(1)[g]) / 2));
        Assert.Equal(mean, silence.Scores.Select(x => x.Probability));
        Assert.Contains("digital silence", silence.Warning);
    }

    [Theory]
    [InlineData(-79.5, false)]
    [InlineData(-80.5, true)]
    public void AWindowIsSilent_BelowMinus80DbfsRms_WhateverItsDcOffset(double dbfs, bool silent)
    {
        // A 1 kHz sine of RMS `dbfs` on a DC offset of 0.5 (a constant is no signal).
        double amplitude = Math.Sqrt(2) * Math.Pow(10, dbfs / 20);
        var window = Enumerable.Range(0, 66150).Select(i => (float)(0.5 + amplitude * Math.Sin(2 * Math.PI * 1000 * i / 22050.0))).ToArray();
        Assert.Equal(silent, SongClassifier.IsSilent(window));
        Assert.True(SongClassifier.IsSilent(new float[66150]));
    }

    private static void AssertSame(GenrePrediction expected, GenrePrediction actual)
    {
        Assert.Equal(expected.SegmentCount, actual.SegmentCount);
        Assert.Equal(expected.SegmentSeconds, actual.SegmentSeconds);
        Assert.Equal(expected.Warning, actual.Warning);
        for (int s = 0; s < expected.SegmentCount; s++)
            Assert.True(expected.SegmentProbabilities(s).SequenceEqual(actual.SegmentProbabilities(s)), $"window {s} differs");
        Assert.Equal(expected.Scores.Select(x => x.Probability), actual.Scores.Select(x => x.Probability));
    }

    private static void WriteFloatWav(string path, float[] samples, int rate)
    {
        using var w = new BinaryWriter(File.Create(path));
        int bytes = samples.Length * 4;
        w.Write("RIFF"u8); w.Write(36 + bytes); w.Write("WAVE"u8);
        w.Write("fmt "u8); w.Write(16); w.Write((short)3); w.Write((short)1); w.Write(rate); w.Write(rate * 4); w.Write((short)4); w.Write((short)32);
        w.Write("data"u8); w.Write(bytes);
        foreach (float v in samples) w.Write(v);
    }
}
