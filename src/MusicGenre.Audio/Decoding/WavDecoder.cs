using System.Buffers.Binary;
using System.Globalization;

namespace MusicGenre.Audio.Decoding;

/// <summary>
/// Our own RIFF/WAVE parser (NAudio's WaveFileReader throws assorted untyped exceptions on damaged headers and does not
/// check a declared data size against the file): PCM 8/16/24/32-bit, IEEE float 32/64-bit, G.711 A-law and µ-law (8-bit,
/// expanded through the same tables as AU's), WAVE_FORMAT_EXTENSIBLE with any of these as its sub-format, any channel
/// count and rate. Files over 4 GiB: RF64 (EBU Tech 3306) and BW64 (ITU-R BS.2088), whose 'ds64' chunk holds 64-bit
/// sizes, and plain RIFF files whose 32-bit data size wrapped past 4 GiB (read to the end of the file, with a warning).
/// </summary>
internal static class WavDecoder
{
    private const ushort FormatPcm = 1;
    private const ushort FormatFloat = 3;
    private const ushort FormatALaw = 6;  // G.711 A-law, 8 bits a sample (telephony recordings, sox -e a-law)
    private const ushort FormatMuLaw = 7; // G.711 µ-law, 8 bits a sample
    private const ushort FormatExtensible = 0xFFFE;
    private const int MaxFmtChunk = 4096;
    private const int MaxChannels = 256;

    /// <summary>The data size a writer that cannot seek (a pipe) leaves in the header; in RF64, "see 'ds64'".</summary>
    private const uint StreamedSize = 0xFFFFFFFF;

    /// <summary>The fixed part of a 'ds64' chunk: 64-bit RIFF size, data size and sample count (a table may follow).</summary>
    private const int Ds64Fixed = 24;

    /// <summary>How far a 32-bit chunk size reaches: a data size that wrapped is the true size modulo this.</summary>
    private const long FourGiB = 1L << 32;

    // Bytes 2..15 of every KSDATAFORMAT_SUBTYPE_* GUID (the first two bytes hold the format tag).
    private static ReadOnlySpan<byte> SubFormatTail => [0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71];

    /// <summary>
    /// Parses the header of the WAV file in <paramref name="stream"/> (positioned at "RIFF", "RF64" or "BW64") and returns a
    /// decoder positioned at the first sample.
    /// 1. Check "RIFF"…"WAVE" (RIFX, big-endian WAV, is refused); RF64/BW64 must have its 'ds64' chunk right after "WAVE".
    /// 2. Walk the chunks: keep "fmt ", skip unknown ones (word-aligned; a missing pad byte is recognised), stop at "data".
    /// 3. Validate the format (channels, rate, bits, block align) and the data size against the stream length
    ///    (<see cref="DataExtent"/>).
    /// </summary>
    public static PcmDecoder Open(Stream stream, string sourceName, bool leaveOpen)
    {
        // 1. RIFF header.
        long riffStart = stream.CanSeek ? stream.Position : -1;
        Span<byte> head = stackalloc byte[12];
        if (stream.ReadAtLeast(head, 12, throwOnEndOfStream: false) < 12)
            throw new AudioFormatException(sourceName, "truncated WAV: shorter than the 12-byte RIFF header");
        if (head[..4].SequenceEqual("RIFX"u8))
            throw new AudioFormatException(sourceName, "big-endian WAV (RIFX) is not supported");
        bool rf64 = head[..4].SequenceEqual("RF64"u8) || head[..4].SequenceEqual("BW64"u8);
        if (!(rf64 || head[..4].SequenceEqual("RIFF"u8)) || !head[8..12].SequenceEqual("WAVE"u8))
            throw new AudioFormatException(sourceName, "not a RIFF/WAVE file");
        Ds64? ds64 = rf64 ? ReadDs64(stream, sourceName, head[..4].SequenceEqual("RF64"u8) ? "RF64" : "BW64") : null;

        // 2. Chunks.
        WavFormat? format = null;
        Span<byte> chunk = stackalloc byte[8];
        while (true)
        {
            if (stream.ReadAtLeast(chunk, 8, throwOnEndOfStream: false) < 8)
                throw new AudioFormatException(sourceName, format is null ? "truncated WAV: no 'fmt ' chunk before the end of the file" : "truncated WAV: no 'data' chunk before the end of the file");
            uint size = BinaryPrimitives.ReadUInt32LittleEndian(chunk[4..]);
            if (chunk[..4].SequenceEqual("fmt "u8))
            {
                // Two formats for one data chunk contradict each other (readers differ on which wins): refuse, do not guess.
                if (format is not null) throw new AudioFormatException(sourceName, "corrupt WAV: a second 'fmt ' chunk (the format is ambiguous)");
                format = ReadFormat(stream, sourceName, size);
            }
            else if (chunk[..4].SequenceEqual("data"u8))
            {
                if (format is not { } f)
                    throw new AudioFormatException(sourceName, "the 'data' chunk comes before any 'fmt ' chunk");

                // 3. The data size.
                var (dataBytes, warning) = DataExtent(stream, sourceName, f, size, ds64, riffStart, BinaryPrimitives.ReadUInt32LittleEndian(head[4..]));
                return new PcmDecoder(stream, leaveOpen, sourceName, AudioFormat.Wav, f.Encoding, bigEndian: false, f.Channels, f.SampleRate, dataBytes, warning);
            }
            else if ((size & 1) != 0 && stream is ReplayStream pipe)
            {
                // A pipe cannot step back: skip the chunk, then look at the byte where the pad should be and the 4 after.
                Skip(stream, sourceName, size);
                UndoMissingPad(pipe);
            }
            else
            {
                Skip(stream, sourceName, size + (size & 1));
                if ((size & 1) != 0) UndoMissingPad(stream);
            }
        }
    }

    /// <summary>
    /// Reads the 'ds64' chunk that must follow "WAVE" in an RF64/BW64 file (<paramref name="kind"/> names which): the
    /// 64-bit sizes that the 32-bit fields (left at 0xFFFFFFFF) cannot hold. The table of other chunks' sizes after them is
    /// skipped (a chunk before 'data' larger than 4 GiB is not expected in audio), and so is the sample count (that of a
    /// 'fact' chunk, which PCM does not need).
    /// </summary>
    private static Ds64 ReadDs64(Stream stream, string sourceName, string kind)
    {
        Span<byte> chunk = stackalloc byte[8];
        int got = stream.ReadAtLeast(chunk, 8, throwOnEndOfStream: false);
        if (got < 8)
            throw new AudioFormatException(sourceName, got >= 4 && chunk[..4].SequenceEqual("ds64"u8)
                ? $"truncated {kind}: the 'ds64' chunk is cut off"
                : $"truncated {kind}: no 'ds64' chunk (the 64-bit sizes) before the end of the file");
        if (!chunk[..4].SequenceEqual("ds64"u8))
            throw new AudioFormatException(sourceName, $"corrupt {kind}: no 'ds64' chunk right after 'WAVE' (found {DescribeId(chunk[..4])}); it holds the 64-bit sizes this format needs");
        uint size = BinaryPrimitives.ReadUInt32LittleEndian(chunk[4..]);
        if (size < Ds64Fixed)
            throw new AudioFormatException(sourceName, string.Create(CultureInfo.InvariantCulture,
                $"corrupt {kind}: 'ds64' chunk size {size} (expected at least {Ds64Fixed}: the 64-bit RIFF size, data size and sample count)"));
        Span<byte> body = stackalloc byte[Ds64Fixed];
        if (stream.ReadAtLeast(body, Ds64Fixed, throwOnEndOfStream: false) < Ds64Fixed)
            throw new AudioFormatException(sourceName, $"truncated {kind}: the 'ds64' chunk is cut off");
        ulong dataSize = BinaryPrimitives.ReadUInt64LittleEndian(body[8..]);
        // A size beyond 2^63 is no file's (ffmpeg reads it as negative and refuses it too).
        if (dataSize > long.MaxValue)
            throw new AudioFormatException(sourceName, string.Create(CultureInfo.InvariantCulture,
                $"corrupt {kind}: the 'ds64' chunk declares {dataSize} bytes of data, more than any file holds"));
        try
        {
            Skip(stream, sourceName, size - Ds64Fixed + (size & 1));
        }
        catch (AudioFormatException)
        {
            throw new AudioFormatException(sourceName, string.Create(CultureInfo.InvariantCulture,
                $"truncated {kind}: the 'ds64' chunk is cut off (it declares {size} bytes)"));
        }
        return new Ds64(kind, (long)dataSize);
    }

    /// <summary>
    /// How many bytes of the 'data' chunk to read (null: to the end of the stream) and any warning; the stream stays at the
    /// first sample. <paramref name="size"/> is the chunk's 32-bit size, <paramref name="ds64"/> the RF64 sizes (null in
    /// RIFF), <paramref name="riffSize"/> the header's 32-bit RIFF size.
    /// 1. RF64: the 32-bit size is 0xFFFFFFFF ("see 'ds64'") or the same number as ds64's; anything else is a contradiction.
    /// 2. RIFF in a seekable file over 4 GiB whose data size wrapped (see <see cref="WrappedDataBytes"/>): to the end of the
    ///    file, with a warning. sox reads only the wrapped size; ffmpeg reads on, as this does.
    /// 3. A size of 0 followed by bytes that are no chunk: a writer that never filled in the size, refused.
    /// 4. RIFF 0xFFFFFFFF: a writer streaming to a pipe could not seek back to fill it in (ffmpeg, sox): to the end of the
    ///    stream, or of the RIFF when a tagger filled in its size and appended a chunk.
    /// 5. More than the file holds: a truncated file, what is there is read with a warning (libsndfile, ffmpeg).
    /// 6. Fewer than the file holds, and what follows is no chunk: read the declared size, with a warning about the rest.
    /// A trailing partial frame is dropped (by <see cref="PcmDecoder"/>).
    /// </summary>
    private static (long? Bytes, string? Warning) DataExtent(Stream stream, string sourceName, WavFormat f, uint size, Ds64? ds64, long riffStart, uint riffSize)
    {
        long at = stream.CanSeek ? stream.Position : -1;
        long available = stream.CanSeek ? stream.Length - at : long.MaxValue;
        string kind = ds64?.Kind ?? "WAV";
        string follow = ds64 is null ? "it" : "the 'data' chunk";

        // 1. What the header declares; null: unknown.
        long? declared;
        string declares;
        if (ds64 is { } d)
        {
            if (size != StreamedSize && size != (uint)d.DataSize)
                throw new AudioFormatException(sourceName, string.Create(CultureInfo.InvariantCulture,
                    $"corrupt {kind}: the 'data' chunk declares {size} bytes and the 'ds64' chunk {d.DataSize} (they contradict each other; in {kind} the 'data' chunk's own size is 0xFFFFFFFF)"));
            declared = d.DataSize;
            declares = string.Create(CultureInfo.InvariantCulture, $"the 'ds64' chunk declares {d.DataSize} bytes of data");
        }
        else
        {
            declared = size == StreamedSize ? null : size;
            declares = string.Create(CultureInfo.InvariantCulture, $"the 'data' chunk declares {size} bytes");
        }

        // 2. A 32-bit size that wrapped.
        if (ds64 is null && declared is { } s && stream.CanSeek && WrappedDataBytes(stream, at, s, available) is { } whole)
            return (whole, string.Create(CultureInfo.InvariantCulture,
                $"{sourceName}: {declares}, but {whole} follow it to the end of the file and no chunk comes after {s}: the 32-bit data size wrapped (the file is over 4 GiB); read all {whole} bytes as data"));

        // 3. Empty, with samples after it: said so, rather than "too short: 0 s" (which bytes are audio is not known: a
        //    following chunk would be read as samples).
        if (declared == 0 && stream.CanSeek && available >= 8 && !ChunkFollows(stream, at, 0))
            throw new AudioFormatException(sourceName, string.Create(CultureInfo.InvariantCulture,
                $"corrupt {kind}: {declares}, yet {available} bytes that are no chunk follow {follow} (a writer that never filled in the size?)"));

        // 4. Streamed.
        if (declared is not { } bytes)
        {
            long riffEnd = riffStart + 8L + riffSize;
            return (riffStart >= 0 && riffSize is not (0 or StreamedSize) && riffEnd > at && riffEnd < stream.Length ? riffEnd - at : null, null);
        }

        // 5. Truncated.
        if (bytes > available)
        {
            if (available < f.Channels * PcmConverter.BytesPerSample(f.Encoding))
                throw new AudioFormatException(sourceName, string.Create(CultureInfo.InvariantCulture,
                    $"truncated or corrupt {kind}: {declares} but only {available} follow in the file"));
            return (available, string.Create(CultureInfo.InvariantCulture,
                $"{sourceName}: truncated {kind}: {declares} but only {available} follow; decoded what is there"));
        }

        // 6. Bytes after the data that are no chunk: not audio as far as the header says, but worth knowing about — unless
        //    a RIFF size says its container ends with the data (then they are outside it, e.g. an ID3 tag appended to the file).
        long after = available - bytes - (bytes & 1);
        bool outsideTheRiff = ds64 is null && riffStart >= 0 && riffSize is not (0 or StreamedSize) && riffStart + 8L + riffSize <= at + bytes + (bytes & 1);
        if (stream.CanSeek && after >= 8 && !outsideTheRiff && !ChunkFollows(stream, at, bytes))
            return (bytes, string.Create(CultureInfo.InvariantCulture,
                $"{sourceName}: {declares}, yet {after} bytes that are no chunk follow {follow}; they were not decoded"));
        return (bytes, null);
    }

    /// <summary>
    /// The true size of a RIFF 'data' chunk whose 32-bit size <paramref name="declared"/> wrapped (a writer that ignored the
    /// 4 GiB limit), else null. Starting at <paramref name="at"/>, <paramref name="available"/> bytes follow to the end of
    /// the file; it wrapped when they exceed the declared size by a whole number of 4 GiB (that, plus a pad byte after data
    /// of odd size) and no chunk starts where the declared size ends. A real chunk there, or any other remainder, keeps the
    /// declared size.
    /// </summary>
    private static long? WrappedDataBytes(Stream stream, long at, long declared, long available)
    {
        long beyond = available - declared;
        if (beyond < FourGiB) return null;
        long pad = (beyond % FourGiB) switch { 0 => 0, 1 when (declared & 1) != 0 => 1, _ => -1 };
        if (pad < 0 || ChunkFollows(stream, at, declared)) return null;
        return available - pad;
    }

    /// <summary>
    /// Whether a chunk id (printable ASCII) starts after <paramref name="dataBytes"/> bytes of data from <paramref name="at"/>:
    /// after the pad byte when the size is odd, or (a writer that left the pad out) right at its end. The position is kept.
    /// </summary>
    private static bool ChunkFollows(Stream stream, long at, long dataBytes)
    {
        long keep = stream.Position;
        bool found = IdAt(stream, at + dataBytes + (dataBytes & 1)) || ((dataBytes & 1) != 0 && IdAt(stream, at + dataBytes));
        stream.Position = keep;
        return found;

        static bool IdAt(Stream stream, long position)
        {
            Span<byte> id = stackalloc byte[4];
            stream.Position = position;
            return stream.ReadAtLeast(id, 4, throwOnEndOfStream: false) == 4 && IsChunkId(id);
        }
    }

    private static WavFormat ReadFormat(Stream stream, string sourceName, uint size)
    {
        if (size < 16 || size > MaxFmtChunk)
            throw new AudioFormatException(sourceName, string.Create(CultureInfo.InvariantCulture, $"corrupt WAV: 'fmt ' chunk size {size} (expected 16..{MaxFmtChunk})"));
        int padded = (int)(size + (size & 1));
        var fmt = new byte[padded];
        if (stream.ReadAtLeast(fmt, padded, throwOnEndOfStream: false) < (int)size)
            throw new AudioFormatException(sourceName, "truncated WAV: the 'fmt ' chunk is cut off");
        ushort tag = BinaryPrimitives.ReadUInt16LittleEndian(fmt);
        int channels = BinaryPrimitives.ReadUInt16LittleEndian(fmt.AsSpan(2));
        uint rate = BinaryPrimitives.ReadUInt32LittleEndian(fmt.AsSpan(4));
        int blockAlign = BinaryPrimitives.ReadUInt16LittleEndian(fmt.AsSpan(12));
        int bits = BinaryPrimitives.ReadUInt16LittleEndian(fmt.AsSpan(14));

        var problems = new List<string>();
        if (channels == 0) problems.Add("zero channels");
        else if (channels > MaxChannels) problems.Add($"{channels} channels (at most {MaxChannels} supported)");
        if (rate == 0) problems.Add("sample rate 0 Hz");
        else if (rate < AudioLoadOptions.MinNativeSampleRate) problems.Add($"sample rate {rate} Hz is implausible for audio (< {AudioLoadOptions.MinNativeSampleRate} Hz)");
        else if (rate > AudioLoadOptions.MaxSampleRate) problems.Add($"sample rate {rate} Hz (at most {AudioLoadOptions.MaxSampleRate})");

        ushort code = tag;
        if (tag == FormatExtensible)
        {
            if (size < 40)
                problems.Add($"WAVE_FORMAT_EXTENSIBLE with a {size}-byte 'fmt ' chunk (needs 40)");
            else if (!fmt.AsSpan(26, 14).SequenceEqual(SubFormatTail))
                problems.Add("WAVE_FORMAT_EXTENSIBLE with an unknown sub-format GUID");
            else
                code = BinaryPrimitives.ReadUInt16LittleEndian(fmt.AsSpan(24));
        }

        PcmEncoding? encoding = (code, bits) switch
        {
            (FormatPcm, 8) => PcmEncoding.UInt8,
            (FormatPcm, 16) => PcmEncoding.Int16,
            (FormatPcm, 24) => PcmEncoding.Int24,
            (FormatPcm, 32) => PcmEncoding.Int32,
            (FormatFloat, 32) => PcmEncoding.Float32,
            (FormatFloat, 64) => PcmEncoding.Float64,
            (FormatALaw, 8) => PcmEncoding.ALaw,
            (FormatMuLaw, 8) => PcmEncoding.MuLaw,
            _ => null,
        };
        if (encoding is null && problems.Count == 0)
            problems.Add(code is FormatPcm or FormatFloat or FormatALaw or FormatMuLaw
                ? $"{bits}-bit {code switch { FormatPcm => "PCM", FormatFloat => "float", FormatALaw => "A-law", _ => "µ-law" }} is not supported (PCM 8/16/24/32, float 32/64, A-law and µ-law 8)"
                : $"WAV format tag 0x{code:X4} is not supported (only PCM, IEEE float, A-law, µ-law, extensible)");
        if (encoding is { } e && channels > 0 && blockAlign != channels * PcmConverter.BytesPerSample(e))
            problems.Add($"block align {blockAlign} does not match {channels} channel(s) of {bits}-bit samples");
        if (problems.Count > 0)
            throw new AudioFormatException(sourceName, "unsupported or corrupt WAV format: " + string.Join("; ", problems));
        return new WavFormat(encoding!.Value, channels, (int)rate);
    }

    /// <summary>
    /// Some writers omit the pad byte after a chunk of odd size. In a seekable stream, when the 4 bytes after the pad are no
    /// chunk id (printable ASCII) and the 4 bytes where the pad should be are one, steps back one byte to them — as
    /// libsndfile does — rather than reading a chunk header one byte off (which failed as "a chunk runs past the end").
    /// </summary>
    private static void UndoMissingPad(Stream stream)
    {
        if (!stream.CanSeek || stream.Position + 3 > stream.Length) return;
        long at = stream.Position;
        Span<byte> id = stackalloc byte[5];
        stream.Position = at - 1;
        int got = stream.ReadAtLeast(id, 5, throwOnEndOfStream: false);
        stream.Position = at;
        if (got >= 4 && IsChunkId(id[..4]) && !(got == 5 && IsChunkId(id[1..5]))) stream.Position = at - 1;
    }

    /// <summary>
    /// <see cref="UndoMissingPad(Stream)"/> in a pipe, positioned right after a chunk of odd size: the pad byte is consumed
    /// unless the bytes from it on read as a chunk id and those after it do not; whatever was looked at beyond is put back.
    /// </summary>
    private static void UndoMissingPad(ReplayStream pipe)
    {
        Span<byte> look = stackalloc byte[5];
        int got = pipe.ReadAtLeast(look, 5, throwOnEndOfStream: false);
        bool missing = got >= 4 && IsChunkId(look[..4]) && !(got == 5 && IsChunkId(look[1..5]));
        pipe.Unread(missing || got == 0 ? look[..got] : look[1..got]);
    }

    private static bool IsChunkId(ReadOnlySpan<byte> b) => b.Length == 4 && !b.ContainsAnyExceptInRange((byte)0x20, (byte)0x7E);

    /// <summary>A chunk id for a message: quoted when it is printable ASCII, else as hex bytes.</summary>
    private static string DescribeId(ReadOnlySpan<byte> id) =>
        IsChunkId(id) ? $"'{System.Text.Encoding.ASCII.GetString(id)}'" : "bytes " + Convert.ToHexString(id);

    private static void Skip(Stream stream, string sourceName, long bytes)
    {
        if (stream.CanSeek)
        {
            if (bytes > stream.Length - stream.Position)
                throw new AudioFormatException(sourceName, "truncated WAV: a chunk runs past the end of the file before any 'data' chunk");
            stream.Seek(bytes, SeekOrigin.Current);
            return;
        }
        Span<byte> scratch = stackalloc byte[4096];
        while (bytes > 0)
        {
            int got = stream.Read(scratch[..(int)Math.Min(bytes, scratch.Length)]);
            if (got == 0) throw new AudioFormatException(sourceName, "truncated WAV: a chunk runs past the end of the stream before any 'data' chunk");
            bytes -= got;
        }
    }

    private readonly record struct WavFormat(PcmEncoding Encoding, int Channels, int SampleRate);

    /// <summary>What an RF64/BW64 file's 'ds64' chunk says: <see cref="Kind"/> is "RF64" or "BW64", for messages.</summary>
    private readonly record struct Ds64(string Kind, long DataSize);
}
