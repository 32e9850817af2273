namespace MusicGenre.Nn.ModelFile;

/// <summary>A model or checkpoint file that cannot be used: unreadable, truncated, corrupt, or not matching its architecture. The message names the file.</summary>
public sealed class ModelFileException : Exception
{
    /// <summary>Creates the exception for <paramref name="path"/>.</summary>
    public ModelFileException(string path, string problem, Exception? inner = null)
        : base($"{path}: {problem}", inner) { Path = path; }

    /// <summary>The file concerned.</summary>
    public string Path { get; }
}
