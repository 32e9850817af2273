using System.Diagnostics;
using System.Globalization;
using MusicGenre.Api;
using MusicGenre.Audio;
using MusicGenre.Data.Datasets;
using MusicGenre.Pipeline.Evaluation;
using MusicGenre.Pipeline.Prediction;
using MusicGenre.Pipeline.Tests.Preprocess;
using Xunit.Abstractions;

namespace MusicGenre.Pipeline.Tests.Robustness;

/// <summary>
/// The bundled model must give the same answer for the same music whatever its level, bandwidth, format and length
/// (issue 9). The clips are real GTZAN songs: all of gtzan-val (never trained on) and two songs per genre of
/// gtzan-mini (the training set, which holds the full-band 22 kHz recordings).
/// </summary>
public sealed class BundledModelInvarianceTests : IClassFixture<BundledModelInvarianceTests.Clips>
{
    /// <summary>The clips, decoded once at 22.05 kHz mono, with the bundled model's answer for each.</summary>
    public sealed class Clips : IDisposable
    {
        public Clips()
        {
            if (SharedData.SkipReason is not null) return;
            Classifier = GenreClassifier.LoadDefault(new ClassifierOptions { ThreadCount = Environment.ProcessorCount });
            var val = GtzanFolder.Load(Path.Combine(SharedData.DataDir, "gtzan-val")).Entries;
            var mini = GtzanFolder.Load(Path.Combine(SharedData.DataDir, "gtzan-mini")).Entries
                .Where(e => e.SongId.EndsWith(".00000", StringComparison.Ordinal) || e.SongId.EndsWith(".00005", StringComparison.Ordinal));
            Songs = val.Concat(mini).ToArray();
            Audio = Songs.Select(s => AudioFile.Load(s.Path).Samples).ToArray();
            Original = Predict(Audio, (x, _) => x, 22050);
        }

        public GenreClassifier Classifier { get; } = null!;
        internal DatasetEntry[] Songs { get; } = [];
        public float[][] Audio { get; } = [];
        public string[] Original { get; } = [];

        /// <summary>Top genre of every clip after <paramref name="transform"/> (given the clip and its index), in parallel.</summary>
        public string[] Predict(float[][] clips, Func<float[], int, float[]> transform, int rate)
        {
            var top = new string[clips.Length];
            Parallel.For(0, clips.Length, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount },
                i => top[i] = Classifier.Predict(transform(clips[i], i), rate, Songs[i].SongId).Top.Genre);
            return top;
        }

        public void Dispose() => Classifier?.Dispose();
    }

    private readonly ITestOutputHelper output;
    private readonly Clips _clips;

    public BundledModelInvarianceTests(ITestOutputHelper output, Clips clips)
    {
        this.output = output;
        _clips = clips;
    }

    private double Agreement(string[] answers, string what)
    {
        int same = answers.Where((a, i) => a == _clips.Original[i]).Count();
        var changed = answers.Select((a, i) => (a, i)).Where(x => x.a != _clips.Original[x.i])
            .Select(x => $"{_clips.Songs[x.i].SongId}: {_clips.Original[x.i]} → {x.a}");
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{what}: {same}/{answers.Length} unchanged{(same < answers.Length ? "; " + string.Join(", ", changed) : "")}"));
        return (double)same / answers.Length;
    }

    [SharedTheory]
    [InlineData(-30)]
    [InlineData(-20)]
    [InlineData(-10)]
    [InlineData(10)]
    public void Level_TopGenreUnchangedOn95PercentOfClips(double gainDb)
    {
        // Gain on the samples, then clipped to ±1 as a converter would (at +10 dB loud masters clip hard).
        float g = (float)Math.Pow(10, gainDb / 20);
        var answers = _clips.Predict(_clips.Audio, (x, _) => x.Select(v => Math.Clamp(v * g, -1f, 1f)).ToArray(), 22050);
        Assert.True(Agreement(answers, $"{gainDb:+0;-0} dB") >= 0.95);
    }

    [SharedFact]
    public void Bandwidth_16kHz_TopGenreUnchangedOn90PercentOfClips()
    {
        var answers = _clips.Predict(_clips.Audio, (x, _) => SongClassifier.Resample(x, 22050, 16000), 16000);
        Assert.True(Agreement(answers, "resampled to 16 kHz") >= 0.90);
    }

    [SharedFact]
    public void Bandwidth_LowPass8kHz_TopGenreUnchangedOn90PercentOfClips()
    {
        var answers = _clips.Predict(_clips.Audio, (x, _) => LowPass(x, 8000, 22050), 22050);
        Assert.True(Agreement(answers, "low-passed at 8 kHz") >= 0.90);
    }

    [SharedFact]
    public void Format_44kHzStereoWav_TopGenreUnchangedOn90PercentOfClips()
    {
        // Written as a 44.1 kHz stereo 16-bit file (slightly different left and right) and read back through the decoder.
        var answers = PredictFiles((audio, stem) =>
        {
            var up = SongClassifier.Resample(audio, 22050, 44100);
            var stereo = new float[up.Length * 2];
            for (int t = 0; t < up.Length; t++) { stereo[2 * t] = up[t] * 0.9f; stereo[2 * t + 1] = up[t] * 0.8f; }
            TestAudio.WriteWav16(stem + ".wav", stereo, 2, 44100);
            return stem + ".wav";
        });
        Assert.True(Agreement(answers, "44.1 kHz stereo WAV") >= 0.90);
    }

    [SharedFact]
    public void Format_Mp3At64kbps_TopGenreUnchangedOn90PercentOfClips()
    {
        // Debian's lame encodes each clip (22.05 kHz mono WAV) at 64 kbit/s; our decoder reads it back.
        var answers = PredictFiles((audio, stem) =>
        {
            TestAudio.WriteWav16(stem + ".wav", audio, 1, 22050);
            Lame(stem + ".wav", stem + ".mp3");
            return stem + ".mp3";
        });
        Assert.True(Agreement(answers, "MP3 64 kbit/s (lame)") >= 0.90);
    }

    /// <summary>Top genre of every clip after <paramref name="write"/> turned it into a file (given the audio and a temp path stem).</summary>
    private string[] PredictFiles(Func<float[], string, string> write)
    {
        string dir = SharedData.NewTempDir();
        var answers = new string[_clips.Audio.Length];
        Parallel.For(0, answers.Length, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, i =>
        {
            string file = write(_clips.Audio[i], Path.Combine(dir, _clips.Songs[i].SongId.Replace('/', '_')));
            answers[i] = _clips.Classifier.Predict(file).Top.Genre;
        });
        Directory.Delete(dir, true);
        return answers;
    }

    [SharedFact]
    public void Length_ExcerptAccuracyIsWithin10PointsOfWholeClipAccuracy()
    {
        // The robustness protocol (5 peak-normalised excerpts of 2–3 s per song) against whole clips, on the unseen songs.
        var model = Nn.ModelFile.ModelFileReader.Read(Path.Combine(SharedData.RepoRoot, "models", "default.h5"));
        var val = GtzanFolder.Load(Path.Combine(SharedData.DataDir, "gtzan-val")).Entries;
        var whole = AudioEvaluator.Evaluate(model, val);
        var excerpts = AudioEvaluator.Evaluate(model, val, new ExcerptProtocol());
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"gtzan-val: whole clips {whole.SongAccuracy:P1} of songs; excerpts {excerpts.SegmentAccuracy:P1} of {excerpts.Segments}"));
        Assert.Equal(val.Count * 5, excerpts.Segments);
        Assert.True(Math.Abs(whole.SongAccuracy - excerpts.SegmentAccuracy) <= 0.10);
    }

    /// <summary>A linear-phase low-pass: 255-tap windowed sinc (Blackman) at <paramref name="cutoffHz"/>.</summary>
    private static float[] LowPass(float[] x, double cutoffHz, int rate)
    {
        const int taps = 255, half = taps / 2;
        var h = new double[taps];
        double fc = cutoffHz / rate, sum = 0;
        for (int i = 0; i < taps; i++)
        {
            int k = i - half;
            double sinc = k == 0 ? 2 * fc : Math.Sin(2 * Math.PI * fc * k) / (Math.PI * k);
            double w = 0.42 - 0.5 * Math.Cos(2 * Math.PI * i / (taps - 1)) + 0.08 * Math.Cos(4 * Math.PI * i / (taps - 1));
            sum += h[i] = sinc * w;
        }
        var y = new float[x.Length];
        for (int n = 0; n < x.Length; n++)
        {
            double acc = 0;
            int lo = Math.Max(0, n - half), hi = Math.Min(x.Length - 1, n + half);
            for (int m = lo; m <= hi; m++) acc += h[n - m + half] * x[m];
            y[n] = (float)(acc / sum);
        }
        return y;
    }

    private static void Lame(string wav, string mp3)
    {
        var psi = new ProcessStartInfo("lame", ["--quiet", "-b", "64", wav, mp3]) { RedirectStandardError = true };
        Process process;
        try { process = Process.Start(psi)!; }
        catch (System.ComponentModel.Win32Exception e) { throw new InvalidOperationException("Debian's lame is needed for the MP3 test (apt-get install lame; .ci/run installs it)", e); }
        using (process)
        {
            string err = process.StandardError.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode != 0) throw new InvalidOperationException($"lame failed on {wav}: {err}");
        }
    }
}
