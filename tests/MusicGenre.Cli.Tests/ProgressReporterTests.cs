namespace MusicGenre.Cli.Tests;

public sealed class ProgressReporterTests
{
    /// <summary>
    /// Redirected output gets a line at most every 2 s plus the end: a step whose total is unknown while it runs (the MSD
    /// scan reported n of n, so every report was an "end") printed a line per file — a million lines in a Slurm log.
    /// </summary>
    [Fact]
    public void AStepOfUnknownTotal_IsThrottled_AndShowsOnlyItsCount()
    {
        var err = new StringWriter();
        var ctx = new CliContext(new StringWriter(), err, CancellationToken.None);
        ProgressReporter.Run(ctx, "scan", p =>
        {
            for (int n = 1; n <= 5000; n++) p.Report(new(n, 0, "files read"));
            return 0;
        });
        var lines = err.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.InRange(lines.Length, 1, 3);
        Assert.StartsWith("scan: 1 ", lines[0]);
        Assert.DoesNotContain("/0", err.ToString());

        // A known total still ends with its 100 % line.
        var done = new StringWriter();
        ProgressReporter.Run(new CliContext(new StringWriter(), done, CancellationToken.None), "work", p =>
        {
            for (int n = 1; n <= 1000; n++) p.Report(new(n, 1000));
            return 0;
        });
        Assert.Contains("work: 1000/1000 100 %", done.ToString());
        Assert.InRange(done.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Length, 1, 3);
    }
}
