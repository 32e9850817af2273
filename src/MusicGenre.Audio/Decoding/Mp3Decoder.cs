using System.Globalization;
using MusicGenre.Audio.Decoding.Layer3;
using NLayer;

namespace MusicGenre.Audio.Decoding;

/// <summary>
/// MPEG-1/2/2.5 layer III decoding: our own frame scanner (ID3v2 skipping, sync with look-ahead confirmation, resync
/// after garbage, Xing/LAME tag) feeding our <see cref="Layer3Decoder"/> one frame at a time — or, in reference mode,
/// NLayer's <see cref="MpegFrameDecoder"/> (the scalar twin the tests compare with) — then gapless trimming like
/// mpg123: with a LAME tag, drop <c>delay + 529</c> samples at the start (encoder delay plus the synthesis filterbank
/// delay) and <c>padding − 529</c> at the end; without one, nothing is trimmed.
/// Damaged frames are skipped (garbage bytes) or replaced by silence (undecodable main data) and counted.
/// With <c>mono</c>, stereo streams come out as the channel average (L + R)/2, decoded straight to one channel.
/// </summary>
internal sealed class Mp3Decoder : IPcmDecoder
{
    /// <summary>Samples of delay in the layer III synthesis (polyphase filterbank 512 − 16 + 1, plus 32 hybrid).</summary>
    public const int DecoderDelay = 529;

    private const int BufferSize = 64 * 1024;
    private const int MaxId3Size = 64 << 20;

    private readonly Stream _stream;
    private readonly bool _leaveOpen;
    private readonly string _sourceName;
    private readonly byte[] _buf = new byte[BufferSize];
    private int _pos, _len;
    private bool _eof;

    // Exactly one of the two decoders is used: ours, or NLayer in reference mode.
    private readonly Layer3Decoder? _layer3;
    private readonly MpegFrameDecoder? _reference;
    private readonly Mp3Frame _frame = new();
    private readonly float[] _frameOut = new float[2 * 1152];
    private Mp3FrameHeader _first;
    private bool _locked;
    private long _garbageBytes;

    // Decoded interleaved samples waiting to be returned: [_outStart, _outEnd) of _out.
    private readonly float[] _out;
    private int _outStart, _outEnd;
    private long _trimStart;
    private readonly int _holdBack;
    private bool _finished;

    private Mp3Decoder(Stream stream, string sourceName, bool leaveOpen, bool mono, bool reference)
    {
        _stream = stream;
        _sourceName = sourceName;
        _leaveOpen = leaveOpen;
        if (reference) _reference = new MpegFrameDecoder { StereoMode = StereoMode.Both };
        else _layer3 = new Layer3Decoder(mono);

        // 1. ID3v2 tags (there may be several), then the first confirmed frame.
        SkipId3v2Tags();
        if (!TryNextFrame(out var first, out _))
            throw new AudioFormatException(sourceName, _garbageBytes > 0
                ? "no MPEG layer III audio frames found (not an MP3, or damaged beyond recovery)"
                : "the file holds no audio frames (empty or only tags)");
        _first = first;
        SampleRate = first.SampleRate;
        NativeChannels = first.Channels;
        Channels = mono ? 1 : first.Channels;

        // 2. A Xing/Info/VBRI frame is metadata, not audio; its LAME extension gives the gapless trim.
        var tag = LameTag.Parse(first, _buf.AsSpan(_pos, first.FrameLength));
        if (tag.IsTagFrame)
        {
            _pos += first.FrameLength;
            _garbageBytes = 0;
        }
        _declaredFrames = tag.DeclaredFrames;
        if (tag.HasGaplessInfo)
        {
            _trimStart = tag.EncoderDelay + DecoderDelay;
            _holdBack = Math.Max(0, tag.Padding - DecoderDelay);
        }
        _out = new float[(_holdBack + 2 * 1152 + 1152) * Channels];
    }

    public AudioFormat Format => AudioFormat.Mp3;

    public int SampleRate { get; }

    /// <summary>Output channels: 1 with mono, else the stream's.</summary>
    public int Channels { get; }

    public int NativeChannels { get; }

    public long? TotalFrames => null;

    public int SkippedFrames { get; private set; }

    /// <summary>
    /// The largest sample magnitude a decoded frame may hold (8 = +18 dBFS): lossy coding overshoots full scale by a few
    /// dB on loud masters, never by this; a frame beyond it holds damaged data and is replaced by silence.
    /// </summary>
    internal const float MaxPlausible = 8f;

    /// <summary>
    /// After the last frame: a truncated file, when the Xing/Info tag declared more audio frames than the stream held (one
    /// frame of slack for encoders that count differently); else null. A cut MP3 otherwise decodes without complaint.
    /// </summary>
    public string? Warning
    {
        get
        {
            if (!_finished) return null;
            var notes = new List<string>(3);
            if (_declaredFrames is { } declared && _framesInFile < declared - 1)
                notes.Add(string.Create(CultureInfo.InvariantCulture, $"truncated MP3: its Xing/Info tag declares {declared} audio frames, the file holds {_framesInFile}"));
            if (SkippedFrames > 0)
                notes.Add(string.Create(CultureInfo.InvariantCulture, $"{SkippedFrames} damaged or incomplete MP3 frame{(SkippedFrames == 1 ? " was" : "s were")} not decoded"));
            if (_otherFormat is { } other)
                notes.Add(string.Create(CultureInfo.InvariantCulture,
                    $"{_otherFormatFrames} frames of another format ({other.SampleRate} Hz, {other.Channels} channel{(other.Channels == 1 ? "" : "s")}) were left out: the file joins two streams and only the first ({_first.SampleRate} Hz, {_first.Channels} channel{(_first.Channels == 1 ? "" : "s")}) is decoded"));
            return notes.Count == 0 ? null : $"{_sourceName}: {string.Join("; ", notes)}";
        }
    }

    private Mp3FrameHeader? _otherFormat;
    private long _otherFormatFrames;

    private long? _declaredFrames;
    private long _framesInFile; // audio frames met, decodable or not (damaged runs and a cut last frame included)

    /// <summary>Our decoder's tool counts (null in reference mode).</summary>
    internal Layer3Statistics? Statistics => _layer3?.Statistics;

    /// <summary>
    /// Opens an MP3 stream; throws <see cref="AudioFormatException"/> when no layer III frame can be found.
    /// <paramref name="mono"/>: output the channel average; <paramref name="reference"/>: decode with NLayer instead of ours.
    /// </summary>
    public static Mp3Decoder Open(Stream stream, string sourceName, bool leaveOpen, bool mono = false, bool reference = false) =>
        new(stream, sourceName, leaveOpen, mono, reference);

    public int ReadFrames(Span<float> destination)
    {
        int ch = Channels;
        int wanted = destination.Length / ch;
        int written = 0;
        while (written < wanted)
        {
            int ready = (_outEnd - _outStart) / ch - _holdBack;
            if (ready > 0)
            {
                int n = Math.Min(ready, wanted - written);
                _out.AsSpan(_outStart, n * ch).CopyTo(destination[(written * ch)..]);
                _outStart += n * ch;
                written += n;
                continue;
            }
            if (_finished || !DecodeNextFrame()) { _finished = true; break; }
        }
        return written;
    }

    public long SkipFrames(long frames) => 0;

    /// <summary>Decodes one frame into the output queue (after start trimming); false at the end of the stream.</summary>
    private bool DecodeNextFrame()
    {
        if (!TryNextFrame(out var header, out int skippedBefore)) return false;
        if (skippedBefore > 0)
        {
            // Sync was lost: count the damaged frames and restart the bit reservoir so stale main data is not reused.
            SkippedFrames += skippedBefore;
            _reference?.Reset();
            _layer3?.ResetReservoir();
        }
        var bytes = _buf.AsSpan(_pos, header.FrameLength);
        _pos += header.FrameLength;
        _framesInFile += 1 + skippedBefore;

        int samples = _layer3 is not null
            ? (_layer3.DecodeFrame(header, bytes, _frameOut) ? header.SampleCount : 0)
            : DecodeReference(header, bytes);
        // Damaged main data can decode "successfully" into values no encoder makes (one flipped bit of global_gain scales a
        // granule by 2^8, 2^16 or 2^32): past MaxPlausible (+18 dBFS; real files overshoot full scale by a few dB at most) the
        // frame is damaged like one that does not decode, and the filter histories it filled are forgotten so that its
        // values do not leak into the next frame.
        if (samples == header.SampleCount && MusicGenre.Simd.SampleScan.IndexOfOutside(_frameOut.AsSpan(0, samples * Channels), MaxPlausible) >= 0)
        {
            samples = 0;
            _layer3?.ResetHistories();
            _reference?.Reset();
        }
        if (samples != header.SampleCount)
        {
            // Not decodable (e.g. its bit-reservoir bytes were lost): keep the timeline with one frame of silence.
            SkippedFrames++;
            samples = header.SampleCount;
            Array.Clear(_frameOut, 0, samples * Channels);
        }
        Append(_frameOut.AsSpan(0, samples * Channels));
        return true;
    }

    /// <summary>NLayer's decode of one frame into <c>_frameOut</c> (averaged to mono when asked); samples per channel, 0 on failure.</summary>
    private int DecodeReference(in Mp3FrameHeader header, ReadOnlySpan<byte> bytes)
    {
        _frame.Set(header, bytes);
        int samples;
        try
        {
            samples = _reference!.DecodeFrame(_frame, _frameOut, 0) / NativeChannels;
        }
        catch (Exception e) when (e is InvalidDataException or IndexOutOfRangeException or ArgumentException or InvalidOperationException)
        {
            // NLayer signals broken main data (bad Huffman codes, reservoir underflow) with these; the frame becomes silence.
            _reference!.Reset();
            return 0;
        }
        if (Channels == 1 && NativeChannels == 2)
            for (int i = 0; i < samples; i++) _frameOut[i] = (_frameOut[2 * i] + _frameOut[2 * i + 1]) / 2;
        return samples;
    }

    private void Append(ReadOnlySpan<float> interleaved)
    {
        int skip = (int)Math.Min(_trimStart, interleaved.Length / Channels);
        _trimStart -= skip;
        interleaved = interleaved[(skip * Channels)..];
        if (_outEnd + interleaved.Length > _out.Length)
        {
            _out.AsSpan(_outStart, _outEnd - _outStart).CopyTo(_out);
            _outEnd -= _outStart;
            _outStart = 0;
        }
        interleaved.CopyTo(_out.AsSpan(_outEnd));
        _outEnd += interleaved.Length;
    }

    /// <summary>
    /// Finds the next frame at or after <c>_pos</c> and leaves <c>_pos</c> on it with the whole frame buffered.
    /// 1. When in sync, a valid header compatible with the stream is taken as is.
    /// 2. Otherwise a candidate must be confirmed by a compatible header right after it (or the end of the stream);
    ///    every byte passed over is garbage, and the garbage run is reported as skipped frames.
    /// 3. A last frame cut short by the end of the file counts as one skipped frame; trailing tags (ID3v1, APE) do not.
    /// </summary>
    private bool TryNextFrame(out Mp3FrameHeader header, out int skippedFrames)
    {
        long garbageStart = _garbageBytes;
        skippedFrames = 0;
        while (true)
        {
            Fill(Mp3FrameHeader.MaxFrameLength + 4);
            int avail = _len - _pos;
            if (avail < 4) break;
            var span = _buf.AsSpan(_pos, avail);
            bool parsed = Mp3FrameHeader.TryParse(span, out header);
            // A chain of valid frames of another format (sample rate, version or channels): a second stream joined to the
            // first (cat a.mp3 b.mp3). Only the first is decoded (one output format); the others are counted for the warning.
            if (parsed && _first.SampleRate != 0 && !header.IsCompatibleWith(_first) && avail >= header.FrameLength + 4
                && Mp3FrameHeader.TryParse(span[header.FrameLength..], out var following) && following.IsCompatibleWith(header))
            {
                _otherFormat ??= header;
                _otherFormatFrames++;
                _pos += header.FrameLength;
                _locked = false;
                continue;
            }
            if (parsed && (_first.SampleRate == 0 || header.IsCompatibleWith(_first)))
            {
                int len = header.FrameLength;
                if (avail < len)
                {
                    // Only possible at the end of the stream (Fill keeps a whole frame buffered otherwise).
                    if (_locked) { SkippedFrames++; _framesInFile++; }
                    _pos = _len;
                    break;
                }
                bool confirmed = _locked || avail == len
                    || (avail >= len + 4 && Mp3FrameHeader.TryParse(span[len..], out var next) && next.IsCompatibleWith(header));
                if (confirmed)
                {
                    long garbage = _garbageBytes - garbageStart;
                    if (garbage > 0 && _first.SampleRate != 0)
                        skippedFrames = (int)Math.Min(int.MaxValue, Math.Max(1, (garbage + len - 1) / len));
                    _locked = true;
                    return true;
                }
            }

            // Not a frame here: lose sync and jump to the next 0xFF.
            _locked = false;
            int next0xFF = span[1..].IndexOf((byte)0xFF);
            int step = next0xFF < 0 ? avail : next0xFF + 1;
            _pos += step;
            _garbageBytes += step;
        }
        header = default;
        return false;
    }

    /// <summary>Ensures at least <paramref name="wanted"/> bytes are buffered after <c>_pos</c> unless the stream ends first.</summary>
    private void Fill(int wanted)
    {
        if (_len - _pos >= wanted || _eof) return;
        Buffer.BlockCopy(_buf, _pos, _buf, 0, _len - _pos);
        _len -= _pos;
        _pos = 0;
        while (_len < _buf.Length)
        {
            int got = _stream.Read(_buf, _len, _buf.Length - _len);
            if (got == 0) { _eof = true; break; }
            _len += got;
        }
    }

    private void SkipId3v2Tags()
    {
        while (true)
        {
            Fill(10);
            var b = _buf.AsSpan(_pos, _len - _pos);
            if (b.Length < 10 || !b[..3].SequenceEqual("ID3"u8)) return;
            // Syncsafe size: four 7-bit groups; a footer (flag 0x10) adds 10 bytes.
            if (((b[6] | b[7] | b[8] | b[9]) & 0x80) != 0)
                throw new AudioFormatException(_sourceName, "corrupt ID3v2 tag: its size field is not syncsafe");
            long size = 10 + ((b[6] << 21) | (b[7] << 14) | (b[8] << 7) | b[9]) + ((b[5] & 0x10) != 0 ? 10 : 0);
            if (size > MaxId3Size)
                throw new AudioFormatException(_sourceName, string.Create(CultureInfo.InvariantCulture, $"ID3v2 tag of {size} bytes is too large"));
            while (size > 0)
            {
                int inBuffer = _len - _pos;
                if (inBuffer == 0)
                {
                    Fill(1);
                    if (_len - _pos == 0)
                        throw new AudioFormatException(_sourceName, "truncated MP3: the ID3v2 tag runs past the end of the file");
                    continue;
                }
                int step = (int)Math.Min(size, inBuffer);
                _pos += step;
                size -= step;
            }
        }
    }

    public void Dispose()
    {
        if (!_leaveOpen) _stream.Dispose();
    }
}
