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

    [Fact]
    public void ParallelFailures_LeadWithTheRealError_NotTheCancellationsItCaused()
    {
        var err = new StringWriter();
        var agg = new AggregateException(new OperationCanceledException(), new InvalidDataException("s.h5: damaged"), new OperationCanceledException(),
            new InvalidDataException("s.h5: damaged"), new IOException("t.wav: unreadable"));
        Assert.Equal(CliApp.Failure, CliApp.ReportFailure(agg, err));
        Assert.Equal($"musicgenre: error: s.h5: damaged{Environment.NewLine}musicgenre: (1 other error at the same time; MUSICGENRE_DEBUG=1 shows them){Environment.NewLine}", err.ToString());
    }
}
