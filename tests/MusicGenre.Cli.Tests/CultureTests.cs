using System.CommandLine;
using System.Globalization;

namespace MusicGenre.Cli.Tests;

/// <summary>
/// The CLI reads and writes one number syntax whatever the user's locale (LANG=de_DE.UTF-8 made <c>--lr 0.001</c> train at
/// learning rate 1, since the point groups thousands in German; Arabic refused <c>--gain -20</c>).
/// </summary>
public sealed class CultureTests
{
    private static readonly string Examples = Path.Combine(SharedData.RepoRoot, "examples", "audio");

    public static TheoryData<string> Cultures => ["", "de-DE", "tr-TR", "fr-FR", "ar-SA"];

    [Theory]
    [MemberData(nameof(Cultures))]
    public void NumberOptions_ReadAPointForDecimals_InEveryCulture(string culture)
    {
        InCulture(culture, () =>
        {
            var root = CliApp.BuildRoot();
            var parse = root.Parse(["train", "a.h5", "--out", "m.h5", "--lr", "0.001", "--clip", "0.5", "--val-split", "0.2",
                "--mixup", "2e-1", "--band-limit", "7600.5", "--weight-decay", "1E-2", "--epochs", "12", "--seed", "7"]);
            Assert.Empty(parse.Errors);
            Assert.Equal(0.001f, parse.GetValue<float>("--lr"));
            Assert.Equal(0.5f, parse.GetValue<float>("--clip"));
            Assert.Equal(0.2, parse.GetValue<double>("--val-split"));
            Assert.Equal(0.2f, parse.GetValue<float>("--mixup"));
            Assert.Equal(7600.5, parse.GetValue<double>("--band-limit"));
            Assert.Equal(0.01f, parse.GetValue<float>("--weight-decay"));
            Assert.Equal(12, parse.GetValue<int>("--epochs"));
            Assert.Equal(7UL, parse.GetValue<ulong>("--seed"));

            var gain = root.Parse(["evaluate", "m.h5", "d", "--excerpts", "2-3s", "--gain", "-20"]);
            Assert.Empty(gain.Errors);
            Assert.Equal(-20.0, gain.GetValue<double>("--gain"));
            var features = root.Parse(["features", "a.wav", "--preset", "htk_40", "--out", "f.h5", "--offset", "0.5", "--duration", "1.5"]);
            Assert.Empty(features.Errors);
            Assert.Equal((0.5, 1.5), (features.GetValue<double>("--offset"), features.GetValue<double?>("--duration")!.Value));
        });
    }

    /// <summary>A comma (a decimal comma, or thousands grouping) and non-numbers are usage errors naming the option, not a silent 1.</summary>
    [Theory]
    [MemberData(nameof(Cultures))]
    public void ACommaOrANonNumber_IsAUsageError_InEveryCulture(string culture)
    {
        InCulture(culture, () =>
        {
            foreach (var (args, expected) in new[]
            {
                (new[] { "predict", Examples, "--top", "1,000" }, "--top '1,000' is not a whole number"),
                (["tsne", "f.h5", "--out", "t.png", "--perplexity", "2,5"], "--perplexity '2,5' is not a number: write decimals with a point"),
                (["train", "a.h5", "--out", "m.h5", "--lr", "0,001"], "--lr '0,001' is not a number: write decimals with a point (e.g. 0.001)"),
                (["train", "a.h5", "--out", "m.h5", "--lr", "NaN"], "--lr 'NaN' is not a finite number"),
                (["train", "a.h5", "--out", "m.h5", "--clip", "1e39"], "--clip '1e39' is not a finite number"),
                (["train", "a.h5", "--out", "m.h5", "--seed", "-1"], "--seed '-1' is out of range (0 to 18446744073709551615)"),
            })
            {
                var r = CliRunner.Run(args);
                Assert.True(r.Code == 2, $"{string.Join(' ', args)}: exit {r.Code}: {r.Err}");
                Assert.Contains(expected, r.Err);
            }
        });
    }

    /// <summary>What the CLI prints is the same in every culture (the warning of a DC file used to read "DC offset 0,25").</summary>
    [Theory]
    [MemberData(nameof(Cultures))]
    public void Output_IsTheSame_InEveryCulture(string culture)
    {
        string dir = SharedData.NewTempDir("musicgenre-culture");
        string dc = Path.Combine(dir, "dc.wav");
        WriteConstantWav(dc, 0.25, 3 * 22050, 22050);
        string expected = "", got = "";
        foreach (var (c, set) in new[] { ("", (Action<string>)(s => expected = s)), (culture, s => got = s) })
            InCulture(c, () =>
            {
                var r = CliRunner.Run("predict", Examples, dc, "--json", "--windows", "--threads", "1");
                Assert.Equal(0, r.Code);
                // Standard output, and standard error but for its progress lines (they carry timings).
                set(r.Out + string.Join("\n", r.Err.Split('\n').Where(line => !line.StartsWith("predict:", StringComparison.Ordinal))));
            });
        Assert.Contains("DC offset 0.25", got);
        Assert.Equal(expected, got);
        // The run's culture does not outlive it (tests call the CLI in-process).
        InCulture(culture, () =>
        {
            CliRunner.Run("predict", dc);
            Assert.Equal(culture, CultureInfo.CurrentCulture.Name);
        });
    }

    /// <summary>A mono 16-bit PCM WAV holding <paramref name="frames"/> samples of one value.</summary>
    internal static void WriteConstantWav(string path, double value, int frames, int rate)
    {
        using var w = new BinaryWriter(File.Create(path));
        w.Write("RIFF"u8); w.Write(36 + 2 * frames); w.Write("WAVEfmt "u8);
        w.Write(16); w.Write((short)1); w.Write((short)1); w.Write(rate); w.Write(2 * rate); w.Write((short)2); w.Write((short)16);
        w.Write("data"u8); w.Write(2 * frames);
        for (int i = 0; i < frames; i++) w.Write((short)Math.Round(value * 32767));
    }

    /// <summary>
    /// A file name may hold a newline or a terminal escape: predict's result line and its error lines stay one line each,
    /// the characters shown as escapes (a name split a result line in two that scripts read line by line).
    /// </summary>
    [Fact]
    public void FileNamesWithControlCharacters_StayOnOneLine()
    {
        string dir = SharedData.NewTempDir("musicgenre-control-names");
        string song = Path.Combine(dir, "two\nlines\u001b[31m.wav"), junk = Path.Combine(dir, "bad\nname.wav");
        File.Copy(Path.Combine(SharedData.RepoRoot, "examples", "audio", "metal-riff.wav"), song);
        File.WriteAllText(junk, "not audio");

        var (code, stdout, stderr) = CliRunner.Run("predict", dir);
        Assert.True(code == 1, $"exit {code}: {stderr}"); // one file failed
        var line = Assert.Single(stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith(Path.Combine(dir, "two\\nlines\\u001b[31m.wav") + ": ", line);
        var error = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries), l => l.Contains("error", StringComparison.Ordinal));
        Assert.Contains("bad\\nname.wav", error);
        Assert.DoesNotContain('\u001b', stdout + stderr);
    }

    private static void InCulture(string name, Action action)
    {
        var (culture, ui) = (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture);
        CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo(name);
        try { action(); }
        finally { (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture) = (culture, ui); }
    }
}
