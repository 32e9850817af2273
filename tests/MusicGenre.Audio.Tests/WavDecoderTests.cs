using System.Buffers.Binary;
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

    /// <summary>
    /// RF64 and BW64 (a 'ds64' chunk with the 64-bit sizes, 0xFFFFFFFF in the 32-bit ones) decode to the samples of the
    /// same audio as RIFF, bit for bit, from a file and from a pipe: every encoding, extensible, a chunk of odd size padded
    /// or not, a ds64 table, a data chunk whose own size was filled in too. They were refused as "not supported".
    /// </summary>
    [Theory]
    [InlineData(16, false, 2, false, "RF64", 0, false, false)]
    [InlineData(24, false, 1, true, "BW64", 2, false, false)]   // extensible, LIST of 5 bytes + pad before 'fmt '
    [InlineData(24, false, 1, true, "RF64", 0, false, true)]    // that LIST without its pad byte (not extensible)
    [InlineData(8, false, 1, false, "RF64", 1, false, false)]   // 301 bytes of data: odd, padded
    [InlineData(32, false, 2, false, "BW64", 0, true, false)]
    [InlineData(32, true, 1, false, "RF64", 0, true, false)]
    [InlineData(64, true, 2, true, "RF64", 3, false, false)]
    public void Rf64AndBw64_DecodeAsTheRiffFile_BitForBit(int bits, bool isFloat, int channels, bool extraChunk, string id, int tableEntries, bool keepDataSize, bool dropPad)
    {
        double full = Math.Pow(2, bits - 1);
        var codes = TestAudio.Noise(301 * channels, seed: bits + channels)
            .Select(v => isFloat ? v : bits == 8 ? Math.Floor((v + 1) * 128) : Math.Floor(v * full)).ToArray();
        // Extensible goes with the extra chunk, but not where its pad byte is dropped: then "mt " and the size 40 (a printable
        // '(') after it read as a chunk id too, and the missing pad is not recognised (in RIFF as well).
        var riff = TestAudio.Wav(codes, channels, 22050, bits, isFloat, extensible: extraChunk && !dropPad, extraChunk: extraChunk);
        var rf64 = TestAudio.Rf64(riff, id, tableEntries, keepDataSize);
        if (dropPad)
        {
            int pad = rf64.AsSpan().IndexOf("abcde"u8) + 5;
            rf64 = [.. rf64.AsSpan(0, pad), .. rf64.AsSpan(pad + 1)];
            BinaryPrimitives.WriteUInt64LittleEndian(rf64.AsSpan(20), (ulong)rf64.Length - 8);
        }
        var expected = TestAudio.LoadNative(riff);

        var file = TestAudio.LoadNative(rf64, "big.wav");
        var piped = AudioFile.Load(new BadInputTests.NonSeekableStream(rf64), "-", new AudioLoadOptions { TargetSampleRate = null });

        foreach (var clip in new[] { file, piped })
        {
            Assert.Equal(AudioFormat.Wav, clip.Format);
            Assert.Equal(22050, clip.SampleRate);
            Assert.Equal(channels, clip.NativeChannels);
            Assert.Equal(301, clip.Samples.Length);
            Assert.Equal(expected.Samples, clip.Samples);
            Assert.Null(clip.Warning);
        }
    }

    /// <summary>
    /// Files over 4 GiB, written sparse (a header, 4 GiB of zeros, then real samples): RF64 and BW64 through their ds64
    /// sizes, and a plain RIFF whose 32-bit data size wrapped (a writer that ignored the limit: only size mod 2^32 bytes were
    /// read, silently, as sox reads them), which is read to the end of the file, as ffmpeg reads it, with a warning. The
    /// last samples come out; the offset skips the zeros by seeking.
    /// </summary>
    /// <summary>
    /// Writes <paramref name="wav"/> with <paramref name="zeros"/> zero bytes inserted at the start of its data (sparse
    /// where the file system allows), and for RF64/BW64 its ds64 RIFF and data sizes raised to match; a RIFF header keeps
    /// its sizes, which then hold the true sizes mod 2^32 when <paramref name="zeros"/> is 2^32.
    /// </summary>
    private static void WriteWithZerosBeforeTheData(string path, byte[] wav, long zeros)
    {
        wav = (byte[])wav.Clone();
        int dataStart = wav.AsSpan().IndexOf("data"u8) + 8;
        if (!wav.AsSpan(0, 4).SequenceEqual("RIFF"u8))
        {
            BinaryPrimitives.WriteUInt64LittleEndian(wav.AsSpan(20), BinaryPrimitives.ReadUInt64LittleEndian(wav.AsSpan(20)) + (ulong)zeros);
            BinaryPrimitives.WriteUInt64LittleEndian(wav.AsSpan(28), BinaryPrimitives.ReadUInt64LittleEndian(wav.AsSpan(28)) + (ulong)zeros);
        }
        using var out_ = new FileStream(path, FileMode.CreateNew, FileAccess.Write);
        out_.Write(wav.AsSpan(0, dataStart));
        out_.SetLength(dataStart + zeros);
        out_.Position = dataStart + zeros;
        out_.Write(wav.AsSpan(dataStart));
    }

    /// <summary>
    /// A clip whose header says it holds more samples than one array (over 2^31: here 8-bit mono, 4 GiB + 1,001 bytes, loaded at 22.05 kHz)
    /// is refused by <see cref="AudioFile.Load(string, AudioLoadOptions?)"/> before decoding, saying how to read a part of it;
    /// it decoded for minutes (or ran out of memory) before.
    /// </summary>
    [LargeFileTheory]
    [InlineData(8192)]
    public void AClipLongerThanOneArray_IsRefusedAtOnce_SayingHowToReadAPart(int rate)
    {
        var small = TestAudio.Wav(TestAudio.Noise(1001, seed: 3).Select(v => Math.Floor((v + 1) * 128)).ToArray(), 1, rate, 8);
        string dir = SharedData.NewTempDir("musicgenre-wav-long");
        string path = Path.Combine(dir, "long.wav");
        try
        {
            WriteWithZerosBeforeTheData(path, TestAudio.Rf64(small), 1L << 32);
            var e = Assert.Throws<AudioFormatException>(() => AudioFile.Load(path));
            string expected = $"{path}: 145.6 h of audio at 22050 Hz is more samples than one clip in memory can hold (2^31); load a part of it";
            Assert.True(e.Message.StartsWith(expected, StringComparison.Ordinal), e.Message);
            // A part of it loads.
            Assert.Equal(rate, AudioFile.Load(path, new AudioLoadOptions { Offset = 10, Duration = 1, TargetSampleRate = null }).Samples.Length);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [LargeFileTheory]
    [InlineData("RF64", 16)]
    [InlineData("BW64", 32)]
    [InlineData("RIFF", 16)]
    [InlineData("RIFF", 8)] // 1001 bytes after the 4 GiB: data of odd size, then its pad byte
    public void FilesOver4GiB_AreReadToTheirLastSample(string id, int bits)
    {
        const int rate = 8192, tail = 1001; // 4 GiB of zeros is a whole number of seconds at 8192 Hz for 1 to 4 bytes a frame
        long zeros = 1L << 32;
        double full = Math.Pow(2, bits - 1);
        var codes = TestAudio.Noise(tail, seed: bits).Select(v => bits == 8 ? Math.Floor((v + 1) * 128) : Math.Floor(v * full)).ToArray();
        var small = TestAudio.Wav(codes, 1, rate, bits);
        var expected = TestAudio.LoadNative(small).Samples;
        // The small file's header already holds the wrapped sizes: (2^32 + n) mod 2^32 = n.
        var wav = id == "RIFF" ? small : TestAudio.Rf64(small, id);
        string dir = SharedData.NewTempDir("musicgenre-wav4g");
        string path = Path.Combine(dir, "big.wav");
        try
        {
            WriteWithZerosBeforeTheData(path, wav, zeros);
            int bytesPerFrame = bits / 8;
            var options = new AudioLoadOptions { TargetSampleRate = null, Offset = (double)(zeros / bytesPerFrame) / rate };

            using var reader = AudioStreamReader.Open(path, options);
            Assert.Equal(tail, reader.RemainingSamplesHint);
            var samples = new float[tail + 10];
            int n = reader.Read(samples);

            Assert.Equal(tail, n);
            Assert.Equal(expected, samples[..n]);
            if (id == "RIFF")
                Assert.Equal($"{path}: the 'data' chunk declares {tail * bytesPerFrame} bytes, but {zeros + tail * bytesPerFrame} follow it to the end of the file " +
                    $"and no chunk comes after {tail * bytesPerFrame}: the 32-bit data size wrapped (the file is over 4 GiB); read all {zeros + tail * bytesPerFrame} bytes as data", reader.Warning);
            else
                Assert.Null(reader.Warning);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
