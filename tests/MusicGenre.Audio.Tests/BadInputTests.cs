using System.Buffers.Binary;

namespace MusicGenre.Audio.Tests;

/// <summary>Every kind of broken input gives an <see cref="AudioFormatException"/> naming the source and the problem.</summary>
public sealed class BadInputTests
{
    private static AudioFormatException Fails(byte[] file, string name = "bad.wav")
    {
        var e = Assert.Throws<AudioFormatException>(() => AudioFile.Load(new MemoryStream(file), name));
        Assert.StartsWith(name + ": ", e.Message);
        Assert.Equal(name, e.SourceName);
        return e;
    }

    private static byte[] GoodWav() => TestAudio.Wav16(TestAudio.Noise(1000, 1), 1, 22050);

    [Fact]
    public void EmptyFile() => Assert.Contains("empty", Fails([]).Problem);

    [Fact]
    public void EmptyFileOnDiskNamesThePath()
    {
        string dir = SharedData.NewTempDir();
        string path = Path.Combine(dir, "empty.wav");
        File.WriteAllBytes(path, []);
        var e = Assert.Throws<AudioFormatException>(() => AudioFile.Load(path));
        Assert.Contains(path, e.Message);
        Directory.Delete(dir, true);
    }

    [Fact]
    public void ABrokenSymbolicLink_IsNamedAsSuch()
    {
        string dir = SharedData.NewTempDir();
        string link = Path.Combine(dir, "gone.wav");
        File.CreateSymbolicLink(link, Path.Combine(dir, "moved-away.wav"));
        var e = Assert.Throws<FileNotFoundException>(() => AudioFile.Load(link));
        Assert.Equal($"{link}: a broken symbolic link (its target '{Path.Combine(dir, "moved-away.wav")}' does not exist, or the links form a loop)", e.Message);
        Directory.Delete(dir, true);
    }

    [Fact]
    public void MissingFile() =>
        Assert.Throws<FileNotFoundException>(() => AudioFile.Load(Path.Combine(Path.GetTempPath(), "no-such-file-" + Guid.NewGuid() + ".wav")));

    [Theory]
    [InlineData(5)]
    [InlineData(20)]
    [InlineData(43)]
    [InlineData(45)]    // the data chunk holds less than one sample frame
    public void TruncatedWav(int keep) => Assert.Contains("truncated", Fails(GoodWav()[..keep]).Problem);

    [Theory]
    [InlineData(12)]    // the issue's case: the last 12 bytes missing
    [InlineData(1045)]  // a partial trailing sample frame is dropped
    public void SlightlyShortWav_DecodesWhatIsThere_WithAWarning(int cut)
    {
        var wav = GoodWav();
        var full = AudioFile.Load(new MemoryStream(wav), "whole.wav", new AudioLoadOptions { TargetSampleRate = null });
        var clip = AudioFile.Load(new MemoryStream(wav[..^cut]), "short.wav", new AudioLoadOptions { TargetSampleRate = null });
        int frames = (wav.Length - cut - 44) / 2;
        Assert.Equal(full.Samples[..frames], clip.Samples);
        Assert.Null(full.Warning);
        Assert.Contains("short.wav: truncated WAV", clip.Warning);
        // From a pipe the end shows only when it comes: the same samples and a warning, not an error (`cat short.wav |`
        // failed after decoding everything while the file gave an answer).
        var piped = AudioFile.Load(new NonSeekableStream(wav[..^cut]), "pipe", new AudioLoadOptions { TargetSampleRate = null });
        Assert.Equal(clip.Samples, piped.Samples);
        Assert.Contains("pipe: truncated WAV: the 'data' chunk declares 2000 bytes but the stream ended after", piped.Warning);
    }

    [Fact]
    public void StreamedWav_WithUnknownSizes_IsReadToTheEnd()
    {
        // ffmpeg writing to a pipe leaves 0xFFFFFFFF in the RIFF and data sizes; seekable or not, every sample is read.
        var wav = GoodWav();
        var expected = AudioFile.Load(new MemoryStream(wav), "a.wav", new AudioLoadOptions { TargetSampleRate = null }).Samples;
        int dataSize = wav.AsSpan().IndexOf("data"u8) + 4;
        BinaryPrimitives.WriteUInt32LittleEndian(wav.AsSpan(dataSize), 0xFFFFFFFF);
        BinaryPrimitives.WriteUInt32LittleEndian(wav.AsSpan(4), 0xFFFFFFFF);
        var file = AudioFile.Load(new MemoryStream(wav), "streamed.wav", new AudioLoadOptions { TargetSampleRate = null });
        var pipe = AudioFile.Load(new NonSeekableStream(wav), "pipe", new AudioLoadOptions { TargetSampleRate = null });
        Assert.Equal(expected, file.Samples);
        Assert.Equal(expected, pipe.Samples);
        Assert.Null(file.Warning);
    }

    /// <summary>
    /// A streamed data size (0xFFFFFFFF) in a file whose RIFF size was filled in, followed by a LIST chunk a tagger appended:
    /// the data ends where the RIFF says, the tags are not decoded as 16-bit noise at the end (they were). From a pipe the
    /// RIFF size cannot be checked against anything and everything to the end is data, as ffmpeg reads it.
    /// </summary>
    [Fact]
    public void StreamedDataSize_EndsAtTheRiffSize_NotAtTheTagsAfterIt()
    {
        var wav = GoodWav();
        var expected = AudioFile.Load(new MemoryStream(wav), "a.wav", new AudioLoadOptions { TargetSampleRate = null }).Samples;
        byte[] list = [.. "LIST"u8, 8, 0, 0, 0, .. "INFOISFT"u8];
        int riffSize = BinaryPrimitives.ReadInt32LittleEndian(wav.AsSpan(4));
        BinaryPrimitives.WriteUInt32LittleEndian(wav.AsSpan(wav.AsSpan().IndexOf("data"u8) + 4), 0xFFFFFFFF);
        var tagged = wav.Concat(list).ToArray();

        var file = AudioFile.Load(new MemoryStream(tagged), "tagged.wav", new AudioLoadOptions { TargetSampleRate = null });
        Assert.Equal(expected, file.Samples);
        BinaryPrimitives.WriteInt32LittleEndian(tagged.AsSpan(4), riffSize + list.Length); // the RIFF size says the tags are inside
        Assert.Equal(expected.Length + list.Length / 2, AudioFile.Load(new MemoryStream(tagged), "t.wav", new AudioLoadOptions { TargetSampleRate = null }).Samples.Length);
    }

    /// <summary>
    /// A chunk of odd size written without its pad byte (some writers omit it) before 'fmt ' and 'data': the next chunk is
    /// found one byte back, as libsndfile finds it; it failed as "a chunk runs past the end of the file".
    /// </summary>
    [Fact]
    public void AnOddChunkWithoutItsPadByte_IsStillFollowed()
    {
        var wav = TestAudio.Wav([100, -200, 300, -400], 1, 8000, 16, extraChunk: true); // LIST of 5 bytes + pad, then fmt
        int pad = wav.AsSpan().IndexOf("abcde"u8) + 5;
        var unpadded = wav.Take(pad).Concat(wav.Skip(pad + 1)).ToArray();
        BinaryPrimitives.WriteInt32LittleEndian(unpadded.AsSpan(4), unpadded.Length - 8);

        var clip = TestAudio.LoadNative(unpadded);

        Assert.Equal([100 / 32768f, -200 / 32768f, 300 / 32768f, -400 / 32768f], clip.Samples);
        Assert.Equal(TestAudio.LoadNative(wav).Samples, clip.Samples); // and the padded file as before
        // Read from a pipe (cat song.wav | musicgenre predict -), which cannot step back: the same, both ways.
        foreach (var bytes in new[] { unpadded, wav })
        {
            var piped = AudioFile.Load(new NonSeekableStream(bytes), "-", new AudioLoadOptions { TargetSampleRate = null });
            Assert.Equal(clip.Samples, piped.Samples);
        }
    }

    [Fact]
    public void PngNamedWav() =>
        Assert.Contains("PNG", Fails([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, (byte)'I', (byte)'H', (byte)'D', (byte)'R']).Problem);

    /// <summary>MPEG audio we do not decode is named as such, not as "no WAV, MP3 or AU signature".</summary>
    [Theory]
    [InlineData(new byte[] { 0xFF, 0xFD, 0x90, 0x44 }, "MPEG audio layer II (MP2), which is not supported (only layer III, MP3)")]
    [InlineData(new byte[] { 0xFF, 0xFF, 0x90, 0x44 }, "MPEG audio layer I (MP1), which is not supported")]
    [InlineData(new byte[] { 0xFF, 0xFB, 0x00, 0x44 }, "free-format MP3 (no bitrate in its frame headers), which is not supported")]
    [InlineData(new byte[] { 0xFF, 0xF3, 0x00, 0x44 }, "free-format MP3")] // MPEG-2
    public void MpegAudioThatIsNotLayerIII_IsNamed(byte[] header, string expected)
    {
        var bytes = new byte[2000];
        for (int at = 0; at + 4 <= bytes.Length; at += 400) header.CopyTo(bytes, at);
        Assert.Contains(expected, Fails(bytes, "song.mp3").Problem);
    }

    /// <summary>
    /// A data chunk declaring 0 bytes with samples after it (a writer that never filled in the size) is said to be so
    /// (it read as "too short: 0 s"); an empty data chunk followed by a real chunk is still a 0-sample file.
    /// </summary>
    [Fact]
    public void AnEmptyDataChunkFollowedBySamples_IsNamed()
    {
        var wav = GoodWav();
        BitConverter.GetBytes(0).CopyTo(wav, 40);
        Assert.Contains("the 'data' chunk declares 0 bytes, yet 2000 bytes that are no chunk follow it", Fails(wav).Problem);
        var empty = GoodWav()[..44].Concat("LIST"u8.ToArray()).Concat(new byte[] { 4, 0, 0, 0, (byte)'I', (byte)'N', (byte)'F', (byte)'O' }).ToArray();
        BitConverter.GetBytes(0).CopyTo(empty, 40);
        Assert.Empty(AudioFile.Load(new MemoryStream(empty), "empty.wav", new AudioLoadOptions { TargetSampleRate = null }).Samples);
    }

    /// <summary>
    /// Bytes that are no chunk after the declared data (a size that wrapped in a file under 4 GiB cannot be: junk, or audio
    /// a writer did not count) are left undecoded as before, now with a warning naming them; a chunk after the data, or
    /// junk read from a pipe (which cannot look ahead), gives none.
    /// </summary>
    [Theory]
    [InlineData("RIFF")]
    [InlineData("RF64")]
    public void BytesThatAreNoChunkAfterTheData_AreNamedInAWarning(string id)
    {
        var wav = id == "RF64" ? TestAudio.Rf64(GoodWav()) : GoodWav();
        var expected = TestAudio.LoadNative(wav).Samples;
        var junk = new byte[100];
        new Random(9).NextBytes(junk);
        junk[0] = 0x01; // not printable: no chunk id
        byte[] list = [.. "LIST"u8, 8, 0, 0, 0, .. "INFOISFT"u8];

        // The junk inside the RIFF (its size says so): a RIFF that ends with the data has it outside, e.g. an appended ID3
        // tag, and is not warned about (below).
        byte[] inside = [.. wav, .. junk];
        if (id == "RIFF") BinaryPrimitives.WriteInt32LittleEndian(inside.AsSpan(4), BinaryPrimitives.ReadInt32LittleEndian(wav.AsSpan(4)) + junk.Length);
        var trailing = AudioFile.Load(new MemoryStream(inside), "junk.wav", new AudioLoadOptions { TargetSampleRate = null });
        var tagged = AudioFile.Load(new MemoryStream([.. wav, .. list]), "tagged.wav", new AudioLoadOptions { TargetSampleRate = null });
        var piped = AudioFile.Load(new NonSeekableStream([.. wav, .. junk]), "-", new AudioLoadOptions { TargetSampleRate = null });

        Assert.Equal(expected, trailing.Samples);
        Assert.Equal(id == "RF64"
            ? "junk.wav: the 'ds64' chunk declares 2000 bytes of data, yet 100 bytes that are no chunk follow the 'data' chunk; they were not decoded"
            : "junk.wav: the 'data' chunk declares 2000 bytes, yet 100 bytes that are no chunk follow it; they were not decoded", trailing.Warning);
        Assert.Equal(expected, tagged.Samples);
        Assert.Null(tagged.Warning);
        Assert.Equal(expected, piped.Samples);
        Assert.Null(piped.Warning);
        if (id == "RIFF")
        {
            byte[] id3 = [.. "ID3"u8, 3, 0, 0, 0, 0, 0, 20, .. new byte[20]];
            var appended = AudioFile.Load(new MemoryStream([.. wav, .. id3]), "id3.wav", new AudioLoadOptions { TargetSampleRate = null });
            Assert.Equal(expected, appended.Samples);
            Assert.Null(appended.Warning);
        }
    }

    /// <summary>
    /// An RF64/BW64 file whose 'ds64' chunk is missing, short, cut off or contradicts the file is refused, naming what is
    /// wrong (all were refused as "RF64 is not supported").
    /// </summary>
    [Theory]
    [InlineData("RF64", "missing", "corrupt RF64: no 'ds64' chunk right after 'WAVE' (found 'fmt '); it holds the 64-bit sizes this format needs")]
    [InlineData("BW64", "missing", "corrupt BW64: no 'ds64' chunk right after 'WAVE' (found 'fmt '); it holds the 64-bit sizes this format needs")]
    [InlineData("RF64", "garbage", "corrupt RF64: no 'ds64' chunk right after 'WAVE' (found bytes 00FF1020); it holds the 64-bit sizes this format needs")]
    [InlineData("RF64", "nothing after WAVE", "truncated RF64: no 'ds64' chunk (the 64-bit sizes) before the end of the file")]
    [InlineData("RF64", "short", "corrupt RF64: 'ds64' chunk size 16 (expected at least 24: the 64-bit RIFF size, data size and sample count)")]
    [InlineData("BW64", "cut off", "truncated BW64: the 'ds64' chunk is cut off")]
    [InlineData("RF64", "table cut off", "truncated RF64: the 'ds64' chunk is cut off (it declares 120028 bytes)")]
    [InlineData("RF64", "impossible size", "corrupt RF64: the 'ds64' chunk declares 9223372036854777856 bytes of data, more than any file holds")]
    [InlineData("RF64", "contradicting sizes", "corrupt RF64: the 'data' chunk declares 1000 bytes and the 'ds64' chunk 2000 (they contradict each other; in RF64 the 'data' chunk's own size is 0xFFFFFFFF)")]
    [InlineData("RF64", "size never filled in", "corrupt RF64: the 'ds64' chunk declares 0 bytes of data, yet 2000 bytes that are no chunk follow the 'data' chunk (a writer that never filled in the size?)")]
    [InlineData("RF64", "no sample", "truncated or corrupt RF64: the 'ds64' chunk declares 2000 bytes of data but only 1 follow in the file")]
    public void Rf64WithABadDs64_IsRefused_NamingTheProblem(string id, string damage, string expected)
    {
        var rf64 = TestAudio.Rf64(GoodWav(), id, tableEntries: 1); // ds64: 28 + 12 bytes at 12..60, then 'fmt '
        int data = rf64.AsSpan().IndexOf("data"u8);
        byte[] bad = damage switch
        {
            "missing" => [.. rf64.AsSpan(0, 12), .. rf64.AsSpan(60)],
            "garbage" => [.. rf64.AsSpan(0, 12), 0x00, 0xFF, 0x10, 0x20, .. rf64.AsSpan(16)],
            "nothing after WAVE" => rf64[..12],
            "short" => Patch(rf64, 16, BitConverter.GetBytes(16)),
            "cut off" => rf64[..40],
            "table cut off" => Patch(rf64, 16, BitConverter.GetBytes(28 + 12 * 10_000))[..60],
            "impossible size" => Patch(rf64, 28, BitConverter.GetBytes((1UL << 63) + 2048)),
            "contradicting sizes" => Patch(rf64, data + 4, BitConverter.GetBytes(1000)),
            "size never filled in" => Patch(rf64, 28, BitConverter.GetBytes(0UL)),
            "no sample" => rf64[..(data + 9)],
            _ => throw new ArgumentException(damage),
        };

        Assert.Equal(expected, Fails(bad).Problem);
        if (damage is not ("size never filled in" or "no sample")) // those two need a look at the file's length
            Assert.Equal(expected, Assert.Throws<AudioFormatException>(() =>
                AudioFile.Load(new NonSeekableStream(bad), "bad.wav")).Problem);

        static byte[] Patch(byte[] file, int at, byte[] bytes)
        {
            var copy = (byte[])file.Clone();
            bytes.CopyTo(copy, at);
            return copy;
        }
    }

    /// <summary>A truncated RF64 file is read as far as it goes with a warning, from a file and from a pipe, like a RIFF one.</summary>
    [Fact]
    public void ShortRf64_DecodesWhatIsThere_WithAWarning()
    {
        var rf64 = TestAudio.Rf64(GoodWav());
        var whole = TestAudio.LoadNative(rf64).Samples;
        var file = AudioFile.Load(new MemoryStream(rf64[..^501]), "short.wav", new AudioLoadOptions { TargetSampleRate = null });
        var piped = AudioFile.Load(new NonSeekableStream(rf64[..^501]), "pipe", new AudioLoadOptions { TargetSampleRate = null });

        Assert.Equal(whole[..749], file.Samples);
        Assert.Equal("short.wav: truncated RF64: the 'ds64' chunk declares 2000 bytes of data but only 1499 follow; decoded what is there", file.Warning);
        Assert.Equal(file.Samples, piped.Samples);
        Assert.Equal("pipe: truncated WAV: the 'data' chunk declares 2000 bytes but the stream ended after 1499; decoded what is there", piped.Warning);
    }

    /// <summary>A second 'fmt ' chunk (here claiming 8 kHz stereo) is refused: readers disagree on which one wins.</summary>
    [Fact]
    public void TwoFmtChunks_AreRefused()
    {
        var wav = GoodWav();
        var fmt = wav[12..36].ToArray(); // "fmt " + size 16 + 16 bytes
        BitConverter.GetBytes((ushort)2).CopyTo(fmt, 10);
        BitConverter.GetBytes(8000).CopyTo(fmt, 12);
        var two = wav[..36].Concat(fmt).Concat(wav[36..]).ToArray();
        BitConverter.GetBytes(two.Length - 8).CopyTo(two, 4);
        Assert.Contains("a second 'fmt ' chunk", Fails(two).Problem);
    }

    [Fact]
    public void WavNamedMp3DecodesByContent()
    {
        var clip = AudioFile.Load(new MemoryStream(GoodWav()), "song.mp3", new AudioLoadOptions { TargetSampleRate = null });
        Assert.Equal(AudioFormat.Wav, clip.Format);
        Assert.Equal(1000, clip.Samples.Length);
    }

    [Fact]
    public void RandomBytes()
    {
        var bytes = new byte[5000];
        new Random(42).NextBytes(bytes);
        Assert.Contains("not a supported audio file", Fails(bytes, "noise.mp3").Problem);
    }

    [Fact]
    public void WavHeaderClaimingFourGigabytes()
    {
        var wav = GoodWav();
        int dataSize = wav.AsSpan().IndexOf("data"u8) + 4;
        BinaryPrimitives.WriteUInt32LittleEndian(wav.AsSpan(dataSize), 0xFFFFFFF0);
        BinaryPrimitives.WriteUInt32LittleEndian(wav.AsSpan(4), 0xFFFFFFF8);
        // A seekable file: the size is checked against the file, and what is there is decoded with a warning.
        var clip = AudioFile.Load(new MemoryStream(wav), "big.wav", new AudioLoadOptions { TargetSampleRate = null });
        Assert.Equal(1000, clip.Samples.Length);
        Assert.Contains("declares 4294967280 bytes but only 2000 follow", clip.Warning);
    }

    [Fact]
    public void WavHeaderClaimingFourGigabytesOnANonSeekableStream()
    {
        var wav = GoodWav();
        int dataSize = wav.AsSpan().IndexOf("data"u8) + 4;
        BinaryPrimitives.WriteUInt32LittleEndian(wav.AsSpan(dataSize), 0xFFFFFFF0);
        // As the seekable file above: what is there, with a warning.
        var clip = AudioFile.Load(new NonSeekableStream(wav), "pipe", new AudioLoadOptions { TargetSampleRate = null });
        Assert.Equal(1000, clip.Samples.Length);
        Assert.Equal("pipe: truncated WAV: the 'data' chunk declares 4294967280 bytes but the stream ended after 2000; decoded what is there", clip.Warning);
    }

    [Theory]
    [InlineData(22, "zero channels")]   // channels field
    [InlineData(24, "sample rate 0")]   // rate field
    public void ZeroChannelsOrRateInWav(int offset, string expected)
    {
        var wav = GoodWav();
        int fmt = wav.AsSpan().IndexOf("fmt "u8);
        wav.AsSpan(fmt + offset - 12, offset == 22 ? 2 : 4).Clear();
        Assert.Contains(expected, Fails(wav).Problem);
    }

    [Theory]
    [InlineData(0u, 8000u, "zero channels")]
    [InlineData(1u, 0u, "sample rate 0")]
    public void ZeroChannelsOrRateInAu(uint channels, uint rate, string expected) =>
        Assert.Contains(expected, Fails(TestAudio.Au(new byte[10], 3, rate, channels), "bad.au").Problem);

    [Fact]
    public void AllProblemsOfAHeaderAreReportedTogether()
    {
        var problem = Fails(TestAudio.Au(new byte[10], 99, 0, 0), "bad.au").Problem;
        Assert.Contains("encoding 99", problem);
        Assert.Contains("zero channels", problem);
        Assert.Contains("sample rate 0", problem);
    }

    [Fact]
    public void TruncatedAu() =>
        Assert.Contains("truncated", Fails(TestAudio.Au(new byte[100], 3, 8000, 1)[..60], "cut.au").Problem);

    [Fact]
    public void UnsupportedWavEncoding()
    {
        var wav = GoodWav();
        int fmt = wav.AsSpan().IndexOf("fmt "u8);
        BinaryPrimitives.WriteUInt16LittleEndian(wav.AsSpan(fmt + 8), 0x0055); // MPEG layer 3 inside WAV
        Assert.Contains("0x0055", Fails(wav).Problem);
    }

    [Fact]
    public void Mp3WithNothingButATag() =>
        Assert.Contains("no audio frames", Fails([.. "ID3"u8, 3, 0, 0, 0, 0, 0, 4, 0, 0, 0, 0], "tag.mp3").Problem);

    [SharedFact]
    public void Mp3WithGarbageFramesInTheMiddleKeepsTheGoodAudio()
    {
        var file = File.ReadAllBytes(SharedData.Data(Mp3Samples.Preview));
        var clean = AudioFile.Load(new MemoryStream(file), "clean.mp3", new AudioLoadOptions { TargetSampleRate = null });
        var offsets = Mp3Samples.FrameOffsets(file, Mp3Samples.AudioStart(file));

        // Overwrite frames 500..504 (offsets[0] is the Info frame) with random bytes.
        var damaged = (byte[])file.Clone();
        new Random(7).NextBytes(damaged.AsSpan(offsets[501], offsets[506] - offsets[501]));
        var clip = AudioFile.Load(new MemoryStream(damaged), "damaged.mp3", new AudioLoadOptions { TargetSampleRate = null });

        Assert.InRange(clip.SkippedFrames, 5, 12);
        // Audio well before the damage is untouched; well after it (bit reservoir and filterbank settled) it is exact again
        // up to the shift from the frames that were dropped.
        int damageStart = 500 * 576 - 1105;
        Close.Assert(clean.Samples.AsSpan(0, damageStart - 576), clip.Samples.AsSpan(0, damageStart - 576), 0, 0, "before damage");
        int shift = clean.Samples.Length - clip.Samples.Length;
        Assert.Equal(0, shift % 576);
        int after = damageStart + 20 * 576;
        Close.Assert(clean.Samples.AsSpan(after + shift, 10000), clip.Samples.AsSpan(after, 10000), 1e-6, 0, "after damage");
    }

    [Fact]
    public void InvalidOptionsListEveryProblem()
    {
        var e = Assert.Throws<ArgumentException>(() => AudioFile.Load(new MemoryStream(GoodWav()), "x.wav",
            new AudioLoadOptions { TargetSampleRate = 0, Offset = -1, Duration = double.NaN }));
        Assert.Contains("TargetSampleRate", e.Message);
        Assert.Contains("Offset", e.Message);
        Assert.Contains("Duration", e.Message);
    }

    /// <summary>A stream that cannot seek or report its length, like a pipe.</summary>
    internal sealed class NonSeekableStream(byte[] data) : Stream
    {
        private readonly MemoryStream _inner = new(data);

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => _inner.Position; set => throw new NotSupportedException(); }
        public override int Read(byte[] buffer, int offset, int count) => _inner.Read(buffer, offset, count);
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    [Theory]
    [InlineData(32, 1e30, "1E+30")]           // finite, but its power spectrum overflows float32 into NaN
    [InlineData(32, double.NaN, "NaN")]
    [InlineData(64, double.NegativeInfinity, "-Infinity")]
    [InlineData(64, 1e300, "Infinity")]        // beyond float32: the conversion gives +∞
    [InlineData(32, -2e6, "-2000000")]          // just past the ±1e6 limit
    public void FloatSamplesThatAreNotFiniteOrAbsurd_AreRefused_NamingTheFirst(int bits, double bad, string shown)
    {
        // Two channels: frame 700's right channel is the bad one (sample index 1401), so the frame is 700 at 22050 Hz.
        var codes = TestAudio.Noise(2 * 2000, seed: 3).Select(v => (double)v).ToArray();
        codes[1401] = bad;
        var e = Fails(TestAudio.Wav(codes, 2, 22050, bits, isFloat: true), "loud.wav");
        Assert.Contains($"sample 700 (0.032 s) is {shown}", e.Problem);
        Assert.Contains("float samples must be finite and within ±1e6 (full scale is ±1)", e.Problem);
    }

    [Fact]
    public void FloatSamplesUpToTheLimit_Decode()
    {
        // Integer PCM written as floats without scaling (±32768) is loud, not damaged: it decodes unchanged.
        var codes = TestAudio.Noise(1000, seed: 4).Select(v => v * 32768.0).ToArray();
        codes[10] = 1e6;
        var clip = TestAudio.LoadNative(TestAudio.Wav(codes, 1, 22050, 32, isFloat: true));
        Assert.Equal(1e6f, clip.Samples[10]);
    }

    [Fact]
    public async Task AFileOfLengthZero_IsRefusedBeforeOpening_SoAPipeCannotHang()
    {
        // A named pipe reports length 0 and open() waits for a writer forever; it is refused like an empty file.
        string dir = SharedData.NewTempDir();
        string fifo = Path.Combine(dir, "pipe.wav");
        using (var mk = System.Diagnostics.Process.Start("mkfifo", fifo)) mk.WaitForExit();
        var load = Task.Run(() => AudioFile.Load(fifo));
        bool returned = await Task.WhenAny(load, Task.Delay(TimeSpan.FromSeconds(30))) == load;
        if (!returned) using (File.OpenWrite(fifo)) { } // give the blocked reader a writer and then EOF, so no thread is left behind
        Assert.True(returned, "loading a named pipe did not return within 30 s");
        var e = Assert.IsType<AudioFormatException>(load.Exception!.InnerException);
        Assert.Contains("empty (0 bytes; a pipe or device is not read)", e.Message);
        // Through a symbolic link too (a link's own length is that of its target's name, not of the pipe).
        string link = Path.Combine(dir, "link.wav");
        File.CreateSymbolicLink(link, fifo);
        var viaLink = Task.Run(() => AudioFile.Load(link));
        returned = await Task.WhenAny(viaLink, Task.Delay(TimeSpan.FromSeconds(30))) == viaLink;
        if (!returned) using (File.OpenWrite(fifo)) { }
        Assert.True(returned, "loading a link to a named pipe did not return within 30 s");
        Assert.Contains("empty (0 bytes; a pipe or device is not read)", Assert.IsType<AudioFormatException>(viaLink.Exception!.InnerException).Message);
        Directory.Delete(dir, true);
    }
}
