namespace MusicGenre.Data.Msd;

/// <summary>An MSD track file that is missing, not HDF5, truncated, or lacks the expected tables.</summary>
internal sealed class MsdFormatException : IOException
{
    /// <summary>Creates the exception for <paramref name="filePath"/> with a reason.</summary>
    public MsdFormatException(string filePath, string reason, Exception? inner = null)
        : base($"{filePath}: not a readable MSD track file: {reason}", inner)
    {
        FilePath = filePath;
        Reason = reason;
    }

    /// <summary>The offending file.</summary>
    public string FilePath { get; }

    /// <summary>What is wrong with it, without the path.</summary>
    public string Reason { get; }
}
