using MusicGenre.Audio.Decoding;
using MusicGenre.Audio.Resampling;

namespace MusicGenre.Audio;

/// <summary>
/// Block-streaming audio reader: decodes a WAV, MP3 or AU file/stream (format from its content) and yields float32 mono at
/// the requested rate, with librosa.load's offset/duration, in blocks of the caller's size. Memory is bounded (a few
/// hundred KB of buffers) whatever the file length. Not thread-safe. Dispose to close the file.
/// </summary>
/// <example><code>
/// using var reader = AudioStreamReader.Open("song.mp3");
/// var block = new float[8192];
/// for (int n; (n = reader.Read(block)) > 0;) Consume(block.AsSpan(0, n));
/// </code></example>
internal sealed class AudioStreamReader : IDisposable
{
    private const int BlockFrames = 4096;

    private readonly IPcmDecoder _decoder;
    private readonly Resampler? _resampler;
    private readonly float[] _interleaved;
    private readonly float[] _mono = new float[BlockFrames];
    private int _monoStart, _monoCount;
    private long _toSkip;
    private long _toKeep;
    private bool _decoderDone;

    private AudioStreamReader(IPcmDecoder decoder, AudioLoadOptions options, string sourceName)
    {
        _decoder = decoder;
        SourceName = sourceName;
        // librosa/soundfile: offset and duration become int(seconds · sr_native) samples at the native rate.
        _toSkip = (long)Math.Min(options.Offset * decoder.SampleRate, long.MaxValue / 2);
        _toKeep = options.Duration is { } d ? (long)Math.Min(d * decoder.SampleRate, long.MaxValue / 2) : long.MaxValue;
        SampleRate = options.TargetSampleRate ?? decoder.SampleRate;
        if (SampleRate != decoder.SampleRate) _resampler = new Resampler(decoder.SampleRate, SampleRate);
        _interleaved = new float[BlockFrames * decoder.Channels];
    }

    /// <summary>The file path or stream name used in messages.</summary>
    public string SourceName { get; }

    /// <summary>Output sample rate (Hz).</summary>
    public int SampleRate { get; }

    /// <summary>The file's own sample rate (Hz).</summary>
    public int NativeSampleRate => _decoder.SampleRate;

    /// <summary>The file's channel count (the output is always mono: the channel average).</summary>
    public int NativeChannels => _decoder.NativeChannels;

    /// <summary>The detected format.</summary>
    public AudioFormat Format => _decoder.Format;

    /// <summary>MP3 frames skipped or replaced by silence so far because they were damaged.</summary>
    public int SkippedFrames => _decoder.SkippedFrames;

    /// <summary>A problem the file had that did not stop decoding (e.g. a truncated WAV), else null.</summary>
    public string? Warning => _decoder.Warning;

    /// <summary>Output samples still to come when the header tells (PCM formats), else null; an upper bound helps sizing.</summary>
    public long? RemainingSamplesHint
    {
        get
        {
            if (_decoder.TotalFrames is not { } total) return null;
            long native = Math.Min(Math.Max(0, total + _monoCount - _toSkip), _toKeep);
            return _resampler?.OutputLength(native) ?? native;
        }
    }

    /// <summary>
    /// Opens a file; throws <see cref="FileNotFoundException"/> (missing, or a broken link), <see cref="AudioFormatException"/>
    /// (not audio, damaged, empty, a folder or device, not readable) or <see cref="ArgumentException"/> (options).
    /// </summary>
    public static AudioStreamReader Open(string path, AudioLoadOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        (options ?? AudioLoadOptions.Default).Validate();
        // A named pipe or a device would block open() or read() forever; an empty file has nothing to decode.
        if (MusicGenre.IO.InputFile.Check(path) is { } problem)
            throw problem.Kind switch
            {
                MusicGenre.IO.InputFile.Kind.Missing => new FileNotFoundException($"{path}: audio file not found", path),
                MusicGenre.IO.InputFile.Kind.BrokenLink => new FileNotFoundException($"{path}: {problem.Text}", path),
                MusicGenre.IO.InputFile.Kind.Empty => new AudioFormatException(path, $"not a supported audio file (WAV, MP3, AU): the file is {problem.Text}"),
                _ => new AudioFormatException(path, problem.Text),
            };
        FileStream stream;
        try { stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan); }
        catch (UnauthorizedAccessException e) // a file without read permission: as one the check found inaccessible
        {
            throw new AudioFormatException(path, $"not accessible ({e.Message})", e);
        }
        try
        {
            return Open(stream, path, options, leaveOpen: false);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Opens a stream (read from its current position). <paramref name="sourceName"/> is used in error messages.
    /// The format is detected from the content: 1. probe the first bytes; 2. open the matching decoder.
    /// </summary>
    public static AudioStreamReader Open(Stream stream, string sourceName, AudioLoadOptions? options = null, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(sourceName);
        options ??= AudioLoadOptions.Default;
        options.Validate();
        if (!stream.CanRead) throw new ArgumentException($"{sourceName}: the stream is not readable", nameof(stream));

        // 1. Probe; a seekable stream is rewound, a non-seekable one is wrapped so the probed bytes are replayed.
        var head = new byte[AudioFormatDetector.ProbeLength];
        long start = stream.CanSeek ? stream.Position : 0;
        int got = ReadProbe(stream, head, sourceName);
        var format = AudioFormatDetector.Detect(head.AsSpan(0, got))
            ?? throw new AudioFormatException(sourceName, "not a supported audio file (WAV, MP3, AU): " + AudioFormatDetector.Describe(head.AsSpan(0, got)));
        Stream input = stream;
        if (stream.CanSeek) stream.Position = start;
        else input = new ReplayStream(head.AsSpan(0, got).ToArray(), stream, leaveOpen);

        // 2. Decode.
        IPcmDecoder decoder;
        try
        {
            decoder = format switch
            {
                AudioFormat.Wav => WavDecoder.Open(input, sourceName, leaveOpen),
                AudioFormat.Au => AuDecoder.Open(input, sourceName, leaveOpen),
                // MP3 is decoded straight to mono (the channel average), the output this reader gives anyway.
                _ => Mp3Decoder.Open(input, sourceName, leaveOpen, mono: true, reference: options.ReferenceMp3Decoder),
            };
        }
        catch (Exception e) when (e is IOException and not AudioFormatException or NotSupportedException)
        {
            throw new AudioFormatException(sourceName, "could not read the audio: " + e.Message, e);
        }
        return new AudioStreamReader(decoder, options, sourceName);
    }

    /// <summary>
    /// Fills <paramref name="destination"/> with the next mono samples at <see cref="SampleRate"/>; returns the count written,
    /// which is less than the length only at the end (0 once everything has been read).
    /// </summary>
    public int Read(Span<float> destination)
    {
        int written = 0;
        while (written < destination.Length)
        {
            if (_resampler is null)
            {
                if (_monoCount == 0 && !FillMono()) break;
                int n = Math.Min(_monoCount, destination.Length - written);
                _mono.AsSpan(_monoStart, n).CopyTo(destination[written..]);
                _monoStart += n;
                _monoCount -= n;
                written += n;
                continue;
            }
            int produced = _resampler.Read(destination[written..]);
            written += produced;
            if (written == destination.Length) break;
            if (FillMono())
            {
                _resampler.Write(_mono.AsSpan(_monoStart, _monoCount));
                _monoCount = 0;
            }
            else
            {
                _resampler.Complete();
                int last = _resampler.Read(destination[written..]);
                written += last;
                if (last == 0) break;
            }
        }
        return written;
    }

    /// <summary>
    /// Decodes the next block into <c>_mono</c>: 1. read interleaved frames; 2. average channels (librosa to_mono, float32
    /// sum then one division); 3. drop the offset, cut at the duration. Returns false at the end.
    /// </summary>
    private bool FillMono()
    {
        while (!_decoderDone)
        {
            if (_toKeep == 0) { _decoderDone = true; break; }
            if (_toSkip > 0) _toSkip -= _decoder.SkipFrames(_toSkip);
            int ch = _decoder.Channels;
            int frames = ReadDecoder();
            if (frames == 0) { _decoderDone = true; break; }

            // 2. Mono.
            Downmix.ToMono(_interleaved.AsSpan(0, frames * ch), ch, _mono.AsSpan(0, frames));

            // 3. Offset and duration.
            int skip = (int)Math.Min(_toSkip, frames);
            _toSkip -= skip;
            int keep = (int)Math.Min(frames - skip, _toKeep);
            _toKeep -= keep;
            if (keep == 0) continue;
            _monoStart = skip;
            _monoCount = keep;
            return true;
        }
        return false;
    }

    private int ReadDecoder()
    {
        try
        {
            return _decoder.ReadFrames(_interleaved);
        }
        catch (Exception e) when (e is IOException and not AudioFormatException or NotSupportedException)
        {
            throw new AudioFormatException(SourceName, "could not read the audio: " + e.Message, e);
        }
    }

    private static int ReadProbe(Stream input, byte[] head, string sourceName)
    {
        try
        {
            return input.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        }
        catch (Exception e) when (e is IOException and not AudioFormatException or NotSupportedException)
        {
            throw new AudioFormatException(sourceName, "could not read the file: " + e.Message, e);
        }
    }

    public void Dispose() => _decoder.Dispose();

}
