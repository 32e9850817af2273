using NLayer;

namespace MusicGenre.Audio.Decoding;

/// <summary>
/// The 4-byte header of an MPEG audio layer III frame (ISO/IEC 11172-3 §2.4.2.3, 13818-3, and the MPEG-2.5 extension):
/// sync(11) version(2) layer(2) protection(1) | bitrate(4) rate(2) padding(1) private(1) | mode(2) ext(2) copy(1) orig(1) emphasis(2).
/// </summary>
internal readonly struct Mp3FrameHeader
{
    // Layer III bit rates in kbit/s by index 1..14 (0 = free format and 15 = invalid are rejected).
    private static ReadOnlySpan<short> BitRatesV1 => [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320];
    private static ReadOnlySpan<short> BitRatesV2 => [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160];
    private static ReadOnlySpan<int> SampleRatesV1 => [44100, 48000, 32000];

    /// <summary>The largest layer III frame in bytes (MPEG-1 320 kbit/s at 32 kHz with padding; MPEG-2.5 160 kbit/s at 8 kHz).</summary>
    public const int MaxFrameLength = 1441;

    private Mp3FrameHeader(MpegVersion version, int bitRateIndex, int sampleRateIndex, bool hasCrc, bool padding, MpegChannelMode mode, int modeExtension, bool copyright)
    {
        Version = version;
        BitRateIndex = bitRateIndex;
        SampleRateIndex = sampleRateIndex;
        HasCrc = hasCrc;
        Padding = padding;
        ChannelMode = mode;
        ModeExtension = modeExtension;
        IsCopyrighted = copyright;
        bool v1 = version == MpegVersion.Version1;
        int shift = version switch { MpegVersion.Version1 => 0, MpegVersion.Version2 => 1, _ => 2 };
        SampleRate = SampleRatesV1[sampleRateIndex] >> shift;
        BitRate = (v1 ? BitRatesV1 : BitRatesV2)[bitRateIndex] * 1000;
        SampleCount = v1 ? 1152 : 576;
        // Slots: 144 · bitrate / rate bytes for MPEG-1 (1152 samples), 72 · bitrate / rate for MPEG-2/2.5 (576 samples).
        FrameLength = SampleCount / 8 * BitRate / SampleRate + (padding ? 1 : 0);
        Channels = mode == MpegChannelMode.Mono ? 1 : 2;
        SideInfoLength = v1 ? (Channels == 1 ? 17 : 32) : (Channels == 1 ? 9 : 17);
    }

    public MpegVersion Version { get; }

    public int BitRateIndex { get; }

    public int SampleRateIndex { get; }

    public bool HasCrc { get; }

    public bool Padding { get; }

    public MpegChannelMode ChannelMode { get; }

    public int ModeExtension { get; }

    public bool IsCopyrighted { get; }

    /// <summary>Sample rate in Hz.</summary>
    public int SampleRate { get; }

    /// <summary>Bit rate in bit/s.</summary>
    public int BitRate { get; }

    /// <summary>Samples per channel in this frame (1152 or 576).</summary>
    public int SampleCount { get; }

    /// <summary>Whole frame length in bytes, header included.</summary>
    public int FrameLength { get; }

    /// <summary>1 or 2.</summary>
    public int Channels { get; }

    /// <summary>Bytes of side information after the header (and CRC).</summary>
    public int SideInfoLength { get; }

    /// <summary>Offset of the side information (4, or 6 with a CRC).</summary>
    public int SideInfoOffset => HasCrc ? 6 : 4;

    /// <summary>
    /// Parses a layer III header from the first 4 bytes of <paramref name="b"/>. Rejects anything that cannot be a
    /// decodable layer III frame: no sync, reserved version, other layers, free-format or invalid bit rate, reserved sample
    /// rate or emphasis.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> b, out Mp3FrameHeader header)
    {
        header = default;
        if (b.Length < 4 || b[0] != 0xFF || (b[1] & 0xE0) != 0xE0) return false;
        MpegVersion version = ((b[1] >> 3) & 3) switch { 0 => MpegVersion.Version25, 2 => MpegVersion.Version2, 3 => MpegVersion.Version1, _ => MpegVersion.Unknown };
        if (version == MpegVersion.Unknown || ((b[1] >> 1) & 3) != 1) return false;
        int bitRateIndex = b[2] >> 4, rateIndex = (b[2] >> 2) & 3;
        if (bitRateIndex is 0 or 15 || rateIndex == 3 || (b[3] & 3) == 2) return false;
        header = new Mp3FrameHeader(version, bitRateIndex, rateIndex, hasCrc: (b[1] & 1) == 0, padding: (b[2] & 2) != 0,
            (MpegChannelMode)(b[3] >> 6), (b[3] >> 4) & 3, copyright: (b[3] & 8) != 0);
        return true;
    }

    /// <summary>True when a frame with <paramref name="other"/>'s header can follow this one in the same stream.</summary>
    public bool IsCompatibleWith(in Mp3FrameHeader other) =>
        Version == other.Version && SampleRate == other.SampleRate && Channels == other.Channels;
}
