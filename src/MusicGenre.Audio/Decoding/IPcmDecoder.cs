namespace MusicGenre.Audio.Decoding;

/// <summary>
/// A block-streaming decoder at the file's native rate and channel count. Samples come out interleaved
/// (frame = one sample per channel) as float32. Errors surface as <see cref="AudioFormatException"/>.
/// </summary>
internal interface IPcmDecoder : IDisposable
{
    /// <summary>The detected format.</summary>
    AudioFormat Format { get; }

    /// <summary>Native sample rate (Hz), ≥ 1.</summary>
    int SampleRate { get; }

    /// <summary>Channel count of the decoded output, ≥ 1.</summary>
    int Channels { get; }

    /// <summary>Channel count of the file (more than <see cref="Channels"/> when the decoder downmixes itself).</summary>
    int NativeChannels => Channels;

    /// <summary>Frames known to remain in the file when the header says so, else null.</summary>
    long? TotalFrames { get; }

    /// <summary>Damaged units skipped so far (MP3 frames); 0 for PCM formats.</summary>
    int SkippedFrames { get; }

    /// <summary>Something a user should know about a file that could still be decoded (e.g. a truncated WAV), else null.</summary>
    string? Warning => null;

    /// <summary>
    /// Decodes up to <c>destination.Length / Channels</c> frames into <paramref name="destination"/> (interleaved) and
    /// returns how many frames were written; 0 means the end of the audio.
    /// </summary>
    int ReadFrames(Span<float> destination);

    /// <summary>Skips <paramref name="frames"/> frames cheaply when the format allows (seekable PCM); returns frames skipped.</summary>
    long SkipFrames(long frames);
}
