namespace MusicGenre.Pipeline.Preprocess;

/// <summary>A decoded audio stream: mono float32 at a fixed rate, read in blocks (so a song need not be in memory at once).</summary>
internal interface IMonoAudioSource : IDisposable
{
    /// <summary>Sample rate of the samples <see cref="Read"/> returns (Hz).</summary>
    int SampleRate { get; }

    /// <summary>Fills <paramref name="destination"/>; returns fewer samples than its length only at the end of the stream.</summary>
    int Read(Span<float> destination);

    /// <summary>After the last read: the decoder's note on the file (a truncated WAV, damaged MP3 frames), else null.</summary>
    string? Warning => null;
}
