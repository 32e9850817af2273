using System.Globalization;
using System.CommandLine;
using MusicGenre.Cli.Commands;

namespace MusicGenre.Cli;

/// <summary>
/// Builds the command tree and runs it. Exit codes (dotnet CLI convention): 0 success, 1 failure (bad input, I/O,
/// a failed job), 2 usage (unknown command or option, bad argument value, missing file named on the command line).
/// </summary>
internal static class CliApp
{
    public const int Ok = 0, Failure = 1, Usage = 2;

    /// <summary>Exit codes of a run cancelled by Ctrl+C (SIGINT) or SIGTERM: 128 + the signal number, as shells report them.</summary>
    public const int Interrupted = 130, Terminated = 143;

    public static RootCommand BuildRoot()
    {
        var root = new RootCommand("MusicGenre: tell the genre of a song from its audio (blues, classical, country, disco, "
            + "hiphop, jazz, metal, pop, reggae, rock). Decoding, librosa-exact features and a from-scratch CNN, no Python.");
        foreach (var command in CommandCatalog.All())
            root.Add(command);
        ArgParsing.InvariantNumbers(root);
        return root;
    }

    /// <summary>Runs the CLI in-process with the given writers and, optionally, standard input (tests call this directly).</summary>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr, Func<Stream>? stdin = null)
    {
        // One culture for the whole run, whatever the user's locale: the CLI speaks English, and every number it reads
        // or writes (options, messages, report files, model metadata, plot ticks) has a point for decimals and ASCII
        // signs, as in PyTorch's and librosa's output. Setting it here flows to every task and worker the run starts,
        // and is undone on return (tests call Run in-process).
        var (culture, uiCulture) = (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture);
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
        CultureInfo.CurrentUICulture = CultureInfo.InvariantCulture;
        try { return RunInvariant(args, stdout, stderr, stdin); }
        finally { (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture) = (culture, uiCulture); }
    }

    private static int RunInvariant(string[] args, TextWriter stdout, TextWriter stderr, Func<Stream>? stdin)
    {
        var root = BuildRoot();
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            // An unknown word in the command's place also counts as "no command": say only the first, which names it.
            bool unrecognised = parse.Errors.Any(e => e.Message.StartsWith("Unrecognized command or argument", StringComparison.Ordinal));
            foreach (var error in parse.Errors)
                if (!(unrecognised && error.Message == "Required command was not provided."))
                    stderr.WriteLine($"musicgenre: {error.Message}");
            stderr.WriteLine("Run 'musicgenre --help' (or 'musicgenre <command> --help') for usage.");
            return Usage;
        }
        // A misspelt switch must not silently mean the default decoder.
        if (Environment.GetEnvironmentVariable("MUSICGENRE_MP3_DECODER") is { Length: > 0 } decoder && !decoder.Equals("nlayer", StringComparison.OrdinalIgnoreCase))
        {
            stderr.WriteLine($"musicgenre: the environment variable MUSICGENRE_MP3_DECODER is '{decoder}': set it to nlayer (the reference decoder) or leave it unset (the built-in decoder)");
            return Usage;
        }
        using var cancel = new CancellationTokenSource();
        // A cancelled run exits 128 + the signal's number, as a shell reports a process that signal ended (130 Ctrl+C,
        // 143 SIGTERM): scripts tell "stopped early" from 1 ("finished, some inputs failed") even though we exit cleanly.
        int cancelCode = Interrupted;
        ConsoleCancelEventHandler onCancel = (_, e) => { e.Cancel = true; cancel.Cancel(); };
        Console.CancelKeyPress += onCancel;
        // SIGTERM (how Slurm, Kubernetes and systemd stop a job) cancels like Ctrl+C: finished work is kept, checkpoints
        // are written, temporary files are removed, and the process exits on its own.
        using var onTerm = OperatingSystem.IsWindows() ? null
            : System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, c => { c.Cancel = true; cancelCode = Terminated; cancel.Cancel(); });
        // Worker threads write results and progress lines at once: a writer that is not Console's (tests pass
        // StringWriters) is made thread-safe; Console's already are, and stay the same objects (their identity tells
        // whether output goes to the terminal).
        static TextWriter Safe(TextWriter w) => ReferenceEquals(w, Console.Out) || ReferenceEquals(w, Console.Error) ? w : TextWriter.Synchronized(w);
        var context = new CliContext(Safe(stdout), Safe(stderr), cancel.Token, stdin);
        CliContext.Current = context;
        try
        {
            return parse.Invoke(new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false });
        }
        catch (Exception ex)
        {
            return ReportFailure(ex, stderr, cancelCode);
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
            CliContext.Current = null;
        }
    }

    /// <summary>One line per failure: the message names the file and the problem; the exception type stays out of it.</summary>
    internal static int ReportFailure(Exception ex, TextWriter stderr, int cancelCode = Interrupted)
    {
        switch (ex)
        {
            case UsageException u:
                stderr.WriteLine($"musicgenre: {u.Message}");
                return Usage;
            case OperationCanceledException when CliContext.Current is not { Cancellation.IsCancellationRequested: false }:
                stderr.WriteLine(CliContext.Current?.CancelNote is { } note ? $"musicgenre: cancelled; {note}." : "musicgenre: cancelled.");
                return cancelCode;
            case AggregateException { InnerExceptions.Count: 1 } agg:
                return ReportFailure(agg.InnerException!, stderr, cancelCode);
            // PureHDF writes through reflection: its IOException (e.g. "No space left on device") arrives wrapped.
            case System.Reflection.TargetInvocationException { InnerException: { } invoked }:
                return ReportFailure(invoked, stderr, cancelCode);
            case OutOfMemoryException:
            {
                // The runtime's own message ("Exception of type … was thrown") says nothing a user can act on.
                long limit = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
                stderr.WriteLine(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                    $"musicgenre: error: out of memory: this run needs more than the {limit / 1e6:0} MB this process may use; ")
                    + "use fewer --threads, a smaller --batch or --hp width (train), or a shorter input (features: --offset/--duration), "
                    + "or run where more memory is allowed");
                if (Environment.GetEnvironmentVariable("MUSICGENRE_DEBUG") == "1") stderr.WriteLine(ex);
                return Failure;
            }
            case AggregateException agg:
            {
                // Parallel workers that failed alike (e.g. every thread on one damaged file): one line, not a list of repeats.
                // The first real failure leads: a cancellation among them is usually the others being stopped because of it.
                var inner = agg.Flatten().InnerExceptions;
                if (inner.Count == 0) { stderr.WriteLine($"musicgenre: error: {agg.Message}"); return Failure; }
                var lead = inner.FirstOrDefault(e => e is not OperationCanceledException) ?? inner[0];
                int code = ReportFailure(lead, stderr, cancelCode);
                int others = inner.Count(e => e != lead && e is not OperationCanceledException && e.Message != lead.Message);
                if (others > 0) stderr.WriteLine($"musicgenre: ({others} other error{(others == 1 ? "" : "s")} at the same time; MUSICGENRE_DEBUG=1 shows them)");
                if (Environment.GetEnvironmentVariable("MUSICGENRE_DEBUG") == "1") stderr.WriteLine(agg);
                return code;
            }
            default:
                // An ArgumentException's message ends in " (Parameter 'name')": a code name, not something a user can act on.
                string message = ex is ArgumentException { ParamName: { } name } ? ex.Message.Replace($" (Parameter '{name}')", "", StringComparison.Ordinal) : ex.Message;
                stderr.WriteLine($"musicgenre: error: {message}");
                if (Environment.GetEnvironmentVariable("MUSICGENRE_DEBUG") == "1")
                    stderr.WriteLine(ex);
                return Failure;
        }
    }
}
