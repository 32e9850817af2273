using System.Globalization;
using NAudio.Wave;
using PureHDF;
using Xunit.Abstractions;

namespace MusicGenre.Features.Tests.Golden;

/// <summary>
/// Every dataset of every preset in librosa-features.h5 (librosa 0.10.2), for every clip the file holds, within the
/// tolerances of ../shared/golden/README.md. Presets and clips are discovered from the file, so another file with the
/// same schema (MUSICGENRE_GOLDEN_DIR) is checked the same way.
/// </summary>
public class LibrosaGoldenTests(ITestOutputHelper output)
{
    private const string GoldenFile = "librosa-features.h5";

    /// <summary>Groups of the file that are un-segmented presets (everything except /audio and /seed_exact).</summary>
    public static TheoryData<string> FramePresets => ["librosa_default", "readme_100ms", "htk_40"];

    [SharedFact]
    public void FileHoldsOnlyKnownPresets()
    {
        using var h5 = new H5Golden(SharedData.Golden(GoldenFile));
        foreach (string group in h5.Children("/").Where(g => g != "audio"))
            Assert.Equal(group, FeaturePresets.Get(group).Name);
    }

    [SharedTheory]
    [MemberData(nameof(FramePresets))]
    [InlineData("seed_exact")]
    public void PresetParametersMatchGroupAttributes(string preset)
    {
        using var h5 = new H5Golden(SharedData.Golden(GoldenFile));
        if (!h5.Exists("/" + preset))
            return;
        FeatureOptions o = FeaturePresets.Get(preset);
        string g = "/" + preset;
        Assert.Equal(h5.NumberAttr("/", "sr"), o.SampleRate);
        Assert.Equal(h5.NumberAttr(g, "n_fft"), o.NFft);
        Assert.Equal(h5.NumberAttr(g, "hop_length"), o.HopLength);
        Assert.Equal(h5.NumberAttr(g, "win_length"), o.EffectiveWinLength);
        Assert.Equal(h5.StringAttr(g, "window"), o.Window.ToString().ToLowerInvariant());
        Assert.Equal(h5.NumberAttr(g, "center") != 0, o.Center);
        Assert.Equal(h5.StringAttr(g, "pad_mode"), o.PadMode.ToString().ToLowerInvariant());
        Assert.Equal(h5.NumberAttr(g, "power"), o.Power);
        Assert.Equal(h5.NumberAttr(g, "n_mels"), o.NMels);
        Assert.Equal(h5.NumberAttr(g, "fmin"), o.FMin);
        Assert.Equal(h5.NumberAttr(g, "fmax"), o.EffectiveFMax);
        Assert.Equal(h5.NumberAttr(g, "htk") != 0, o.MelScale == MelScale.Htk);
        Assert.Equal(h5.StringAttr(g, "norm"), o.MelNorm.ToString().ToLowerInvariant());
        Assert.Equal(h5.NumberAttr(g, "n_mfcc"), o.NMfcc);
        Assert.Equal(h5.NumberAttr(g, "db_amin"), o.Amin);
        Assert.Equal((double?)h5.NumberAttr(g, "db_top_db"), o.TopDb);
        if (preset == "seed_exact")
        {
            Assert.Equal((double?)h5.NumberAttr(g, "n_windows"), (double?)o.SegmentCount);
            Assert.Equal((double?)h5.NumberAttr(g, "window_samples"), (double?)o.SegmentLength);
            Assert.Equal((double?)h5.NumberAttr(g, "window_stride"), (double?)o.SegmentHop);
            Assert.Equal(DbReference.Max, o.DbReference);
        }
        else
        {
            Assert.Equal(h5.NumberAttr(g, "db_ref"), o.RefValue);
        }
    }

    [SharedTheory]
    [MemberData(nameof(FramePresets))]
    [InlineData("seed_exact")]
    public void WindowFilterbankAndFrequenciesMatch(string preset)
    {
        using var h5 = new H5Golden(SharedData.Golden(GoldenFile));
        if (!h5.Exists("/" + preset))
            return;
        var fx = new FeatureExtractor(FeaturePresets.Get(preset));
        FeatureOptions o = fx.Options;
        (float[] mel, int[] melShape) = h5.Float($"/{preset}/mel_basis");
        Assert.Equal([o.NMels, o.BinCount], melShape);
        Close.Assert(mel, fx.MelBasis, 1e-5 * Close.MaxAbs(mel), 0, $"{preset}/mel_basis");
        if (h5.Exists($"/{preset}/window"))
        {
            (double[] w, _) = h5.Double($"/{preset}/window");
            Close.Assert(w, fx.Window, 1e-5 * w.Max(Math.Abs), 0, $"{preset}/window");
            (double[] ff, _) = h5.Double($"/{preset}/fft_frequencies_hz");
            Close.Assert(ff, MelFilterbank.FftFrequencies(o.SampleRate, o.NFft), 0, 1e-6, $"{preset}/fft_frequencies_hz");
            (double[] mf, _) = h5.Double($"/{preset}/mel_frequencies_hz");
            Close.Assert(mf, MelFilterbank.MelFrequencies(o.NMels + 2, o.FMin, o.EffectiveFMax, o.MelScale), 0, 1e-6, $"{preset}/mel_frequencies_hz");
        }
    }

    [SharedTheory]
    [MemberData(nameof(FramePresets))]
    public void EveryClipMatches(string preset)
    {
        using var h5 = new H5Golden(SharedData.Golden(GoldenFile));
        if (!h5.Exists("/" + preset))
            return;
        var fx = new FeatureExtractor(FeaturePresets.Get(preset));
        string[] clips = ClipGroups(h5, "/" + preset);
        Assert.NotEmpty(clips);
        foreach (string clip in clips)
        {
            (float[] audio, _) = h5.Float($"/audio/{clip}");
            string g = $"/{preset}/{clip}";
            CheckFeature(h5, fx, FeatureKind.MelSpectrogram, audio, $"{g}/melspec");
            CheckFeature(h5, fx, FeatureKind.LogMel, audio, $"{g}/logmel");
            CheckFeature(h5, fx, FeatureKind.Mfcc, audio, $"{g}/mfcc");
            if (h5.Exists($"{g}/stft_re"))
            {
                (float[] eRe, int[] shape) = h5.Float($"{g}/stft_re");
                (float[] eIm, _) = h5.Float($"{g}/stft_im");
                Assert.Equal([fx.Options.BinCount, fx.FrameCount(audio.Length)], shape);
                var re = new float[eRe.Length];
                var im = new float[eIm.Length];
                fx.Stft(audio, re, im);
                Report($"{g}/stft_re", eRe, re);
                Report($"{g}/stft_im", eIm, im);
                Close.Assert(eRe, re, 1e-4, 1e-4, $"{g}/stft_re");
                Close.Assert(eIm, im, 1e-4, 1e-4, $"{g}/stft_im");
            }
        }
    }

    [SharedFact]
    public void SeedExactMatchesForEveryClip()
    {
        using var h5 = new H5Golden(SharedData.Golden(GoldenFile));
        if (!h5.Exists("/seed_exact"))
            return;
        var fx = new FeatureExtractor(FeaturePresets.SeedExact);
        string[] clips = ClipGroups(h5, "/seed_exact");
        Assert.NotEmpty(clips);
        foreach (string clip in clips)
        {
            float[] audio = ReadWav(SharedData.Data($"gtzan-mini/{clip.Split('.')[0]}/{clip}.wav"));
            Assert.Equal(h5.NumberAttr($"/seed_exact/{clip}", "full_length_samples"), audio.Length);
            string g = $"/seed_exact/{clip}";
            CheckFeature(h5, fx, FeatureKind.MelSpectrogram, audio, $"{g}/melspec");
            CheckFeature(h5, fx, FeatureKind.LogMel, audio, $"{g}/logmel_window_max");
            CheckFeature(h5, fx, FeatureKind.Mfcc, audio, $"{g}/mfcc");
        }
    }

    /// <summary>Computes one feature and compares it with the README tolerance for its kind.</summary>
    private void CheckFeature(H5Golden h5, FeatureExtractor fx, FeatureKind kind, float[] audio, string dataset)
    {
        (float[] expected, int[] shape) = h5.Float(dataset);
        Assert.Equal(shape, fx.Shape(kind, audio.Length));
        float[] actual = fx.Compute(kind, audio);
        Report(dataset, expected, actual);
        double max = Close.MaxAbs(expected);
        switch (kind)
        {
            case FeatureKind.LogMel:
                Close.Assert(expected, actual, 1e-3, 0, dataset);
                break;
            default:
                Close.Assert(expected, actual, 5e-4 * max, 1e-5, dataset);
                break;
        }
    }

    private void Report(string name, float[] expected, float[] actual)
    {
        double worst = 0, max = Close.MaxAbs(expected);
        for (int i = 0; i < expected.Length; i++)
            worst = Math.Max(worst, Math.Abs(expected[i] - actual[i]));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name}: max |diff| {worst:G3} (max |expected| {max:G4}, ratio {worst / max:G3})"));
    }

    /// <summary>The clip subgroups of a preset group (its groups; datasets such as mel_basis are skipped).</summary>
    private static string[] ClipGroups(H5Golden h5, string group) =>
        h5.File.Group(group).Children().OfType<IH5Group>().Select(c => c.Name).Order(StringComparer.Ordinal).ToArray();

    /// <summary>16-bit PCM WAV as int16 / 32768 (what librosa.load(sr=None) returns for these clips).</summary>
    private static float[] ReadWav(string path)
    {
        using var reader = new WaveFileReader(path);
        Assert.Equal(16, reader.WaveFormat.BitsPerSample);
        Assert.Equal(1, reader.WaveFormat.Channels);
        var bytes = new byte[reader.Length];
        int read = reader.Read(bytes, 0, bytes.Length);
        var samples = new float[read / 2];
        for (int i = 0; i < samples.Length; i++)
            samples[i] = BitConverter.ToInt16(bytes, 2 * i) / 32768f;
        return samples;
    }
}
