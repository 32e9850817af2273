using System.Buffers.Binary;

namespace MusicGenre.Audio.Tests;

/// <summary>Builds small WAV and AU files in memory from known samples (our own writers, independent of the readers).</summary>
internal static class TestAudio
{
    /// <summary>Seeded random samples in [-amplitude, amplitude).</summary>
    public static float[] Noise(int count, int seed, float amplitude = 0.9f)
    {
        var rng = new Random(seed);
        var x = new float[count];
        for (int i = 0; i < count; i++) x[i] = (float)(rng.NextDouble() * 2 - 1) * amplitude;
        return x;
    }

    /// <summary>A sine of <paramref name="hz"/> at <paramref name="rate"/>.</summary>
    public static float[] Sine(int count, double hz, int rate, double amplitude = 0.5)
    {
        var x = new float[count];
        for (int i = 0; i < count; i++) x[i] = (float)(amplitude * Math.Sin(2 * Math.PI * hz * i / rate));
        return x;
    }

    /// <summary>
    /// A WAV file. <paramref name="interleaved"/> holds raw integer codes (or float values) per sample; <paramref name="bits"/>
    /// and <paramref name="isFloat"/> pick the encoding; <paramref name="extensible"/> writes WAVE_FORMAT_EXTENSIBLE.
    /// </summary>
    public static byte[] Wav(double[] interleaved, int channels, int rate, int bits, bool isFloat = false, bool extensible = false, bool extraChunk = false)
    {
        int bytes = bits / 8;
        var data = new byte[interleaved.Length * bytes];
        for (int i = 0; i < interleaved.Length; i++)
        {
            var d = data.AsSpan(i * bytes);
            double v = interleaved[i];
            switch (bits, isFloat)
            {
                case (8, false): d[0] = (byte)(int)v; break;
                case (16, false): BinaryPrimitives.WriteInt16LittleEndian(d, (short)v); break;
                case (24, false): int s = (int)v; d[0] = (byte)s; d[1] = (byte)(s >> 8); d[2] = (byte)(s >> 16); break;
                case (32, false): BinaryPrimitives.WriteInt32LittleEndian(d, (int)v); break;
                case (32, true): BinaryPrimitives.WriteSingleLittleEndian(d, (float)v); break;
                case (64, true): BinaryPrimitives.WriteDoubleLittleEndian(d, v); break;
                default: throw new ArgumentException("unsupported test encoding");
            }
        }
        int fmtSize = extensible ? 40 : 16;
        var ms = new MemoryStream();
        var w = new BinaryWriter(ms);
        w.Write("RIFF"u8); w.Write(0); w.Write("WAVE"u8);
        if (extraChunk) { w.Write("LIST"u8); w.Write(5); w.Write("abcde"u8); w.Write((byte)0); }
        w.Write("fmt "u8); w.Write(fmtSize);
        ushort tag = extensible ? (ushort)0xFFFE : isFloat ? (ushort)3 : (ushort)1;
        w.Write(tag); w.Write((ushort)channels); w.Write(rate); w.Write(rate * channels * bytes); w.Write((ushort)(channels * bytes)); w.Write((ushort)bits);
        if (extensible)
        {
            w.Write((ushort)22); w.Write((ushort)bits); w.Write(channels == 1 ? 4 : 3);
            w.Write((ushort)(isFloat ? 3 : 1));
            w.Write([0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71]);
        }
        w.Write("data"u8); w.Write(data.Length); w.Write(data);
        if ((data.Length & 1) != 0) w.Write((byte)0);
        w.Flush();
        var result = ms.ToArray();
        BinaryPrimitives.WriteInt32LittleEndian(result.AsSpan(4), result.Length - 8);
        return result;
    }

    /// <summary>
    /// The RF64 form (EBU Tech 3306; <paramref name="id"/> "BW64" gives ITU-R BS.2088's) of a RIFF WAV from <see cref="Wav"/>:
    /// a 'ds64' chunk right after "WAVE" holds the 64-bit RIFF size, data size and sample count, then a table of
    /// <paramref name="tableEntries"/> other chunk sizes; the 32-bit RIFF and data sizes become 0xFFFFFFFF ("see 'ds64'"),
    /// or the data size stays as it was with <paramref name="keepDataSize"/> (a writer that fills in both).
    /// </summary>
    public static byte[] Rf64(byte[] riff, string id = "RF64", int tableEntries = 0, bool keepDataSize = false)
    {
        int ds64Size = 28 + 12 * tableEntries;
        var file = new byte[riff.Length + 8 + ds64Size];
        riff.AsSpan(12).CopyTo(file.AsSpan(20 + ds64Size));
        var h = file.AsSpan();
        System.Text.Encoding.ASCII.GetBytes(id).CopyTo(h);
        BinaryPrimitives.WriteUInt32LittleEndian(h[4..], 0xFFFFFFFF);
        "WAVEds64"u8.CopyTo(h[8..]);
        BinaryPrimitives.WriteInt32LittleEndian(h[16..], ds64Size);
        int data = h.IndexOf("data"u8);
        uint dataSize = BinaryPrimitives.ReadUInt32LittleEndian(h[(data + 4)..]);
        int blockAlign = BinaryPrimitives.ReadUInt16LittleEndian(h[(h.IndexOf("fmt "u8) + 20)..]);
        BinaryPrimitives.WriteUInt64LittleEndian(h[20..], (ulong)file.Length - 8);
        BinaryPrimitives.WriteUInt64LittleEndian(h[28..], dataSize);
        BinaryPrimitives.WriteUInt64LittleEndian(h[36..], (ulong)(dataSize / blockAlign));
        BinaryPrimitives.WriteInt32LittleEndian(h[44..], tableEntries);
        for (int i = 0; i < tableEntries; i++)
        {
            "JUNK"u8.CopyTo(h[(48 + 12 * i)..]);
            BinaryPrimitives.WriteUInt64LittleEndian(h[(52 + 12 * i)..], (ulong)(i + 1) << 32);
        }
        if (!keepDataSize) BinaryPrimitives.WriteUInt32LittleEndian(h[(data + 4)..], 0xFFFFFFFF);
        return file;
    }

    /// <summary>16-bit PCM WAV from float samples in [-1, 1) (rounded to int16 codes).</summary>
    public static byte[] Wav16(float[] interleaved, int channels, int rate) =>
        Wav(interleaved.Select(v => (double)Math.Clamp(MathF.Round(v * 32768), -32768, 32767)).ToArray(), channels, rate, 16);

    /// <summary>An AU file with raw big-endian payload <paramref name="payload"/> and the given header fields.</summary>
    public static byte[] Au(byte[] payload, uint encoding, uint rate, uint channels, string annotation = "test\0\0\0\0", uint? declaredSize = null)
    {
        var ann = System.Text.Encoding.ASCII.GetBytes(annotation);
        var file = new byte[24 + ann.Length + payload.Length];
        var h = file.AsSpan();
        BinaryPrimitives.WriteUInt32BigEndian(h, 0x2E736E64);
        BinaryPrimitives.WriteUInt32BigEndian(h[4..], (uint)(24 + ann.Length));
        BinaryPrimitives.WriteUInt32BigEndian(h[8..], declaredSize ?? (uint)payload.Length);
        BinaryPrimitives.WriteUInt32BigEndian(h[12..], encoding);
        BinaryPrimitives.WriteUInt32BigEndian(h[16..], rate);
        BinaryPrimitives.WriteUInt32BigEndian(h[20..], channels);
        ann.CopyTo(file, 24);
        payload.CopyTo(file, 24 + ann.Length);
        return file;
    }

    /// <summary>16-bit big-endian payload for <see cref="Au"/>.</summary>
    public static byte[] BigEndian16(short[] codes)
    {
        var b = new byte[codes.Length * 2];
        for (int i = 0; i < codes.Length; i++) BinaryPrimitives.WriteInt16BigEndian(b.AsSpan(2 * i), codes[i]);
        return b;
    }

    /// <summary>Loads bytes through the public entry point at the native rate.</summary>
    public static AudioClip LoadNative(byte[] file, string name = "test-input") =>
        AudioFile.Load(new MemoryStream(file), name, new AudioLoadOptions { TargetSampleRate = null });
}
