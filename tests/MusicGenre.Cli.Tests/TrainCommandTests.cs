using MusicGenre.Cli.Commands;
using MusicGenre.Nn.Training;

namespace MusicGenre.Cli.Tests;

public sealed class TrainCommandTests
{
    [Fact]
    public void EpochLine_ShowsADash_WhenThereIsNoValidation()
    {
        string none = TrainCommand.Describe(new EpochMetrics(3, 20, 0.5, 0.8, double.NaN, double.NaN, 1e-3f, true, TimeSpan.FromSeconds(8)));
        Assert.Contains("val loss – val acc –", none);
        Assert.DoesNotContain("NaN", none);
        string some = TrainCommand.Describe(new EpochMetrics(3, 20, 0.5, 0.8, 0.75, 0.6, 1e-3f, false, TimeSpan.FromSeconds(8)));
        Assert.Contains("val loss 0.7500 val acc 60.0 %", some);
    }

    [Theory]
    [InlineData("robust")]
    [InlineData("robust+standard")]
    public void RobustPresets_CropAndColour(string name)
    {
        var a = TrainCommand.TrainingArgs.AugmentationPreset(name);
        Assert.Equal(86, a.MinCropFrames);
        Assert.True(a.LowPassProbability > 0 && a.TiltDbPerOctave > 0);
        Assert.Equal(name.Contains("standard", StringComparison.Ordinal), a.FrequencyMasks > 0);
    }
}
