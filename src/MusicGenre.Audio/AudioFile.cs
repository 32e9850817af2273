namespace MusicGenre.Audio;

/// <summary>
/// Loads whole audio files as float32 mono, like <c>librosa.load</c>: WAV, MP3 and Sun AU detected by content, channels
/// averaged, resampled with a band-limited Kaiser-sinc filter to <see cref="AudioLoadOptions.TargetSampleRate"/>
/// (22050 Hz by default), optional offset/duration. For long files use <see cref="AudioStreamReader"/>.
/// </summary>
/// <example><code>
/// AudioClip clip = AudioFile.Load("blues.00000.wav");                       // 22050 Hz mono
/// AudioClip raw = AudioFile.Load("x.mp3", new AudioLoadOptions { TargetSampleRate = null, Offset = 5, Duration = 10 });
/// </code></example>
internal static class AudioFile
{
    /// <summary>File extensions worth trying when walking folders (the decoder itself ignores extensions).</summary>
    public static IReadOnlyList<string> SupportedExtensions { get; } = [".wav", ".mp3", ".au", ".snd"];

    /// <summary>True when <paramref name="path"/> ends with one of <see cref="SupportedExtensions"/> (case-insensitive).</summary>
    public static bool HasSupportedExtension(string path) =>
        SupportedExtensions.Contains(Path.GetExtension(path), StringComparer.OrdinalIgnoreCase);

    /// <summary>Decodes the whole file (or the offset/duration window) into memory.</summary>
    public static AudioClip Load(string path, AudioLoadOptions? options = null)
    {
        using var reader = AudioStreamReader.Open(path, options);
        return Collect(reader);
    }

    /// <summary>Decodes a stream from its current position; <paramref name="sourceName"/> names it in errors.</summary>
    public static AudioClip Load(Stream stream, string sourceName, AudioLoadOptions? options = null)
    {
        using var reader = AudioStreamReader.Open(stream, sourceName, options, leaveOpen: true);
        return Collect(reader);
    }

    /// <summary>Reads a reader to the end: 1. size the array from the header hint when there is one; 2. grow by doubling.</summary>
    private static AudioClip Collect(AudioStreamReader reader)
    {
        const int Block = 1 << 16;
        long hint = reader.RemainingSamplesHint ?? 0;
        var samples = new float[(int)Math.Clamp(hint, Block, Array.MaxLength)];
        int count = 0;
        while (true)
        {
            if (samples.Length - count < Block)
            {
                if (samples.Length == Array.MaxLength)
                    throw new AudioFormatException(reader.SourceName, "the decoded audio exceeds the largest array .NET can hold; use AudioStreamReader");
                Array.Resize(ref samples, (int)Math.Min((long)samples.Length * 2, Array.MaxLength));
            }
            int n = reader.Read(samples.AsSpan(count, Block));
            count += n;
            if (n < Block) break;
        }
        Array.Resize(ref samples, count);
        return new AudioClip(samples, reader.SampleRate, reader.NativeSampleRate, reader.NativeChannels, reader.Format, reader.SkippedFrames, reader.SourceName);
    }
}
