using System.Diagnostics;
using System.Globalization;
using Spectre.Console;

namespace MusicGenre.Cli;

/// <summary>
/// Progress for long steps: a Spectre.Console progress bar on an interactive terminal; otherwise (redirected output,
/// CI, tests) one plain line on the error stream at most every two seconds and at the end. A step whose total is not
/// known (0, e.g. while scanning folders) shows only the count, and has no "end" line of its own.
/// </summary>
internal static class ProgressReporter
{
    /// <summary>Progress of one step: done out of total, with a short status (e.g. the current file).</summary>
    public readonly record struct Step(double Done, double Total, string? Status = null);

    /// <summary>True when <see cref="Run"/> draws a live progress bar (the error stream is this process's interactive terminal).</summary>
    public static bool DrawsLiveBar(CliContext ctx) => ReferenceEquals(ctx.Error, Console.Error) && !Console.IsErrorRedirected
        && AnsiConsole.Profile.Capabilities.Interactive;

    public static T Run<T>(CliContext ctx, string description, Func<IProgress<Step>, T> work)
    {
        if (!DrawsLiveBar(ctx))
            return work(new LineProgress(ctx.Error, description));

        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        T result = default!;
        console.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .Start(p =>
            {
                var task = p.AddTask(Markup.Escape(description), maxValue: 1);
                result = work(new Progress<Step>(s =>
                {
                    task.MaxValue = Math.Max(1, s.Total);
                    task.Value = Math.Min(s.Done, task.MaxValue);
                    if (s.Status is { } status) task.Description = Markup.Escape($"{description}: {MusicGenre.IO.DisplayText.OneLine(status)}");
                }));
                task.Value = task.MaxValue;
            });
        return result;
    }

    /// <summary>Plain-text progress: synchronous (reports arrive on worker threads), throttled, thread-safe.</summary>
    private sealed class LineProgress(TextWriter writer, string description) : IProgress<Step>
    {
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private readonly object _gate = new();
        private double _lastPrinted = double.NegativeInfinity;

        public void Report(Step value)
        {
            lock (_gate)
            {
                double now = _clock.Elapsed.TotalSeconds;
                bool last = value.Total > 0 && value.Done >= value.Total;
                if (!last && now - _lastPrinted < 2) return;
                _lastPrinted = now;
                string count = value.Total > 0
                    ? string.Create(CultureInfo.InvariantCulture, $"{value.Done:0}/{value.Total:0} {(value.Done / value.Total).ToString("P0", CultureInfo.InvariantCulture)}")
                    : string.Create(CultureInfo.InvariantCulture, $"{value.Done:0}");
                writer.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{description}: {count} {now:0.0}s{(value.Status is { } s ? " " + MusicGenre.IO.DisplayText.OneLine(s) : "")}"));
            }
        }
    }
}
