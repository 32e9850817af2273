namespace MusicGenre.Cli.Tests;

public class FeaturesCommandTests
{
    [SharedFact]
    public void WritesLibrosaExactLogMelForTheFirstTenSeconds()
    {
        string dir = SharedData.NewTempDir();
        string outPath = Path.Combine(dir, "blues.h5");
        var (code, stdout, stderr) = CliRunner.Run("features", SharedData.Data("gtzan-mini/blues/blues.00000.wav"),
            "--preset", "librosa_default", "--duration", "10", "--out", outPath);
        Assert.True(code == 0, stderr);
        Assert.Contains("/logmel [128, 431]", stdout);

        using var golden = new H5Golden(SharedData.Golden("librosa-features.h5"));
        using var written = new H5Golden(outPath);
        foreach (var name in new[] { "melspec", "logmel", "mfcc" })
        {
            var (expected, shape) = golden.Float($"/librosa_default/blues.00000/{name}");
            var (actual, actualShape) = written.Float($"/{name}");
            Assert.Equal(shape, actualShape);
            double max = Close.MaxAbs(expected);
            // Tolerances of ../shared/golden/README.md: melspec 5e-4·max + 1e-5 rel, log-mel 1e-3 dB, MFCC 5e-4·max + 1e-5 rel.
            (double atol, double rtol) = name == "logmel" ? (1e-3, 0) : (5e-4 * max, 1e-5);
            Close.Assert(expected, actual, atol, rtol, name);
        }
        Assert.Equal("librosa_default", written.StringAttr("/", "preset"));
        Assert.Equal(2048, written.NumberAttr("/", "n_fft"));
        // Provenance: where the audio came from, at what rate, and which part of it was analysed.
        Assert.Equal(SharedData.Data("gtzan-mini/blues/blues.00000.wav"), written.StringAttr("/", "source_path"));
        Assert.Equal(22050, written.NumberAttr("/", "source_sample_rate"));
        Assert.Equal(1, written.NumberAttr("/", "source_channels"));
        Assert.Equal(10.0, written.NumberAttr("/", "analysed_seconds"), 6);
        Assert.Equal(0.0, written.NumberAttr("/", "offset_seconds"));

        // A 16 kHz file is resampled to the preset's 22,050 Hz: the file says so, with the part analysed.
        string val = Path.Combine(dir, "val.h5"), source = Directory.GetFiles(Path.Combine(SharedData.DataDir, "gtzan-val", "blues")).Order().First();
        var resampled = CliRunner.Run("features", source, "--offset", "1.5", "--duration", "4", "--out", val);
        Assert.True(resampled.Code == 0, resampled.Err);
        using var v = new H5Golden(val);
        Assert.Equal(16000, v.NumberAttr("/", "source_sample_rate"));
        Assert.Equal(22050, v.NumberAttr("/", "sr"));
        Assert.Equal((1.5, 4.0), (v.NumberAttr("/", "offset_seconds"), Math.Round(v.NumberAttr("/", "analysed_seconds"), 6)));
    }

    [SharedFact]
    public void SeedExactFileHasTheOriginalProjectsShapeAndIsReadableByH5py()
    {
        string dir = SharedData.NewTempDir();
        string outPath = Path.Combine(dir, "seed.h5");
        var (code, _, stderr) = CliRunner.Run("features", SharedData.Data("gtzan-mini/classical/classical.00000.wav"),
            "--preset", "seed_exact", "--out", outPath);
        Assert.True(code == 0, stderr);
        using (var written = new H5Golden(outPath))
        using (var golden = new H5Golden(SharedData.Golden("librosa-features.h5")))
        {
            var (expected, shape) = golden.Float("/seed_exact/classical.00000/logmel_window_max");
            var (actual, actualShape) = written.Float("/logmel");
            Assert.Equal(new[] { 599, 128, 5 }, actualShape);
            Assert.Equal(shape, actualShape);
            Close.Assert(expected, actual, 1e-3, 0, "seed_exact logmel");
        }

        int rc = Python.Run("import h5py,sys; f=h5py.File(sys.argv[1],'r'); print(f['logmel'].shape, f['mfcc'].dtype, f.attrs['preset'])", out string output, outPath);
        Assert.True(rc == 0, output);
        Assert.Contains("(599, 128, 5) float32 seed_exact", output);
    }

    [Fact]
    public void UsageMistakesExitWithTwoAndOneLine()
    {
        string dir = SharedData.NewTempDir();
        var missing = CliRunner.Run("features", Path.Combine(dir, "nope.wav"), "--out", Path.Combine(dir, "x.h5"));
        Assert.Equal(2, missing.Code);
        Assert.Contains("nope.wav", missing.Err);

        string wav = Path.Combine(dir, "tone.wav");
        File.WriteAllBytes(wav, [0x52, 0x49]);
        var preset = CliRunner.Run("features", wav, "--preset", "bogus", "--out", Path.Combine(dir, "x.h5"));
        Assert.Equal(2, preset.Code);
        Assert.Contains("unknown preset 'bogus'", preset.Err);
        // preprocess lists only the presets it takes (seed_exact cuts its own windows).
        var pre = CliRunner.Run("preprocess", dir, "--preset", "bogus", "--out", Path.Combine(dir, "s.h5"));
        Assert.Equal(2, pre.Code);
        Assert.Contains("presets preprocess takes: librosa_default, readme_100ms, htk_40", pre.Err);
        Assert.DoesNotContain("seed_exact", pre.Err);

        var noOut = CliRunner.Run("features", wav);
        Assert.Equal(2, noOut.Code);

        var unknown = CliRunner.Run("no-such-command");
        Assert.Equal(2, unknown.Code);
    }

    [Fact]
    public void ATextFileIsAFailureNamingTheFile()
    {
        string dir = SharedData.NewTempDir();
        string notAudio = Path.Combine(dir, "notes.wav");
        File.WriteAllText(notAudio, "these are not samples, just text pretending to be a wave file");
        string outPath = Path.Combine(dir, "out.h5");
        var (code, _, stderr) = CliRunner.Run("features", notAudio, "--out", outPath);
        Assert.Equal(1, code);
        Assert.Contains("notes.wav", stderr);
        Assert.Single(stderr.Trim().Split('\n'));
        Assert.False(File.Exists(outPath));
    }
}
