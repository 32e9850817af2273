namespace MusicGenre.Audio;

/// <summary>Decoded audio: float32 mono samples at <see cref="SampleRate"/>, plus where they came from.</summary>
internal sealed class AudioClip
{
    /// <summary>Creates a clip.</summary>
    public AudioClip(float[] samples, int sampleRate, int nativeSampleRate, int nativeChannels, AudioFormat format, int skippedFrames, string sourceName)
    {
        Samples = samples;
        SampleRate = sampleRate;
        NativeSampleRate = nativeSampleRate;
        NativeChannels = nativeChannels;
        Format = format;
        SkippedFrames = skippedFrames;
        SourceName = sourceName;
    }

    /// <summary>Mono samples (channels averaged), nominally in [-1, 1] (MP3 may overshoot slightly; nothing is clipped).</summary>
    public float[] Samples { get; }

    /// <summary>Sample rate of <see cref="Samples"/> in Hz.</summary>
    public int SampleRate { get; }

    /// <summary>Sample rate stored in the file.</summary>
    public int NativeSampleRate { get; }

    /// <summary>Channel count stored in the file (before averaging to mono).</summary>
    public int NativeChannels { get; }

    /// <summary>The detected format.</summary>
    public AudioFormat Format { get; }

    /// <summary>MP3 only: frames that were damaged (garbage, bad main data, truncated) and skipped or replaced by silence.</summary>
    public int SkippedFrames { get; }

    /// <summary>The file path or stream name.</summary>
    public string SourceName { get; }

    /// <summary>A problem the file had that did not stop decoding (e.g. a truncated WAV), else null.</summary>
    public string? Warning { get; init; }

    /// <summary>Length in seconds.</summary>
    public double DurationSeconds => (double)Samples.Length / SampleRate;
}
