using System.Globalization;

namespace MusicGenre.Audio.Decoding;

/// <summary>
/// Streams the sample region of a PCM file (WAV data chunk, AU data) as interleaved float32, one block at a time.
/// Created by <see cref="WavDecoder"/> and <see cref="AuDecoder"/> after they have validated the header.
/// </summary>
internal sealed class PcmDecoder : IPcmDecoder
{
    private const int BlockBytes = 64 * 1024;

    private readonly Stream _stream;
    private readonly bool _leaveOpen;
    private readonly string _sourceName;
    private readonly PcmEncoding _encoding;
    private readonly bool _bigEndian;
    private readonly int _frameBytes;
    private readonly long? _declaredBytes;
    private readonly byte[] _raw;
    private long _bytesRead;
    private long _framesDelivered; // frames returned or skipped so far: names a bad sample by its place in the file
    private int _carry;
    private string? _warning;
    private bool _endedEarly;

    /// <summary>
    /// Wraps <paramref name="stream"/>, positioned at the first sample. <paramref name="dataBytes"/> is the size the header
    /// declares (already checked against the stream length where that is known), or null to read to the end of the stream.
    /// </summary>
    public PcmDecoder(Stream stream, bool leaveOpen, string sourceName, AudioFormat format, PcmEncoding encoding, bool bigEndian,
        int channels, int sampleRate, long? dataBytes, string? warning = null)
    {
        _warning = warning;
        _stream = stream;
        _leaveOpen = leaveOpen;
        _sourceName = sourceName;
        _encoding = encoding;
        _bigEndian = bigEndian;
        Format = format;
        Channels = channels;
        SampleRate = sampleRate;
        _frameBytes = channels * PcmConverter.BytesPerSample(encoding);
        _declaredBytes = dataBytes;
        _raw = new byte[Math.Max(_frameBytes, BlockBytes / _frameBytes * _frameBytes)];
    }

    public AudioFormat Format { get; }

    public int SampleRate { get; }

    public int Channels { get; }

    public long? TotalFrames => _declaredBytes is { } d ? (d - _bytesRead + _carry) / _frameBytes : null;

    public int SkippedFrames => 0;

    /// <summary>The header's warning, or, once a WAV read from a pipe has ended before its declared size, that one.</summary>
    public string? Warning => _warning;

    public int ReadFrames(Span<float> destination)
    {
        int maxFrames = Math.Min(destination.Length / Channels, (_raw.Length - _carry) / _frameBytes);
        if (maxFrames <= 0 || _endedEarly) return 0;
        long wanted = (long)maxFrames * _frameBytes - _carry;
        if (_declaredBytes is { } declared) wanted = Math.Min(wanted, declared - _bytesRead);
        int got = wanted > 0 ? _stream.ReadAtLeast(_raw.AsSpan(_carry, (int)wanted), (int)wanted, throwOnEndOfStream: false) : 0;
        _bytesRead += got;
        if (got < wanted && _declaredBytes is { } d && _bytesRead < d)
        {
            // Where the size is known up front (a file) WavDecoder already turned a short WAV into a warning; from a pipe
            // the end shows only now: the same warning, so a file and `cat file |` give one answer. An AU stays refused,
            // as AuDecoder refuses a short AU file.
            if (Format != AudioFormat.Wav)
                throw new AudioFormatException(_sourceName, string.Create(CultureInfo.InvariantCulture,
                    $"truncated: the header declares {d} bytes of {Format} sample data but the stream ended after {_bytesRead}"));
            _endedEarly = true;
            _warning = string.Create(CultureInfo.InvariantCulture,
                $"{_sourceName}: truncated WAV: the 'data' chunk declares {d} bytes but the stream ended after {_bytesRead}; decoded what is there");
        }
        int available = _carry + got;
        int frames = available / _frameBytes;
        PcmConverter.ToFloat(_raw.AsSpan(0, frames * _frameBytes), _encoding, _bigEndian, destination[..(frames * Channels)]);
        if (_encoding is PcmEncoding.Float32 or PcmEncoding.Float64) CheckFloatSamples(destination[..(frames * Channels)]);
        _framesDelivered += frames;
        // A partial trailing frame (data size not a multiple of the block size) is kept for the next call and dropped at
        // the end, as libsndfile does.
        _carry = available - frames * _frameBytes;
        if (_carry > 0) _raw.AsSpan(frames * _frameBytes, _carry).CopyTo(_raw);
        return frames;
    }

    // Float samples can be anything a writer put there: refuse NaN, ±∞ and absurd magnitudes (SampleScan's audio-sample
    // rule, the one in-memory samples follow too), naming the first one.
    private void CheckFloatSamples(ReadOnlySpan<float> samples)
    {
        int i = SampleScan.IndexOfBadSample(samples);
        if (i < 0) return;
        long frame = _framesDelivered + i / Channels;
        throw new AudioFormatException(_sourceName, string.Create(CultureInfo.InvariantCulture,
            $"sample {frame} ({(double)frame / SampleRate:0.###} s) is {samples[i]}: float samples {SampleScan.SampleRule}"));
    }

    public long SkipFrames(long frames)
    {
        if (frames <= 0 || !_stream.CanSeek || _carry != 0) return 0;
        long remainingBytes = (_declaredBytes ?? (_stream.Length - _stream.Position + _bytesRead)) - _bytesRead;
        long skip = Math.Min(frames, Math.Max(0, remainingBytes) / _frameBytes);
        _stream.Seek(skip * _frameBytes, SeekOrigin.Current);
        _bytesRead += skip * _frameBytes;
        _framesDelivered += skip;
        return skip;
    }

    public void Dispose()
    {
        if (!_leaveOpen) _stream.Dispose();
    }
}
