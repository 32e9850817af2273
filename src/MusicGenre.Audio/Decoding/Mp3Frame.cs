using NLayer;

namespace MusicGenre.Audio.Decoding;

/// <summary>
/// One layer III frame held in memory, presented to NLayer's <see cref="MpegFrameDecoder"/> through
/// <see cref="IMpegFrame"/>. Reused for every frame (not thread-safe): <see cref="Set"/> loads the next one.
/// </summary>
internal sealed class Mp3Frame : IMpegFrame
{
    private readonly byte[] _data = new byte[Mp3FrameHeader.MaxFrameLength];
    private Mp3FrameHeader _header;
    private int _length, _readOffset, _bitsInBucket;
    private ulong _bucket;

    /// <summary>Copies the frame bytes (header included) and rewinds the bit reader.</summary>
    public void Set(in Mp3FrameHeader header, ReadOnlySpan<byte> frame)
    {
        _header = header;
        _length = frame.Length;
        frame.CopyTo(_data);
        Reset();
    }

    public int SampleRate => _header.SampleRate;

    public int SampleRateIndex => _header.SampleRateIndex;

    public int FrameLength => _length;

    public int BitRate => _header.BitRate;

    public MpegVersion Version => _header.Version;

    public MpegLayer Layer => MpegLayer.LayerIII;

    public MpegChannelMode ChannelMode => _header.ChannelMode;

    public int ChannelModeExtension => _header.ModeExtension;

    public int SampleCount => _header.SampleCount;

    public int BitRateIndex => _header.BitRateIndex;

    public bool IsCopyrighted => _header.IsCopyrighted;

    public bool HasCrc => _header.HasCrc;

    public bool IsCorrupted => false;

    /// <summary>Rewinds to the first bit after the header and CRC.</summary>
    public void Reset()
    {
        _readOffset = _header.SideInfoOffset;
        _bucket = 0;
        _bitsInBucket = 0;
    }

    /// <summary>Reads <paramref name="bitCount"/> (1..32) bits MSB-first; -1 once the frame's bytes run out.</summary>
    public int ReadBits(int bitCount)
    {
        if (bitCount is < 1 or > 32) throw new ArgumentOutOfRangeException(nameof(bitCount), bitCount, "1..32 bits");
        while (_bitsInBucket < bitCount)
        {
            if (_readOffset >= _length) return -1;
            _bucket = (_bucket << 8) | _data[_readOffset++];
            _bitsInBucket += 8;
        }
        _bitsInBucket -= bitCount;
        return (int)((_bucket >> _bitsInBucket) & ((1UL << bitCount) - 1));
    }
}
