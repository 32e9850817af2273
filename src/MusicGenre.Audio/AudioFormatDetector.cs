using System.Buffers.Binary;
using MusicGenre.Audio.Decoding;

namespace MusicGenre.Audio;

/// <summary>Recognises an audio format from the first bytes of a file (magic numbers), independent of its extension.</summary>
internal static class AudioFormatDetector
{
    /// <summary>How many leading bytes <see cref="Detect"/> wants to see (fewer are fine for short inputs).</summary>
    public const int ProbeLength = 16;

    /// <summary>
    /// The format whose signature starts <paramref name="head"/>, or null when none matches.
    /// 1. "RIFF"/"RF64"/"BW64"/"RIFX"...."WAVE" is WAV (RF64 and BW64 are WAV over 4 GiB; RIFX is then rejected by the WAV
    ///    reader with a clear message).
    /// 2. ".snd" is Sun/NeXT audio.
    /// 3. "ID3" (an ID3v2 tag) or an MPEG audio layer III frame header at byte 0 is MP3.
    /// </summary>
    public static AudioFormat? Detect(ReadOnlySpan<byte> head)
    {
        if (head.Length >= 12 && IsRiffLike(head[..4]) && head[8..12].SequenceEqual("WAVE"u8))
            return AudioFormat.Wav;
        if (head.Length >= 4 && BinaryPrimitives.ReadUInt32BigEndian(head) == AuDecoder.Magic)
            return AudioFormat.Au;
        if (head.Length >= 3 && head[..3].SequenceEqual("ID3"u8))
            return AudioFormat.Mp3;
        if (head.Length >= 4 && Mp3FrameHeader.TryParse(head, out _))
            return AudioFormat.Mp3;
        return null;
    }

    private static bool IsRiffLike(ReadOnlySpan<byte> id) =>
        id.SequenceEqual("RIFF"u8) || id.SequenceEqual("RF64"u8) || id.SequenceEqual("BW64"u8) || id.SequenceEqual("RIFX"u8);

    /// <summary>A short human description of what the bytes look like, for error messages.</summary>
    public static string Describe(ReadOnlySpan<byte> head)
    {
        if (head.Length == 0) return "the file is empty";
        if (head.Length >= 4 && head[0] == 0x89 && head[1..4].SequenceEqual("PNG"u8)) return "it is a PNG image, not audio";
        if (head.Length >= 4 && head[..4].SequenceEqual("fLaC"u8)) return "it is FLAC, which is not supported";
        if (head.Length >= 4 && head[..4].SequenceEqual("OggS"u8)) return "it is an Ogg container, which is not supported";
        if (head.Length >= 4 && IsRiffLike(head[..4]))
            return head.Length < 12 ? $"truncated: only {head.Length} bytes, shorter than a RIFF/WAVE header" : "it is a RIFF file but not RIFF/WAVE";
        // An MPEG audio frame header that is not a layer III one we decode: 11 sync bits, then version, layer, bitrate.
        if (head.Length >= 3 && head[0] == 0xFF && (head[1] & 0xE0) == 0xE0 && ((head[1] >> 3) & 3) != 1)
        {
            int layer = (head[1] >> 1) & 3, bitrate = head[2] >> 4;
            if (layer is 2 or 3) return $"it is MPEG audio layer {(layer == 3 ? "I (MP1)" : "II (MP2)")}, which is not supported (only layer III, MP3)";
            if (layer == 1 && bitrate == 0) return "it is a free-format MP3 (no bitrate in its frame headers), which is not supported";
        }
        return $"no WAV, MP3 or AU signature at its start (first bytes {Convert.ToHexString(head[..Math.Min(8, head.Length)])})";
    }
}
