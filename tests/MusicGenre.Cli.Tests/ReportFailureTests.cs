using MusicGenre.Cli;

namespace MusicGenre.Cli.Tests;

public sealed class ReportFailureTests
{
    [Fact]
    public void AnArgumentException_IsReportedWithoutItsCodeParameterName()
    {
        var err = new StringWriter();
        Assert.Equal(CliApp.Failure, CliApp.ReportFailure(new ArgumentException("excerpts of 2-3 s are too short for this model", "protocols"), err));
        Assert.Equal("musicgenre: error: excerpts of 2-3 s are too short for this model" + Environment.NewLine, err.ToString());

        // Other exceptions keep their message whole, parentheses included.
        err = new StringWriter();
        CliApp.ReportFailure(new InvalidDataException("x.wav: truncated (Parameter 'y')"), err);
        Assert.Equal("musicgenre: error: x.wav: truncated (Parameter 'y')" + Environment.NewLine, err.ToString());
    }
}
