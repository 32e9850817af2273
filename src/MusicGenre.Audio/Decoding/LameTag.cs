using System.Buffers.Binary;

namespace MusicGenre.Audio.Decoding;

/// <summary>
/// The Xing/Info (and LAME extension) or VBRI tag that encoders put in a first, silent frame. The frame carries no audio;
/// the LAME extension stores the encoder delay and padding used for gapless trimming.
/// </summary>
internal readonly record struct LameTag(bool IsTagFrame, int EncoderDelay, int Padding, bool HasGaplessInfo)
{
    /// <summary>The audio frames the Xing/Info tag says the stream holds (the tag frame itself not counted), when it says.</summary>
    public long? DeclaredFrames { get; init; }

    private const int FlagFrames = 1, FlagBytes = 2, FlagToc = 4, FlagQuality = 8;

    /// <summary>
    /// Inspects a whole first frame.
    /// 1. "Xing"/"Info" right after the side information marks a tag frame; "VBRI" at byte 36 too.
    /// 2. Read the frame count if the flags announce it, and skip the other optional Xing fields (bytes 4, TOC 100, quality 4).
    /// 3. A LAME extension follows: 9-byte encoder string, then at +21 three bytes = 12-bit delay, 12-bit padding.
    /// </summary>
    public static LameTag Parse(in Mp3FrameHeader header, ReadOnlySpan<byte> frame)
    {
        int xing = header.SideInfoOffset + header.SideInfoLength;
        if (frame.Length >= 40 && frame.Slice(36, 4).SequenceEqual("VBRI"u8))
            return new LameTag(true, 0, 0, false);
        if (frame.Length < xing + 8) return default;
        var id = frame.Slice(xing, 4);
        if (!id.SequenceEqual("Xing"u8) && !id.SequenceEqual("Info"u8)) return default;

        int flags = (int)BinaryPrimitives.ReadUInt32BigEndian(frame[(xing + 4)..]);
        int pos = xing + 8;
        long? declared = null;
        if ((flags & FlagFrames) != 0)
        {
            if (frame.Length >= pos + 4) declared = BinaryPrimitives.ReadUInt32BigEndian(frame[pos..]);
            pos += 4;
        }
        if ((flags & FlagBytes) != 0) pos += 4;
        if ((flags & FlagToc) != 0) pos += 100;
        if ((flags & FlagQuality) != 0) pos += 4;
        if (frame.Length < pos + 24) return new LameTag(true, 0, 0, false) { DeclaredFrames = declared };

        var encoder = frame.Slice(pos, 4);
        if (!encoder.SequenceEqual("LAME"u8) && !encoder.SequenceEqual("Lavf"u8) && !encoder.SequenceEqual("Lavc"u8) && !encoder.SequenceEqual("GOGO"u8))
            return new LameTag(true, 0, 0, false) { DeclaredFrames = declared };
        int packed = (frame[pos + 21] << 16) | (frame[pos + 22] << 8) | frame[pos + 23];
        return new LameTag(true, packed >> 12, packed & 0xFFF, true) { DeclaredFrames = declared };
    }
}
