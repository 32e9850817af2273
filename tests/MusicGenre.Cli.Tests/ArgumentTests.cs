using MusicGenre.Cli.Commands;

namespace MusicGenre.Cli.Tests;

/// <summary>Option values that read one way and used to mean another.</summary>
public sealed class ArgumentTests
{
    private static readonly string Examples = Path.Combine(SharedData.RepoRoot, "examples", "audio");

    /// <summary>A unit after a range applies to both ends: 2000-3000ms is 2–3 s (it was 2000 s to 3 s, refused as "2000-3 s").</summary>
    [Theory]
    [InlineData("2000-3000ms", 2.0, 3.0)]
    [InlineData("2-3s", 2.0, 3.0)]
    [InlineData("2-3", 2.0, 3.0)]
    [InlineData("2500ms-3s", 2.5, 3.0)]
    [InlineData("2.5s", 2.5, 2.5)]
    public void ExcerptRanges_TakeTheirUnitForBothEnds(string text, double min, double max)
    {
        var protocol = EvaluateCommand.Protocol(text, 5, "peak", 0, 1)!;
        Assert.Equal(min, protocol.MinSeconds, 9);
        Assert.Equal(max, protocol.MaxSeconds, 9);
    }

    /// <summary>
    /// An empty --shard (an unset $SHARD in a job script) is a usage error rather than "everything" in every task, and an
    /// N past int's range is named as such; an absent --shard still means everything.
    /// </summary>
    [Fact]
    public void AnEmptyOrHugeShard_IsAUsageError()
    {
        foreach (var (args, expected) in new[]
        {
            (new[] { "predict", Examples, "--shard", "" }, "--shard '': empty"),
            (["predict", Examples, "--shard", " "], "--shard '': empty"),
            (["preprocess", Examples, "--out", "x.h5", "--shard", ""], "--shard '': empty"),
            (["predict", Examples, "--shard", "0/99999999999"], "N must be at most 2147483647"),
        })
        {
            var r = CliRunner.Run(args);
            Assert.True(r.Code == 2, $"{string.Join(' ', args)}: exit {r.Code}: {r.Err}");
            Assert.Contains(expected, r.Err);
        }
        Assert.Equal(MusicGenre.Pipeline.Preprocess.ShardSpec.All, ArgParsing.Shard(null));
    }

    /// <summary>A hyper-parameter given twice is refused (the last one silently won), and so is an empty --history path.</summary>
    [Fact]
    public void ARepeatedHyperParameter_AndAnEmptyHistoryPath_AreUsageErrors()
    {
        // Options are checked before any store is opened: any existing file stands in for one.
        string input = Path.Combine(SharedData.RepoRoot, "models", "default.h5");
        string store = Path.Combine(SharedData.NewTempDir("musicgenre-args"), "none.h5");
        var twice = CliRunner.Run("train", input, "--out", store, "--hp", "width=8", "--hp", "width=16");
        Assert.Equal(2, twice.Code);
        Assert.Contains("--hp width is given twice (8 and 16)", twice.Err);
        var history = CliRunner.Run("train", input, "--out", store, "--history", "");
        Assert.Equal(2, history.Code);
        Assert.Contains("--history: an empty path", history.Err);
    }
}
