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
