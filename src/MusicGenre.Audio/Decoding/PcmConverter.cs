using System.Runtime.CompilerServices;
using System.Buffers.Binary;

namespace MusicGenre.Audio.Decoding;

/// <summary>
/// Converts stored PCM samples to float32 with libsndfile's (and so librosa's) scaling: integers divide by 2^(bits−1)
/// (8-bit unsigned subtracts 128 first), so 16-bit gives exactly int16/32768; µ-law and A-law expand to 16-bit first.
/// </summary>
internal static class PcmConverter
{
    private static readonly float[] MuLawTable = BuildTable(MuLawToInt16);
    private static readonly float[] ALawTable = BuildTable(ALawToInt16);

    /// <summary>Bytes per stored sample.</summary>
    public static int BytesPerSample(PcmEncoding encoding) => encoding switch
    {
        PcmEncoding.UInt8 or PcmEncoding.Int8 or PcmEncoding.MuLaw or PcmEncoding.ALaw => 1,
        PcmEncoding.Int16 => 2,
        PcmEncoding.Int24 => 3,
        PcmEncoding.Int32 or PcmEncoding.Float32 => 4,
        PcmEncoding.Float64 => 8,
        _ => throw new ArgumentOutOfRangeException(nameof(encoding), encoding, "unknown PCM encoding"),
    };

    /// <summary>
    /// Converts <c>destination.Length</c> samples from <paramref name="source"/> (which holds at least
    /// <c>destination.Length · BytesPerSample</c> bytes) to float32.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // optimised from the first call (see ISimdOps)
    public static void ToFloat(ReadOnlySpan<byte> source, PcmEncoding encoding, bool bigEndian, Span<float> destination)
    {
        int n = destination.Length;
        if (source.Length < n * BytesPerSample(encoding))
            throw new ArgumentException("source holds fewer samples than destination", nameof(source));
        switch (encoding)
        {
            case PcmEncoding.UInt8:
                for (int i = 0; i < n; i++) destination[i] = (source[i] - 128) * (1f / 128);
                break;
            case PcmEncoding.Int8:
                for (int i = 0; i < n; i++) destination[i] = (sbyte)source[i] * (1f / 128);
                break;
            case PcmEncoding.MuLaw:
                for (int i = 0; i < n; i++) destination[i] = MuLawTable[source[i]];
                break;
            case PcmEncoding.ALaw:
                for (int i = 0; i < n; i++) destination[i] = ALawTable[source[i]];
                break;
            case PcmEncoding.Int16:
                for (int i = 0; i < n; i++)
                {
                    short s = bigEndian ? BinaryPrimitives.ReadInt16BigEndian(source[(2 * i)..]) : BinaryPrimitives.ReadInt16LittleEndian(source[(2 * i)..]);
                    destination[i] = s * (1f / 32768);
                }
                break;
            case PcmEncoding.Int24:
                for (int i = 0; i < n; i++)
                {
                    var b = source.Slice(3 * i, 3);
                    // Assemble the 24-bit value in the top of an int so the arithmetic shift sign-extends it.
                    int v = bigEndian ? (b[0] << 24) | (b[1] << 16) | (b[2] << 8) : (b[2] << 24) | (b[1] << 16) | (b[0] << 8);
                    destination[i] = (v >> 8) * (1f / 8388608);
                }
                break;
            case PcmEncoding.Int32:
                for (int i = 0; i < n; i++)
                {
                    int s = bigEndian ? BinaryPrimitives.ReadInt32BigEndian(source[(4 * i)..]) : BinaryPrimitives.ReadInt32LittleEndian(source[(4 * i)..]);
                    destination[i] = s * (1f / 2147483648f);
                }
                break;
            case PcmEncoding.Float32:
                for (int i = 0; i < n; i++)
                    destination[i] = bigEndian ? BinaryPrimitives.ReadSingleBigEndian(source[(4 * i)..]) : BinaryPrimitives.ReadSingleLittleEndian(source[(4 * i)..]);
                break;
            case PcmEncoding.Float64:
                for (int i = 0; i < n; i++)
                    destination[i] = (float)(bigEndian ? BinaryPrimitives.ReadDoubleBigEndian(source[(8 * i)..]) : BinaryPrimitives.ReadDoubleLittleEndian(source[(8 * i)..]));
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(encoding), encoding, "unknown PCM encoding");
        }
    }

    /// <summary>
    /// G.711 µ-law expansion to 16-bit: 1. complement the byte; 2. split sign, 3-bit exponent, 4-bit mantissa;
    /// 3. magnitude = ((mantissa·8 + 132) · 2^exponent) − 132. Range ±32124.
    /// </summary>
    public static short MuLawToInt16(byte code)
    {
        int u = ~code & 0xFF;
        int exponent = (u >> 4) & 7, mantissa = u & 0x0F;
        int magnitude = (((mantissa << 3) + 0x84) << exponent) - 0x84;
        return (short)((u & 0x80) != 0 ? -magnitude : magnitude);
    }

    /// <summary>
    /// G.711 A-law expansion to 16-bit: 1. undo the even-bit inversion (xor 0x55); 2. split sign, exponent, mantissa;
    /// 3. segment 0 is linear (mantissa·16 + 8), others ((mantissa·16 + 264) · 2^(exponent−1)); sign bit set = positive.
    /// </summary>
    public static short ALawToInt16(byte code)
    {
        int a = code ^ 0x55;
        int exponent = (a >> 4) & 7, mantissa = a & 0x0F;
        int magnitude = exponent == 0 ? (mantissa << 4) + 8 : ((mantissa << 4) + 0x108) << (exponent - 1);
        return (short)((a & 0x80) != 0 ? magnitude : -magnitude);
    }

    private static float[] BuildTable(Func<byte, short> expand)
    {
        var table = new float[256];
        for (int i = 0; i < 256; i++) table[i] = expand((byte)i) * (1f / 32768);
        return table;
    }
}
