using System.Buffers.Binary;
using System.Globalization;

namespace MusicGenre.Audio.Decoding;

/// <summary>
/// Sun/NeXT audio (.au/.snd, the original GTZAN format): a 24-byte big-endian header (magic ".snd", data offset, data
/// size or 0xFFFFFFFF for "unknown", encoding, rate, channels), an annotation, then big-endian samples.
/// Encodings: 1 µ-law, 2/3/4/5 linear 8/16/24/32-bit, 6 float, 7 double, 27 A-law.
/// </summary>
internal static class AuDecoder
{
    /// <summary>".snd" read as a big-endian 32-bit integer.</summary>
    public const uint Magic = 0x2E736E64;

    private const int HeaderSize = 24;
    private const uint UnknownSize = 0xFFFFFFFF;
    private const int MaxChannels = 256;
    private const int MaxAnnotation = 1 << 20;

    /// <summary>
    /// Parses the header of the AU file in <paramref name="stream"/> and returns a decoder positioned at the first sample.
    /// 1. Read and check the 24-byte header. 2. Validate encoding, rate, channels and offsets, reporting every problem.
    /// 3. Skip the annotation up to the data offset. 4. Check the declared data size against the stream length.
    /// </summary>
    public static PcmDecoder Open(Stream stream, string sourceName, bool leaveOpen)
    {
        // 1. Header.
        Span<byte> h = stackalloc byte[HeaderSize];
        if (stream.ReadAtLeast(h, HeaderSize, throwOnEndOfStream: false) < HeaderSize)
            throw new AudioFormatException(sourceName, "truncated AU: shorter than the 24-byte header");
        if (BinaryPrimitives.ReadUInt32BigEndian(h) != Magic)
            throw new AudioFormatException(sourceName, "not a Sun/NeXT AU file (no '.snd' magic)");
        uint offset = BinaryPrimitives.ReadUInt32BigEndian(h[4..]);
        uint size = BinaryPrimitives.ReadUInt32BigEndian(h[8..]);
        uint code = BinaryPrimitives.ReadUInt32BigEndian(h[12..]);
        uint rate = BinaryPrimitives.ReadUInt32BigEndian(h[16..]);
        uint channels = BinaryPrimitives.ReadUInt32BigEndian(h[20..]);

        // 2. Validate.
        var problems = new List<string>();
        PcmEncoding? encoding = code switch
        {
            1 => PcmEncoding.MuLaw,
            2 => PcmEncoding.Int8,
            3 => PcmEncoding.Int16,
            4 => PcmEncoding.Int24,
            5 => PcmEncoding.Int32,
            6 => PcmEncoding.Float32,
            7 => PcmEncoding.Float64,
            27 => PcmEncoding.ALaw,
            _ => null,
        };
        if (encoding is null) problems.Add($"encoding {code} is not supported (1 µ-law, 2-5 linear PCM, 6 float, 7 double, 27 A-law)");
        if (channels == 0) problems.Add("zero channels");
        else if (channels > MaxChannels) problems.Add($"{channels} channels (at most {MaxChannels} supported)");
        if (rate == 0) problems.Add("sample rate 0 Hz");
        else if (rate < AudioLoadOptions.MinNativeSampleRate) problems.Add($"sample rate {rate} Hz is implausible for audio (< {AudioLoadOptions.MinNativeSampleRate} Hz)");
        else if (rate > AudioLoadOptions.MaxSampleRate) problems.Add($"sample rate {rate} Hz (at most {AudioLoadOptions.MaxSampleRate})");
        if (offset < HeaderSize || offset > HeaderSize + MaxAnnotation) problems.Add($"data offset {offset} (expected {HeaderSize}..{HeaderSize + MaxAnnotation})");
        if (problems.Count > 0)
            throw new AudioFormatException(sourceName, "unsupported or corrupt AU header: " + string.Join("; ", problems));

        // 3. Annotation.
        long annotation = offset - HeaderSize;
        if (stream.CanSeek)
        {
            if (annotation > stream.Length - stream.Position)
                throw new AudioFormatException(sourceName, string.Create(CultureInfo.InvariantCulture, $"truncated AU: data offset {offset} is past the end of the file"));
            stream.Seek(annotation, SeekOrigin.Current);
        }
        else
        {
            var skip = new byte[annotation];
            if (stream.ReadAtLeast(skip, skip.Length, throwOnEndOfStream: false) < skip.Length)
                throw new AudioFormatException(sourceName, string.Create(CultureInfo.InvariantCulture, $"truncated AU: data offset {offset} is past the end of the stream"));
        }

        // 4. Data size.
        long? dataBytes = size == UnknownSize ? null : size;
        if (dataBytes is { } d && stream.CanSeek && d > stream.Length - stream.Position)
            throw new AudioFormatException(sourceName, string.Create(CultureInfo.InvariantCulture,
                $"truncated or corrupt AU: the header declares {d} data bytes but only {stream.Length - stream.Position} follow"));
        return new PcmDecoder(stream, leaveOpen, sourceName, AudioFormat.Au, encoding!.Value, bigEndian: true, (int)channels, (int)rate, dataBytes);
    }
}
