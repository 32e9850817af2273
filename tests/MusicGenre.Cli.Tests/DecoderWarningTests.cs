namespace MusicGenre.Cli.Tests;

/// <summary>
/// The decoders' notes on a file (here a truncated WAV, decoded as far as it goes) reach the user from every command
/// that reads audio, not only predict: preprocess lists them after its summary, features prints its file's, evaluate
/// prints them and lists them in its report.
/// </summary>
public sealed class DecoderWarningTests
{
    [Fact]
    public void ATruncatedWav_IsNoted_ByPreprocessAndFeatures_AsByPredict()
    {
        string dir = SharedData.NewTempDir("musicgenre-decoder-warnings"), songs = Path.Combine(dir, "songs");
        string examples = Path.Combine(SharedData.RepoRoot, "examples", "audio");
        Directory.CreateDirectory(Path.Combine(songs, "metal"));
        Directory.CreateDirectory(Path.Combine(songs, "blues"));
        string cut = Path.Combine(songs, "metal", "cut.wav");
        var bytes = File.ReadAllBytes(Path.Combine(examples, "metal-riff.wav"));
        File.WriteAllBytes(cut, bytes[..(bytes.Length - 4000)]); // the data chunk declares 4,000 bytes more than follow
        File.Copy(Path.Combine(examples, "blues-shuffle.wav"), Path.Combine(songs, "blues", "whole.wav"));
        string expected = $"warning: {cut}: truncated WAV: the 'data' chunk declares";

        var preprocess = CliRunner.Run("preprocess", songs, "--out", Path.Combine(dir, "s.h5"), "--genres", "blues,metal");
        Assert.True(preprocess.Code == 0, preprocess.Err);
        Assert.Contains(expected, preprocess.Err);
        Assert.Single(preprocess.Err.Split('\n'), l => l.StartsWith("warning: ", StringComparison.Ordinal));

        var features = CliRunner.Run("features", cut, "--preset", "librosa_default", "--out", Path.Combine(dir, "f.h5"));
        Assert.True(features.Code == 0, features.Err);
        Assert.Contains(expected, features.Err);

        var predict = CliRunner.Run("predict", cut);
        Assert.True(predict.Code == 0, predict.Err);
        Assert.Contains(expected, predict.Err);

        string report = Path.Combine(dir, "report");
        var evaluate = CliRunner.Run("evaluate", Path.Combine(SharedData.RepoRoot, "models", "default.h5"), songs, "--report", report);
        Assert.True(evaluate.Code == 0, evaluate.Err);
        Assert.Contains(expected, evaluate.Err);
        string summary = File.ReadAllText(Path.Combine(report, "summary.md"));
        Assert.Contains("**Scored as far as they decode: 1 audio file**", summary);
        Assert.Contains("cut.wav: truncated WAV", summary);
        SharedData.DeleteTempDir(dir);
    }
}
