using MusicGenre.Features.Gpu;
using MusicGenre.Kernels.Runtime;

namespace MusicGenre.Features.Tests.Gpu;

/// <summary>
/// The GPU spectrogram against librosa 0.10.2 (librosa-features.h5) on the simulator (and CUDA when present): the
/// complex STFT on the frames of a short excerpt that lie wholly inside it (identical to librosa's frames of the full
/// clip), dB alone on librosa's own melspec, mel + log-mel + MFCC end to end on
/// full 10 s clips of every preset, and
/// seed_exact (segmented, reflect-padded, per-window ref = max) on its first 40 windows (those inside the stored 10 s).
/// Tolerances are those of ../shared/golden/README.md.
/// </summary>
public class GpuSpectrogramGoldenTests
{
    private const string File = "librosa-features.h5";

    // The presets and clips are those the golden file holds (all of ../shared's, or the smaller subset that the GPU check's
    // payload carries, benchmarks/gpu/golden_subset.py); without the file, the full set's names, so the cases still show.
    private static readonly string[] DefaultPresets = ["librosa_default", "readme_100ms", "htk_40"];
    private static readonly string[] DefaultClips = ["blues.00000", "classical.00000", "metal.00000", "reggae.00000"];

    // STFT cases: the clips with a stored STFT (the quietest/widest-range and the loudest clip in the full file).
    public static TheoryData<string, string, string> StftCases => Cases("stft_re", ["classical.00000", "metal.00000"]);

    // End-to-end cases: every clip with a stored log-mel.
    public static TheoryData<string, string, string> ClipCases => Cases("logmel", DefaultClips);

    // The seed_exact clip (the first one the file holds under /seed_exact).
    private static string SeedExactClip(H5Golden h5) =>
        h5.Children("/seed_exact").FirstOrDefault(c => h5.Exists($"/seed_exact/{c}/melspec")) ?? "blues.00000";

    [SharedTheory]
    [MemberData(nameof(StftCases))]
    public void Stft_MatchesLibrosa_OnExcerpt(string kindName, string preset, string clip)
    {
        var kind = Enum.Parse<DeviceKind>(kindName);
        using var h5 = new H5Golden(SharedData.Golden(File));
        var settings = GoldenSettings(h5, preset);
        var (audio, _) = h5.Float($"/audio/{clip}");
        var (eRe, shape) = h5.Float($"/{preset}/{clip}/stft_re");
        var (eIm, _) = h5.Float($"/{preset}/{clip}/stft_im");
        int nFreq = shape[0], goldenFrames = shape[1];
        float[] excerpt = audio[..ExcerptLength(settings)];

        lock (GpuTestDevices.Lock)
        {
            using var gpu = new GpuSpectrogram(GpuTestDevices.Get(kind).Accelerator, settings);
            var (re, im, p) = gpu.Stft(excerpt);
            int valid = ValidFrames(settings, excerpt.Length, p.TotalFrames);
            Assert.True(valid >= 8, $"excerpt gives only {valid} comparable frames");

            // Golden is [freq, frames] over the whole clip; ours is [frames, n_fft] over the excerpt.
            var (aRe, aIm, xRe, xIm) = (new float[nFreq * valid], new float[nFreq * valid], new float[nFreq * valid], new float[nFreq * valid]);
            for (int f = 0; f < nFreq; f++)
                for (int t = 0; t < valid; t++)
                {
                    aRe[f * valid + t] = re[t * settings.NFft + f];
                    aIm[f * valid + t] = im[t * settings.NFft + f];
                    xRe[f * valid + t] = eRe[f * goldenFrames + t];
                    xIm[f * valid + t] = eIm[f * goldenFrames + t];
                }
            Close.Assert(xRe, aRe, 1e-4, 1e-4, $"{kind} {preset}/{clip}/stft_re");
            Close.Assert(xIm, aIm, 1e-4, 1e-4, $"{kind} {preset}/{clip}/stft_im");
        }
    }

    [SharedTheory]
    [MemberData(nameof(ClipCases))]
    public void PowerToDb_MatchesLibrosa(string kindName, string preset, string clip)
    {
        var kind = Enum.Parse<DeviceKind>(kindName);
        using var h5 = new H5Golden(SharedData.Golden(File));
        var (mel, _) = h5.Float($"/{preset}/{clip}/melspec");
        var (expected, _) = h5.Float($"/{preset}/{clip}/logmel");
        lock (GpuTestDevices.Lock)
        {
            using var gpu = new GpuSpectrogram(GpuTestDevices.Get(kind).Accelerator, GoldenSettings(h5, preset));
            Close.Assert(expected, gpu.PowerToDb(mel), 1e-3, 0, $"{kind} {preset}/{clip}/logmel");
        }
    }

    [SharedTheory]
    [MemberData(nameof(StftCases))]
    public void FullClip_MatchesLibrosaMelLogMelAndMfcc(string kindName, string preset, string clip)
    {
        var kind = Enum.Parse<DeviceKind>(kindName);
        // Every frame of the 10 s clip, top_db floor over the whole clip.
        using var h5 = new H5Golden(SharedData.Golden(File));
        var (audio, _) = h5.Float($"/audio/{clip}");
        var (mel, melShape) = h5.Float($"/{preset}/{clip}/melspec");
        var (logmel, _) = h5.Float($"/{preset}/{clip}/logmel");
        var (mfcc, _) = h5.Float($"/{preset}/{clip}/mfcc");
        lock (GpuTestDevices.Lock)
        {
            // The preset as the CPU path defines it (window and filterbank built by MusicGenre.Features).
            using var gpu = new GpuSpectrogram(GpuTestDevices.Get(kind).Accelerator, GpuSpectrogramSettings.From(FeaturePresets.Get(preset)));
            var r = gpu.Compute(audio);
            Assert.Equal(melShape, new[] { r.NMels, r.Frames });
            Close.Assert(mel, r.MelSpec, 5e-4 * Close.MaxAbs(mel), 1e-5, $"{kind} {preset}/{clip}/melspec");
            Close.Assert(logmel, r.LogMel, 1e-3, 0, $"{kind} {preset}/{clip}/logmel");
            Close.Assert(mfcc, r.Mfcc, 5e-4 * Close.MaxAbs(mfcc), 1e-5, $"{kind} {preset}/{clip}/mfcc");
        }
    }

    [SharedTheory]
    [MemberData(nameof(Kinds))]
    public void SeedExact_FirstWindows_MatchLibrosa(string kindName)
    {
        var kind = Enum.Parse<DeviceKind>(kindName);
        // seed_exact windows 0..39 (100 ms every 40 ms, reflect-padded 5-frame melspec, dB with ref = each window's max).
        // They lie in the first 10 s, which /audio/blues.00000 holds bit-exactly.
        const int windows = 40;
        using var h5 = new H5Golden(SharedData.Golden(File));
        string clip = SeedExactClip(h5);
        var (audio, _) = h5.Float($"/audio/{clip}");
        var (mel, _) = h5.Float($"/seed_exact/{clip}/melspec");
        var (logmel, _) = h5.Float($"/seed_exact/{clip}/logmel_window_max");
        var (basis, _) = h5.Float("/seed_exact/mel_basis");
        int segLen = (int)h5.NumberAttr("/seed_exact", "window_samples"), segHop = (int)h5.NumberAttr("/seed_exact", "window_stride");
        int nFft = (int)h5.NumberAttr("/seed_exact", "n_fft");
        // The preset's own constants (599 segments, reflect padding, ref = max), limited to the windows the 10 s hold.
        var settings = GpuSpectrogramSettings.From(FeaturePresets.SeedExact) with { SegmentCount = windows };
        Assert.Equal((segLen, segHop, nFft), (settings.SegmentLength, settings.SegmentHop, settings.NFft));
        Close.Assert(basis, settings.MelBasis, 1e-5 * Close.MaxAbs(basis), 0, "seed_exact mel_basis");
        Assert.Equal("reflect", h5.StringAttr("/seed_exact", "pad_mode"));
        Assert.StartsWith("np.max", h5.StringAttr("/seed_exact", "db_ref"));
        lock (GpuTestDevices.Lock)
        {
            using var gpu = new GpuSpectrogram(GpuTestDevices.Get(kind).Accelerator, settings);
            var r = gpu.Compute(audio);
            Assert.Equal((windows, 128, 5), (r.Segments, r.NMels, r.Frames));
            int n = r.MelSpec.Length;
            Close.Assert(mel.AsSpan(0, n), r.MelSpec, 5e-4 * Close.MaxAbs(mel.AsSpan(0, n)), 1e-5, $"{kind} seed_exact melspec");
            Close.Assert(logmel.AsSpan(0, n), r.LogMel, 1e-3, 0, $"{kind} seed_exact logmel_window_max");
            var (mfcc, _) = h5.Float($"/seed_exact/{clip}/mfcc");
            int nm = r.Mfcc!.Length;
            Close.Assert(mfcc.AsSpan(0, nm), r.Mfcc, 5e-4 * Close.MaxAbs(mfcc.AsSpan(0, nm)), 1e-5, $"{kind} seed_exact mfcc");
        }
    }

    public static TheoryData<string> Kinds => GpuTestDevices.Kinds;

    /// <summary>Settings of a golden preset group, from its attributes, window and mel_basis datasets.</summary>
    internal static GpuSpectrogramSettings GoldenSettings(H5Golden h5, string preset)
    {
        string g = "/" + preset;
        var (basis, basisShape) = h5.Float($"{g}/mel_basis");
        var (window, _) = h5.Double($"{g}/window");
        return new GpuSpectrogramSettings
        {
            NFft = (int)h5.NumberAttr(g, "n_fft"),
            Hop = (int)h5.NumberAttr(g, "hop_length"),
            Window = [.. window.Select(v => (float)v)],
            Center = h5.NumberAttr(g, "center") != 0,
            ReflectPad = h5.StringAttr(g, "pad_mode") == "reflect",
            MelBasis = basis,
            NMels = basisShape[0],
            Amin = (float)h5.NumberAttr(g, "db_amin"),
            Ref = (float)h5.NumberAttr(g, "db_ref"),
            TopDb = (float)h5.NumberAttr(g, "db_top_db"),
        };
    }

    // About 12 frames: short enough for the simulator.
    private static int ExcerptLength(GpuSpectrogramSettings s) => 11 * s.Hop + s.NFft;

    // Frames whose samples all lie inside the excerpt equal librosa's frames of the full clip.
    private static int ValidFrames(GpuSpectrogramSettings s, int length, int frames)
    {
        int pad = s.Center ? s.NFft / 2 : 0, valid = 0;
        while (valid < frames && (long)valid * s.Hop - pad + s.NFft <= length) valid++;
        return valid;
    }

    private static TheoryData<string, string, string> Cases(string dataset, string[] defaultClips)
    {
        var data = new TheoryData<string, string, string>();
        var cases = new List<(string Preset, string Clip)>();
        string path = Path.Combine(SharedData.GoldenDir, File);
        if (System.IO.File.Exists(path))
        {
            using var h5 = new H5Golden(path);
            foreach (string preset in h5.Children("/").Where(g => g is not ("audio" or "seed_exact") && h5.Exists($"/{g}/mel_basis")).Order(StringComparer.Ordinal))
                foreach (string clip in h5.Children("/" + preset).Where(c => h5.Exists($"/{preset}/{c}/{dataset}") && h5.Exists($"/audio/{c}")).Order(StringComparer.Ordinal))
                    cases.Add((preset, clip));
        }
        else
            cases.AddRange(DefaultPresets.SelectMany(p => defaultClips.Select(c => (p, c))));
        foreach (var k in GpuDevice.TestKinds())
            foreach (var (p, c) in cases)
                data.Add(k.ToString(), p, c);
        return data;
    }
}
