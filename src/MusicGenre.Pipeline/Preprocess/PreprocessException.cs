namespace MusicGenre.Pipeline.Preprocess;

/// <summary>Preprocessing cannot start or finish (bad options, a spool folder made with other settings); the message says what and how to fix it.</summary>
public sealed class PreprocessException : Exception
{
    /// <summary>Creates the exception.</summary>
    public PreprocessException(string message, Exception? inner = null) : base(message, inner) { }

    /// <summary>The options as given cannot work (e.g. the output is one of the songs), found before any work: the CLI's usage error.</summary>
    internal bool IsUsage { get; init; }
}
