namespace MusicGenre.Data.Datasets;

/// <summary>A dataset or label file is malformed; names the file and (when line-based) the 1-based line.</summary>
public sealed class DatasetFormatException : FormatException
{
    /// <summary>Creates the exception; the message is prefixed with <c>file:line:</c>.</summary>
    public DatasetFormatException(string file, int line, string problem)
        : base(line > 0 ? $"{file}:{line}: {problem}" : $"{file}: {problem}")
    {
        File = file;
        Line = line;
    }

    /// <summary>The offending file.</summary>
    public string File { get; }

    /// <summary>1-based line number, or 0 when the problem is not tied to a line.</summary>
    public int Line { get; }
}
