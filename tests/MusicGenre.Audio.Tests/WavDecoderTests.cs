using NAudio.Wave;

namespace MusicGenre.Audio.Tests;

public sealed class WavDecoderTests
{
    public static TheoryData<string> GoldenClips => new() { "blues.00000", "classical.00000", "metal.00000", "reggae.00000" };

    /// <summary>The golden /audio datasets are librosa.load(sr=None) of the first 10 s: int16/32768 bit for bit.</summary>
    [SharedTheory]
    [MemberData(nameof(GoldenClips))]
    public void GtzanClipIsBitExactWithLibrosa(string clip)
    {
        using var golden = new H5Golden(SharedData.Golden("librosa-features.h5"));
        var (expected, _) = golden.Float($"/audio/{clip}");
        string genre = clip[..clip.IndexOf('.')];
        var loaded = AudioFile.Load(SharedData.Data($"gtzan-mini/{genre}/{clip}.wav"), new AudioLoadOptions { TargetSampleRate = null, Duration = 10.0 });

        Assert.Equal(22050, loaded.SampleRate);
        Assert.Equal(expected.Length, loaded.Samples.Length);
        Close.Assert(expected, loaded.Samples, 0, 0, clip);
    }

    [Theory]
    [InlineData(8, false, 1)]
    [InlineData(16, false, 2)]
    [InlineData(24, false, 1)]
    [InlineData(32, false, 2)]
    [InlineData(32, true, 1)]
    [InlineData(64, true, 2)]
    public void EveryEncodingScalesLikeLibsndfile(int bits, bool isFloat, int channels)
    {
        // Raw codes at the extremes and random values; expected float = code / 2^(bits-1) (8-bit: (code-128)/128).
        var rng = new Random(bits * 10 + channels);
        int frames = 301;
        var codes = new double[frames * channels];
        double full = Math.Pow(2, bits - 1);
        for (int i = 0; i < codes.Length; i++)
        {
            codes[i] = isFloat ? rng.NextDouble() * 2 - 1
                : bits == 8 ? rng.Next(0, 256)
                : Math.Floor(rng.NextDouble() * 2 * full - full);
        }
        if (!isFloat) { codes[0] = bits == 8 ? 0 : -full; codes[1] = bits == 8 ? 255 : full - 1; }
        var clip = TestAudio.LoadNative(TestAudio.Wav(codes, channels, 12345, bits, isFloat));

        Assert.Equal(12345, clip.SampleRate);
        Assert.Equal(channels, clip.NativeChannels);
        var expected = new float[frames];
        for (int f = 0; f < frames; f++)
        {
            float sum = 0;
            for (int c = 0; c < channels; c++)
            {
                double v = codes[f * channels + c];
                sum += isFloat ? (float)v : bits == 8 ? (float)((v - 128) / 128) : (float)(v / full);
            }
            expected[f] = sum / channels;
        }
        Close.Assert(expected, clip.Samples, 0, 0, $"{bits}-bit {(isFloat ? "float" : "pcm")} x{channels}");
    }

    [Theory]
    [InlineData(16, false)]
    [InlineData(24, false)]
    [InlineData(32, true)]
    public void ExtensibleFormatAndExtraChunksDecode(int bits, bool isFloat)
    {
        double full = Math.Pow(2, bits - 1);
        var codes = TestAudio.Noise(2 * 257, seed: bits).Select(v => isFloat ? v : Math.Floor(v * full)).ToArray();
        var file = TestAudio.Wav(codes, 2, 44100, bits, isFloat, extensible: true, extraChunk: true);

        // NAudio parses the same header (a check on our test writer); its sample converters refuse EXTENSIBLE, which is
        // one reason the product has its own RIFF parser.
        using (var reader = new WaveFileReader(new MemoryStream(file)))
        {
            Assert.Equal(WaveFormatEncoding.Extensible, reader.WaveFormat.Encoding);
            Assert.Equal(2 * 257 * bits / 8, reader.Length);
            Assert.Throws<ArgumentException>(() => reader.ToSampleProvider());
        }

        var ours = TestAudio.LoadNative(file);
        var expected = new float[257];
        for (int i = 0; i < expected.Length; i++)
            expected[i] = isFloat ? ((float)codes[2 * i] + (float)codes[2 * i + 1]) / 2 : ((float)(codes[2 * i] / full) + (float)(codes[2 * i + 1] / full)) / 2;
        Close.Assert(expected, ours.Samples, 0, 0, "extensible");
    }

    [Fact]
    public void PlainPcmAgreesWithNAudio()
    {
        var file = TestAudio.Wav16(TestAudio.Noise(1000, seed: 5), 1, 22050);
        using var reader = new WaveFileReader(new MemoryStream(file));
        var provider = reader.ToSampleProvider();
        var expected = new float[1000];
        Assert.Equal(1000, provider.Read(expected, 0, 1000));
        Close.Assert(expected, TestAudio.LoadNative(file).Samples, 0, 0, "vs NAudio");
    }

    /// <summary>
    /// G.711 WAVs (format tags 6 and 7: telephony recordings, 'sox -e u-law'), plain and as WAVE_FORMAT_EXTENSIBLE's
    /// sub-format: every one of the 256 codes of each channel expands as NAudio's G.711 codecs expand it (they were refused
    /// as an unsupported format tag while the same samples in an AU file decoded).
    /// </summary>
    [Theory]
    [InlineData(7, false)]
    [InlineData(6, false)]
    [InlineData(7, true)]
    public void ALawAndMuLaw_ExpandAsG711(int tag, bool extensible)
    {
        var codes = Enumerable.Range(0, 512).Select(i => (double)((i * 37) % 256)).ToArray(); // stereo: 256 frames
        var file = TestAudio.Wav(codes, 2, 8000, 8, extensible: extensible);
        int fmt = file.AsSpan().IndexOf("fmt "u8) + 8;
        System.Buffers.Binary.BinaryPrimitives.WriteUInt16LittleEndian(file.AsSpan(extensible ? fmt + 24 : fmt), (ushort)tag);
        // NAudio's µ-law table differs from the G.711 reference expansion (Sun's g711.c) at one code: 0x7F, the
        // "negative zero", which it expands to −1 and the reference to 0 (as AuDecoderTests pin).
        Func<byte, short> g711 = tag == 7
            ? c => c == 0x7F ? (short)0 : NAudio.Codecs.MuLawDecoder.MuLawToLinearSample(c)
            : NAudio.Codecs.ALawDecoder.ALawToLinearSample;

        var clip = TestAudio.LoadNative(file);

        Assert.Equal(8000, clip.SampleRate);
        var expected = Enumerable.Range(0, 256).Select(f => (g711((byte)codes[2 * f]) + g711((byte)codes[2 * f + 1])) / 2f / 32768f).ToArray();
        Close.Assert(expected, clip.Samples, 0, 1e-7, $"tag {tag}");
    }

    [Fact]
    public void OddSizedDataKeepsWholeFramesOnly()
    {
        var file = TestAudio.Wav([100, 200, 300], 1, 8000, 16);
        // Declare one extra byte of data and append it: a partial trailing frame is dropped, like libsndfile.
        var list = file.ToList();
        list.Insert(file.Length, 0x7F);
        var patched = list.ToArray();
        int dataSizeAt = patched.AsSpan().IndexOf("data"u8) + 4;
        System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(patched.AsSpan(dataSizeAt), 7);
        var clip = TestAudio.LoadNative(patched);
        Assert.Equal([100 / 32768f, 200 / 32768f, 300 / 32768f], clip.Samples);
    }
}
