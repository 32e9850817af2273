namespace MusicGenre.Cli;

/// <summary>A command-line mistake (bad value, missing input file, unknown preset): reported in one line, exit code 2.</summary>
internal sealed class UsageException(string message) : Exception(message);
