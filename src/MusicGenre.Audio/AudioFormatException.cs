namespace MusicGenre.Audio;

/// <summary>
/// Thrown when an audio file or stream cannot be decoded: unknown or damaged content, an unsupported encoding, or a header
/// that contradicts the data. The message names the source (file path or stream name) and the problem.
/// It derives from <see cref="IOException"/> (<see cref="InvalidDataException"/> is sealed), so callers that handle
/// unreadable files with one <c>catch (IOException)</c> also get these.
/// </summary>
public sealed class AudioFormatException : IOException
{
    /// <summary>Creates the exception for <paramref name="sourceName"/> with a description of <paramref name="problem"/>.</summary>
    public AudioFormatException(string sourceName, string problem, Exception? inner = null)
        : base($"{sourceName}: {problem}", inner)
    {
        SourceName = sourceName;
        Problem = problem;
    }

    /// <summary>The file path or stream name that failed to decode.</summary>
    public string SourceName { get; }

    /// <summary>What is wrong, without the source name.</summary>
    public string Problem { get; }
}
