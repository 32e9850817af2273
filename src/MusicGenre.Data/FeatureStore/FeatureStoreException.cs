namespace MusicGenre.Data.FeatureStore;

/// <summary>A feature store file is missing, not a MusicGenre feature store, or inconsistent; the message names the file.</summary>
public sealed class FeatureStoreException : IOException
{
    /// <summary>Creates the exception with the message <c>file: problem</c>.</summary>
    public FeatureStoreException(string file, string problem, Exception? inner = null) : base($"{file}: {problem}", inner) { File = file; }

    /// <summary>The offending file.</summary>
    public string File { get; }
}
