using MusicGenre.Audio.Decoding;

namespace MusicGenre.Audio.Tests;

public sealed class AuDecoderTests
{
    [Fact]
    public void Linear16BigEndianStereoIsAveraged()
    {
        short[] codes = [-32768, 32767, 1000, -1000, 12345, 54];
        var clip = TestAudio.LoadNative(TestAudio.Au(TestAudio.BigEndian16(codes), encoding: 3, rate: 22050, channels: 2));
        Assert.Equal(AudioFormat.Au, clip.Format);
        Assert.Equal(22050, clip.SampleRate);
        Assert.Equal([(-32768 / 32768f + 32767 / 32768f) / 2, 0f, (12345 / 32768f + 54 / 32768f) / 2], clip.Samples);
    }

    /// <summary>G.711 reference points (ITU-T G.711 tables as used by libsndfile/sox).</summary>
    [Theory]
    [InlineData(0x00, -32124)]
    [InlineData(0x80, 32124)]
    [InlineData(0xFF, 0)]
    [InlineData(0x7F, 0)]
    [InlineData(0x0F, -16764)]
    [InlineData(0x70, -120)]
    public void MuLawExpandsToG711Values(byte code, short value) => Assert.Equal(value, PcmConverter.MuLawToInt16(code));

    [Theory]
    [InlineData(0x55, -8)]
    [InlineData(0xD5, 8)]
    [InlineData(0x2A, -32256)]
    [InlineData(0xAA, 32256)]
    [InlineData(0x00, -5504)]
    public void ALawExpandsToG711Values(byte code, short value) => Assert.Equal(value, PcmConverter.ALawToInt16(code));

    [Fact]
    public void MuLawIsMonotonicOverTheWholeCodeBook()
    {
        // Codes 0x00..0x7F are negative and rise towards zero; 0x80..0xFF positive and fall towards zero.
        for (int c = 1; c < 128; c++)
        {
            Assert.True(PcmConverter.MuLawToInt16((byte)c) > PcmConverter.MuLawToInt16((byte)(c - 1)));
            Assert.True(PcmConverter.MuLawToInt16((byte)(c + 128)) < PcmConverter.MuLawToInt16((byte)(c + 127)));
        }
    }

    [Fact]
    public void MuLawFileDecodesThroughTheTable()
    {
        byte[] payload = [0x00, 0x80, 0xFF, 0x0F, 0x70];
        var clip = TestAudio.LoadNative(TestAudio.Au(payload, encoding: 1, rate: 8000, channels: 1));
        Assert.Equal(payload.Select(b => PcmConverter.MuLawToInt16(b) / 32768f).ToArray(), clip.Samples);
    }

    [Theory]
    [InlineData(2u)]
    [InlineData(4u)]
    [InlineData(5u)]
    [InlineData(6u)]
    [InlineData(7u)]
    public void OtherLinearEncodingsRoundTrip(uint encoding)
    {
        var x = TestAudio.Noise(100, (int)encoding);
        int width = encoding switch { 2 => 1, 4 => 3, 5 => 4, 6 => 4, _ => 8 };
        var payload = new byte[x.Length * width];
        var expected = new float[x.Length];
        for (int i = 0; i < x.Length; i++)
        {
            var d = payload.AsSpan(i * width);
            switch (encoding)
            {
                case 2: sbyte s8 = (sbyte)(x[i] * 127); d[0] = (byte)s8; expected[i] = s8 / 128f; break;
                case 4: int s24 = (int)(x[i] * 8388607); d[0] = (byte)(s24 >> 16); d[1] = (byte)(s24 >> 8); d[2] = (byte)s24; expected[i] = s24 / 8388608f; break;
                case 5: int s32 = (int)(x[i] * 2147483647.0); System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(d, s32); expected[i] = (float)s32 / 2147483648f; break;
                case 6: System.Buffers.Binary.BinaryPrimitives.WriteSingleBigEndian(d, x[i]); expected[i] = x[i]; break;
                default: System.Buffers.Binary.BinaryPrimitives.WriteDoubleBigEndian(d, x[i]); expected[i] = x[i]; break;
            }
        }
        var clip = TestAudio.LoadNative(TestAudio.Au(payload, encoding, 16000, 1));
        Close.Assert(expected, clip.Samples, 0, 0, $"AU encoding {encoding}");
    }

    [Fact]
    public void UnknownDataSizeReadsToTheEnd()
    {
        short[] codes = [1, 2, 3, 4];
        var clip = TestAudio.LoadNative(TestAudio.Au(TestAudio.BigEndian16(codes), 3, 8000, 1, declaredSize: 0xFFFFFFFF));
        Assert.Equal(4, clip.Samples.Length);
    }
}
