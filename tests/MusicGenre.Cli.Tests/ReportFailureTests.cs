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

    [Fact]
    public void AWrappedIoError_AndOutOfMemory_SayWhatHappened()
    {
        // PureHDF's write through reflection: the disk's own message, not "Exception has been thrown by the target of an invocation".
        var err = new StringWriter();
        var full = new System.Reflection.TargetInvocationException(new IOException("No space left on device : '/x/.m.h5.tmp'"));
        Assert.Equal(CliApp.Failure, CliApp.ReportFailure(full, err));
        Assert.Equal("musicgenre: error: No space left on device : '/x/.m.h5.tmp'" + Environment.NewLine, err.ToString());

        err = new StringWriter();
        Assert.Equal(CliApp.Failure, CliApp.ReportFailure(new OutOfMemoryException(), err));
        Assert.StartsWith("musicgenre: error: out of memory: this run needs more than the ", err.ToString());
        Assert.Contains("MB this process may use; use fewer --threads", err.ToString());
    }
}
