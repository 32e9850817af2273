using MusicGenre.Audio.Decoding;
using Xunit.Abstractions;

namespace MusicGenre.Audio.Tests.Layer3;

/// <summary>
/// Seeded fuzzing of our layer III decoder's inner parts: damage goes into the frames' side information and main data
/// (where Huffman codes, scalefactors and reservoir pointers live) rather than the headers, for MPEG-1, MPEG-2 and
/// MPEG-2.5 files, decoded both to stereo and straight to mono. Every mutant must decode to finite samples or be refused
/// with an <see cref="AudioFormatException"/>; nothing may throw anything else or hang.
/// </summary>
public sealed class Layer3FuzzTests(Mp3Encodings files, ITestOutputHelper output) : IClassFixture<Mp3Encodings>
{
    private const int Cases = 300;

    [SharedTheory]
    [InlineData("mpeg1-44k-joint-128", 21)]
    [InlineData("mpeg1-44k-forced-ms-160", 22)]
    [InlineData("mpeg2-24k-joint-64", 23)]
    [InlineData("mpeg25-8k-joint-16", 24)]
    public void DamagedMainDataDecodesOrIsRefused(string name, int seed)
    {
        var original = File.ReadAllBytes(files.File(name));
        int audioStart = Mp3Samples.AudioStart(original) + 4;
        int decoded = 0, refused = 0;
        var run = Task.Run(() =>
        {
            var rng = new Random(seed);
            for (int i = 0; i < Cases; i++)
            {
                var input = (byte[])original.Clone();
                switch (rng.Next(3))
                {
                    case 0:
                        for (int k = rng.Next(1, 33); k > 0; k--) { int at = rng.Next(audioStart, input.Length); input[at] ^= (byte)(1 << rng.Next(8)); }
                        break;
                    case 1:
                        { int at = rng.Next(audioStart, input.Length); int n = Math.Min(rng.Next(1, 65), input.Length - at); rng.NextBytes(input.AsSpan(at, n)); }
                        break;
                    default:
                        { int at = rng.Next(audioStart, input.Length); int n = Math.Min(rng.Next(1, 400), input.Length - at); input.AsSpan(at, n).Fill((byte)(rng.Next(2) * 0xFF)); }
                        break;
                }
                if (DecodesOrIsRefused(input, $"{name}-fuzz-{i}", mono: i % 2 == 0)) decoded++;
                else refused++;
            }
        });
        Assert.True(run.Wait(TimeSpan.FromSeconds(120)), "fuzz batch did not finish: the decoder hangs");
        run.GetAwaiter().GetResult();
        output.WriteLine($"{name}: {Cases} mutants, {decoded} decoded, {refused} refused");
        Assert.Equal(Cases, decoded + refused);
    }

    [SharedTheory]
    [InlineData("mpeg1-44k-joint-128", 31)]
    [InlineData("mpeg1-48k-mono-96", 32)]
    [InlineData("mpeg2-24k-joint-64", 33)]
    [InlineData("mpeg25-8k-joint-16", 34)]
    public void DamagedSideInformationFieldsDecodeOrAreRefused(string name, int seed)
    {
        // Random bytes seldom hit the fields that steer the decoder; here each mutant overwrites whole fields of the side
        // information (part2_3_length, big_values, scalefac_compress, the window switching / block type / mixed bits, a
        // table_select) or the header's intensity and mid/side bits, in a few frames, with random values.
        var original = File.ReadAllBytes(files.File(name));
        var frames = Mp3Samples.WholeFileFrames(original, name)
            .Select(pos => (Side: pos + 4 + ((original[pos + 1] & 1) == 0 ? 2 : 0), Mpeg1: ((original[pos + 1] >> 3) & 3) == 3,
                            Channels: original[pos + 3] >> 6 == 3 ? 1 : 2, Header: pos))
            .ToList();
        frames.RemoveAt(0); // the Info frame
        int decoded = 0, refused = 0;
        var rng = new Random(seed);
        for (int i = 0; i < 200; i++)
        {
            var input = (byte[])original.Clone();
            for (int k = rng.Next(1, 4); k > 0; k--)
            {
                var (side, mpeg1, channels, header) = frames[rng.Next(frames.Count)];
                int entries = (mpeg1 ? 2 : 1) * channels, entryBits = mpeg1 ? 59 : 63;
                int entry = (mpeg1 ? 9 + (channels == 1 ? 5 : 3) + 4 * channels : 8 + (channels == 1 ? 1 : 2)) + rng.Next(entries) * entryBits;
                int sfcBits = mpeg1 ? 4 : 9, switching = entry + 29 + sfcBits;
                switch (rng.Next(6))
                {
                    case 0: SetBits(input, side, entry, 12, rng.Next(1 << 12)); break;                 // part2_3_length
                    case 1: SetBits(input, side, entry + 12, 9, rng.Next(1 << 9)); break;             // big_values
                    case 2: SetBits(input, side, entry + 29, sfcBits, rng.Next(1 << sfcBits)); break; // scalefac_compress
                    case 3: SetBits(input, side, switching, 4, rng.Next(16)); break;                  // window switching, block type, mixed
                    case 4: SetBits(input, side, switching + 1, 5, rng.Next(32)); break;              // a table_select
                    default: input[header + 3] = (byte)((input[header + 3] & 0xCF) | (rng.Next(4) << 4)); break; // mode extension
                }
            }
            if (DecodesOrIsRefused(input, $"{name}-side-{i}", mono: i % 2 == 0)) decoded++;
            else refused++;
        }
        output.WriteLine($"{name}: 200 side-information mutants, {decoded} decoded, {refused} refused");
        Assert.Equal(200, decoded + refused);
    }

    [SharedFact]
    public void ScalefactorsLongerThanTheirGranuleMakeADamagedFrame()
    {
        // Granule 0 of the first audio frame of an MPEG-1 mono file gets part2_3_length 1 and scalefac_compress 15
        // (slen 4 and 3: 74 bits of scalefactors): the frame cannot be decoded, becomes silence and is counted.
        string mp3 = files.File("mpeg1-48k-mono-96");
        var original = File.ReadAllBytes(mp3);
        int frame = Mp3Samples.WholeFileFrames(original, "mpeg1-48k-mono-96")[1];
        int side = frame + 4 + ((original[frame + 1] & 1) == 0 ? 2 : 0);
        var damaged = (byte[])original.Clone();
        SetBits(damaged, side, 9 + 5 + 4, 12, 1);
        SetBits(damaged, side, 9 + 5 + 4 + 29, 4, 15);

        static (int Samples, int Skipped) Decode(byte[] bytes)
        {
            using var decoder = Mp3Decoder.Open(new MemoryStream(bytes), "x.mp3", leaveOpen: false);
            int total = 0;
            var block = new float[4096];
            for (int n; (n = decoder.ReadFrames(block)) > 0;) total += n;
            return (total, decoder.SkippedFrames);
        }
        var (samples, skipped) = Decode(original);
        var (damagedSamples, damagedSkipped) = Decode(damaged);
        Assert.Equal(0, skipped);
        Assert.Equal(1, damagedSkipped);
        Assert.Equal(samples, damagedSamples);
    }

    /// <summary>
    /// A damaged global_gain (here 255, 2^19 or more times the granule's level) decodes "successfully" into samples of
    /// hundreds to millions, which the sample check then refused for the whole file, or — below ±10⁶ — passed on as a
    /// loud burst that changed the answer. Such a frame is damaged: it becomes silence and is counted, the filter
    /// histories it filled are forgotten, and from two frames on the decode is the undamaged file's, bit for bit.
    /// </summary>
    [SharedTheory]
    [InlineData("mpeg1-44k-joint-128", false)]
    [InlineData("mpeg1-44k-joint-128", true)]
    [InlineData("mpeg2-24k-joint-64", false)]
    public void AFrameOfImpossibleValuesBecomesSilence_AndDoesNotLeak(string name, bool mono)
    {
        var original = File.ReadAllBytes(files.File(name));
        var frames = Mp3Samples.WholeFileFrames(original, name);
        int frame = frames[frames.Count / 2];
        bool mpeg1 = ((original[frame + 1] >> 3) & 3) == 3;
        int channels = original[frame + 3] >> 6 == 3 ? 1 : 2;
        int side = frame + 4 + ((original[frame + 1] & 1) == 0 ? 2 : 0);
        int entry = mpeg1 ? 9 + (channels == 1 ? 5 : 3) + 4 * channels : 8 + (channels == 1 ? 1 : 2);
        var damaged = (byte[])original.Clone();
        SetBits(damaged, side, entry + 12 + 9, 8, 255); // global_gain of granule 0, channel 0

        static (float[] Samples, int Skipped) Decode(byte[] bytes, bool mono)
        {
            using var decoder = Mp3Decoder.Open(new MemoryStream(bytes), "x.mp3", leaveOpen: false, mono);
            var all = new List<float>();
            var block = new float[4096];
            for (int n; (n = decoder.ReadFrames(block)) > 0;) all.AddRange(block.AsSpan(0, n * decoder.Channels));
            return (all.ToArray(), decoder.SkippedFrames);
        }
        var (clean, cleanSkipped) = Decode(original, mono);
        var (bad, badSkipped) = Decode(damaged, mono);
        Assert.Equal(0, cleanSkipped);
        Assert.Equal(1, badSkipped);
        Assert.Equal(clean.Length, bad.Length);
        Assert.InRange(bad.Max(MathF.Abs), 0f, Mp3Decoder.MaxPlausible);
        int firstDiff = Enumerable.Range(0, bad.Length).First(i => bad[i] != clean[i]);
        int lastDiff = Enumerable.Range(0, bad.Length).Last(i => bad[i] != clean[i]);
        int frameValues = (mpeg1 ? 1152 : 576) * (mono ? 1 : channels);
        Assert.InRange(lastDiff - firstDiff, frameValues - 1, 3 * frameValues);
        Assert.True(bad.AsSpan(firstDiff, frameValues).IndexOfAnyExcept(0f) < 0, "the damaged frame is silence");
    }

    /// <summary>
    /// Decodes <paramref name="input"/> to the end, every sample finite: true; or false when it is refused with an
    /// <see cref="AudioFormatException"/> naming <paramref name="source"/>. Anything else fails the test.
    /// </summary>
    private static bool DecodesOrIsRefused(byte[] input, string source, bool mono)
    {
        try
        {
            using var decoder = Mp3Decoder.Open(new MemoryStream(input), source, leaveOpen: false, mono);
            var block = new float[4096];
            for (int n; (n = decoder.ReadFrames(block)) > 0;)
                for (int k = 0; k < n * decoder.Channels; k++)
                    Assert.True(float.IsFinite(block[k]), $"{source}: non-finite sample");
            return true;
        }
        catch (AudioFormatException e)
        {
            Assert.Equal(source, e.SourceName);
            return false;
        }
    }

    /// <summary>Writes <paramref name="width"/> bits of <paramref name="value"/> MSB first at bit <paramref name="bit"/> after byte <paramref name="start"/>.</summary>
    private static void SetBits(byte[] b, int start, int bit, int width, int value)
    {
        for (int k = 0; k < width; k++)
        {
            int at = start + (bit + k) / 8, mask = 0x80 >> ((bit + k) % 8);
            if (((value >> (width - 1 - k)) & 1) == 1) b[at] |= (byte)mask;
            else b[at] &= (byte)~mask;
        }
    }
}
