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
        return Collect(reader, lengthIsKnown: true); // a file (a pipe named as a file is refused): its length bounds the hint
    }

    /// <summary>Decodes a stream from its current position; <paramref name="sourceName"/> names it in errors.</summary>
    public static AudioClip Load(Stream stream, string sourceName, AudioLoadOptions? options = null)
    {
        using var reader = AudioStreamReader.Open(stream, sourceName, options, leaveOpen: true);
        return Collect(reader, lengthIsKnown: stream.CanSeek);
    }

    /// <summary>
    /// Reads a reader to the end with one copy at most: 1. when the header tells the length, read straight into an array of
    /// exactly that size (and only fall back to chunks if more arrives); 2. otherwise collect 64K-sample chunks and
    /// concatenate them once at the end.
    /// </summary>
    // The refusal of a clip too long to hold as one array of samples.
    private static string TooLong(long samples, int rate) =>
        FormattableString.Invariant($"{(double)samples / rate / 3600:0.#} h of audio at {rate} Hz is more samples than one clip in memory can hold (2^31); ") +
        "load a part of it (AudioLoadOptions.Offset and Duration; musicgenre features --offset/--duration), or stream it (predict and evaluate do)";

    private static AudioClip Collect(AudioStreamReader reader, bool lengthIsKnown)
    {
        const int Chunk = 1 << 16;
        // A length beyond one array that the header gives and the file's length bears out is refused before decoding (it
        // failed after minutes, or ran out of memory on the way). From a pipe the header's size is only a claim: what
        // arrives is read (a damaged header then gives a truncation warning).
        if (lengthIsKnown && reader.RemainingSamplesHint is { } hinted && hinted > Array.MaxLength)
            throw new AudioFormatException(reader.SourceName, TooLong(hinted, reader.SampleRate));
        var chunks = new List<float[]>();
        long total = 0;
        float[] current = new float[(int)Math.Clamp(reader.RemainingSamplesHint ?? Chunk, 1, Array.MaxLength)];
        int filled = 0;
        while (true)
        {
            int n;
            if (filled == current.Length)
            {
                // Full: only start a new chunk if there really is more audio (an exact hint then costs no copy).
                var next = new float[Chunk];
                n = reader.Read(next);
                if (n == 0) break;
                chunks.Add(current);
                current = next;
                filled = n;
            }
            else
            {
                n = reader.Read(current.AsSpan(filled));
                if (n == 0) break;
                filled += n;
            }
            total += n;
            if (total > Array.MaxLength)
                throw new AudioFormatException(reader.SourceName, TooLong(total, reader.SampleRate));
        }

        float[] samples;
        if (chunks.Count == 0)
        {
            samples = filled == current.Length ? current : current.AsSpan(0, filled).ToArray();
        }
        else
        {
            samples = new float[total];
            int at = 0;
            foreach (var c in chunks) { c.CopyTo(samples, at); at += c.Length; }
            current.AsSpan(0, filled).CopyTo(samples.AsSpan(at));
        }
        return new AudioClip(samples, reader.SampleRate, reader.NativeSampleRate, reader.NativeChannels, reader.Format, reader.SkippedFrames, reader.SourceName)
        {
            Warning = reader.Warning,
        };
    }
}
