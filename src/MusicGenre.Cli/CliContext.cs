namespace MusicGenre.Cli;

/// <summary>Writers and cancellation for the command being run (set by <see cref="CliApp.Run"/>).</summary>
internal sealed class CliContext(TextWriter stdout, TextWriter stderr, CancellationToken cancellation, Func<Stream>? stdin = null)
{
    [ThreadStatic] private static CliContext? _current;

    public static CliContext? Current { get => _current; set => _current = value; }

    public TextWriter Out { get; } = stdout;

    public TextWriter Error { get; } = stderr;

    public CancellationToken Cancellation { get; } = cancellation;

    /// <summary>
    /// What a cancelled run leaves, said after "cancelled; " (e.g. "finished work is kept and a re-run resumes"): set by
    /// commands that resume; null says nothing more.
    /// </summary>
    public string? CancelNote { get; set; }

    /// <summary>Opens standard input (tests give their own bytes).</summary>
    public Func<Stream> OpenStdin { get; } = stdin ?? Console.OpenStandardInput;

    /// <summary>The context of the running command; commands are only invoked through <see cref="CliApp.Run"/>.</summary>
    public static CliContext Get() => Current ?? new CliContext(Console.Out, Console.Error, CancellationToken.None);
}
