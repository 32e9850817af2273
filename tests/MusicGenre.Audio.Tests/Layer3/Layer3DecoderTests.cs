using MusicGenre.Audio.Decoding.Layer3;
using Xunit.Abstractions;

namespace MusicGenre.Audio.Tests.Layer3;

/// <summary>
/// Our layer III decoder against mpg123 (the goldens' decoder) and NLayer (its scalar twin) on lame-made files covering
/// MPEG-1, MPEG-2 and MPEG-2.5, every sample rate, mono, stereo, dual channel and joint (mid/side) stereo, with short,
/// start and stop blocks. The bound is ISO/IEC 11172-4's "full accuracy" test: max |diff| ≤ 2^-14 and RMS ≤ 2^-15/√12.
/// </summary>
public sealed class Layer3DecoderTests(Mp3Encodings files, ITestOutputHelper output) : IClassFixture<Mp3Encodings>
{
    private static readonly double MaxBound = 1.0 / 16384, RmsBound = Math.Pow(2, -15) / Math.Sqrt(12);

    public static TheoryData<string> Names => Mp3Encodings.Names;

    [SharedTheory]
    [MemberData(nameof(Names))]
    public void EachChannelMatchesMpg123ToFullAccuracy(string name)
    {
        string mp3 = files.File(name);
        var expected = Mp3Encodings.Mpg123(mp3);
        var (actual, channels, decoder) = Mp3Encodings.Decode(mp3, mono: false);
        output.WriteLine($"{name}: {decoder.SampleRate} Hz, {decoder.NativeChannels} channel(s), {decoder.Statistics}");
        Assert.Equal(0, decoder.SkippedFrames);
        Assert.Equal(expected.Length, actual.Length);
        CompareChannels(expected, actual, channels, name, "mpg123");
    }

    /// <summary>
    /// Two streams of different formats joined into one file (cat a.mp3 b.mp3): the first is decoded, and the warning says
    /// that the other's frames were left out (they vanished without a word, neither decoded nor counted as damaged).
    /// A file with damaged frames says how many were not decoded.
    /// </summary>
    [SharedFact]
    public void JoinedStreamsAndDamagedFrames_AreNamedInTheWarning()
    {
        var first = System.IO.File.ReadAllBytes(files.File("mpeg1-44k-joint-128"));
        var second = System.IO.File.ReadAllBytes(files.File("mpeg2-24k-joint-64"));
        var alone = AudioFile.Load(new MemoryStream(first), "a.mp3", new AudioLoadOptions { TargetSampleRate = null });
        var joined = AudioFile.Load(new MemoryStream([.. first, .. second]), "ab.mp3", new AudioLoadOptions { TargetSampleRate = null });
        Assert.Equal(alone.Samples, joined.Samples);
        Assert.Null(alone.Warning);
        Assert.Matches(@"^ab\.mp3: \d+ frames of another format \(24000 Hz, 2 channels\) were left out: the file joins two streams and only the first \(44100 Hz, 2 channels\) is decoded$", joined.Warning);

        var damaged = (byte[])first.Clone();
        int middle = Mp3Samples.WholeFileFrames(first, "mpeg1-44k-joint-128")[20];
        damaged.AsSpan(middle, 3000).Fill(0x55); // about 7 frames of garbage
        var clip = AudioFile.Load(new MemoryStream(damaged), "d.mp3", new AudioLoadOptions { TargetSampleRate = null });
        Assert.Matches(@"^d\.mp3: \d+ damaged or incomplete MP3 frames were not decoded$", clip.Warning);
    }

    [SharedTheory]
    [MemberData(nameof(Names))]
    public void ATruncatedFile_IsDecoded_WithAWarningFromItsInfoTag(string name)
    {
        // lame writes a Xing/Info tag with the frame count (CBR and VBR alike) unless the first frame is too small to
        // hold one (8 of these 11 files have it). The whole file holds all its frames and gets no warning; cut to 60 %
        // it still decodes what is there and, where a tag declared the count, says it is truncated.
        string mp3 = files.File(name);
        var whole = AudioFile.Load(mp3, new AudioLoadOptions { TargetSampleRate = null });
        Assert.Null(whole.Warning);
        var bytes = System.IO.File.ReadAllBytes(mp3);
        bool tagged = System.Text.Encoding.ASCII.GetString(bytes, 0, 200) is var head && (head.Contains("Info") || head.Contains("Xing"));
        var cut = AudioFile.Load(new MemoryStream(bytes[..(bytes.Length * 3 / 5)]), "cut.mp3", new AudioLoadOptions { TargetSampleRate = null });
        Assert.InRange(cut.Samples.Length, whole.Samples.Length / 2, whole.Samples.Length * 7 / 10);
        // The frame the cut goes through is incomplete and not decoded, which is said too (the only hint where no tag is).
        const string incomplete = "1 damaged or incomplete MP3 frame was not decoded";
        if (tagged) Assert.StartsWith("cut.mp3: truncated MP3: its Xing/Info tag declares ", cut.Warning);
        else Assert.True(cut.Warning is null or "cut.mp3: " + incomplete, cut.Warning);
        output.WriteLine($"{name}: tag {(tagged ? "yes" : "no")}; {cut.Warning}");
    }

    [SharedTheory]
    [MemberData(nameof(Names))]
    public void MonoIsTheChannelAverage(string name)
    {
        // Mono output takes shortcuts (one synthesis filterbank, a shared IMDCT, mid only for M/S): it must still equal
        // (L + R)/2 of the stereo decode to float rounding.
        string mp3 = files.File(name);
        var (stereo, channels, _) = Mp3Encodings.Decode(mp3, mono: false);
        var (mono, monoChannels, decoder) = Mp3Encodings.Decode(mp3, mono: true);
        Assert.Equal(1, monoChannels);
        var average = channels == 1 ? stereo : [.. Enumerable.Range(0, stereo.Length / 2).Select(i => (stereo[2 * i] + stereo[2 * i + 1]) / 2)];
        var m = Mp3GoldenTests.Compare(average, mono);
        output.WriteLine($"{name}: mono vs (L + R)/2 max |diff| {m.MaxAbs:G3}; {decoder.Statistics}");
        Assert.True(m.MaxAbs <= 2e-6, $"{name}: mono differs from the channel average by {m.MaxAbs:G3}");
    }

    [SharedTheory]
    [MemberData(nameof(Names))]
    public void MatchesNLayerWhereverNLayerMatchesMpg123(string name)
    {
        // NLayer is the scalar twin, but not a flawless one: on some streams (MPEG-2 joint stereo at 24 kHz, MPEG-2.5 at
        // 8 kHz) it departs from mpg123 itself. Ours must match NLayer to full accuracy wherever NLayer matches mpg123,
        // and where it does not, mpg123 must side with ours.
        string mp3 = files.File(name);
        var (ours, channels, _) = Mp3Encodings.Decode(mp3, mono: false);
        var (nlayer, _, reference) = Mp3Encodings.Decode(mp3, mono: false, reference: true);
        var mpg123 = Mp3Encodings.Mpg123(mp3);
        Assert.Equal(0, reference.SkippedFrames);
        Assert.Equal(nlayer.Length, ours.Length);
        for (int ch = 0; ch < channels; ch++)
        {
            var vsOurs = Mp3GoldenTests.Compare(Mp3Encodings.Channel(nlayer, channels, ch), Mp3Encodings.Channel(ours, channels, ch));
            var vsMpg123 = Mp3GoldenTests.Compare(Mp3Encodings.Channel(mpg123, channels, ch), Mp3Encodings.Channel(nlayer, channels, ch));
            var oursVsMpg123 = Mp3GoldenTests.Compare(Mp3Encodings.Channel(mpg123, channels, ch), Mp3Encodings.Channel(ours, channels, ch));
            bool nlayerExact = vsMpg123.MaxAbs <= MaxBound && vsMpg123.Rms <= RmsBound;
            output.WriteLine($"{name} channel {ch}: ours vs NLayer max |diff| {vsOurs.MaxAbs:G3}, RMS {vsOurs.Rms:G3}; NLayer vs mpg123 max {vsMpg123.MaxAbs:G3}" +
                (nlayerExact ? "" : " (NLayer is off here)"));
            if (nlayerExact)
                Assert.True(vsOurs.MaxAbs <= MaxBound && vsOurs.Rms <= RmsBound, $"{name} channel {ch}: max {vsOurs.MaxAbs:G3}, RMS {vsOurs.Rms:G3} from NLayer");
            else
                Assert.True(oursVsMpg123.MaxAbs <= MaxBound && vsOurs.MaxAbs > oursVsMpg123.MaxAbs, $"{name} channel {ch}: NLayer and ours both depart from mpg123");
        }
    }

    [SharedTheory]
    [InlineData("mpeg1-44k-forced-ms-160", true)]
    [InlineData("mpeg1-44k-joint-128", true)]
    [InlineData("mpeg2-24k-joint-64", false)]
    [InlineData("mpeg25-8k-joint-16", false)]
    public void IntensityStereoMatchesMpg123(string name, bool exact)
    {
        // lame never writes intensity stereo, so switch it on: set the intensity bit of every joint-stereo frame's mode
        // extension. Above the right channel's last non-zero band, its scalefactors then become intensity positions
        // (and for MPEG-2 its scalefactors are read with the intensity tables), a valid if odd stream. For MPEG-1 (pure
        // intensity and mid/side + intensity) mpg123 and ours must agree to full accuracy. For MPEG-2 they do not, and
        // neither does NLayer with either of them (measured: max |diff| ours–mpg123 0.09, ours–NLayer 0.01,
        // NLayer–mpg123 0.08 on one such frame), so there only decoding without error and the mono shortcut are checked.
        var bytes = File.ReadAllBytes(files.File(name));
        int frames = 0;
        foreach (int pos in Mp3Samples.WholeFileFrames(bytes, name))
            if (bytes[pos + 3] >> 6 == 1) { bytes[pos + 3] |= 0x10; frames++; }
        Assert.True(frames > 10, $"{name}: only {frames} joint-stereo frames");
        string mp3 = Path.Combine(SharedData.NewTempDir("musicgenre-is"), name + "-intensity.mp3");
        File.WriteAllBytes(mp3, bytes);

        var expected = Mp3Encodings.Mpg123(mp3);
        var (actual, channels, decoder) = Mp3Encodings.Decode(mp3, mono: false);
        output.WriteLine($"{name} with intensity stereo: {decoder.Statistics}");
        Assert.True(decoder.Statistics!.Intensity > 0);
        Assert.Equal(expected.Length, actual.Length);
        CompareChannels(expected, actual, channels, name, "mpg123", hold: exact);
        Assert.All(actual, v => Assert.True(float.IsFinite(v)));
        var (mono, _, _) = Mp3Encodings.Decode(mp3, mono: true);
        var average = Enumerable.Range(0, actual.Length / 2).Select(i => (actual[2 * i] + actual[2 * i + 1]) / 2).ToArray();
        Assert.True(Mp3GoldenTests.Compare(average, mono).MaxAbs <= 2e-6, "mono differs from the channel average");
    }

    [SharedFact]
    public void MixedBlocksMatchNLayer()
    {
        // lame never writes mixed blocks either: set mixed_block_flag in the side information of every short-block
        // granule of an MPEG-1 file. Subbands 0–1 are then long blocks (scalefactor bands 0–7, alias reduction between
        // them), the rest short from band 3 — a different but complete stream. Here mpg123 is not the reference: it
        // departs from both NLayer and ours on such streams (max |diff| 5.8e-4 on this file, 1.13 on the 44.1 kHz joint
        // stereo one, where ours and NLayer differ by 0.015), so ours is held to NLayer, to full accuracy.
        const string name = "mpeg1-48k-mono-96";
        var bytes = File.ReadAllBytes(files.File(name));
        int flipped = 0;
        foreach (int pos in Mp3Samples.WholeFileFrames(bytes, name))
        {
            int channels = bytes[pos + 3] >> 6 == 3 ? 1 : 2;
            int side = pos + 4 + ((bytes[pos + 1] & 1) == 0 ? 2 : 0);
            // MPEG-1 side information: main_data_begin 9, private 5/3, scfsi 4 per channel, then 59 bits per granule and
            // channel: part2_3_length 12, big_values 9, global_gain 8, scalefac_compress 4, window_switching 1,
            // block_type 2, mixed_block_flag 1, ...
            int bit = 9 + (channels == 1 ? 5 : 3) + 4 * channels;
            for (int gc = 0; gc < 2 * channels; gc++, bit += 59)
            {
                bool switching = Bit(bytes, side, bit + 33) == 1;
                int blockType = 2 * Bit(bytes, side, bit + 34) + Bit(bytes, side, bit + 35);
                if (switching && blockType == 2)
                {
                    bytes[side + (bit + 36) / 8] |= (byte)(0x80 >> ((bit + 36) % 8));
                    flipped++;
                }
            }
        }
        Assert.True(flipped > 10, $"{name}: only {flipped} short-block granules");
        string mp3 = Path.Combine(SharedData.NewTempDir("musicgenre-mixed"), name + "-mixed.mp3");
        File.WriteAllBytes(mp3, bytes);

        var (expected, _, _) = Mp3Encodings.Decode(mp3, mono: false, reference: true);
        var (actual, channelCount, decoder) = Mp3Encodings.Decode(mp3, mono: false);
        output.WriteLine($"{name} with mixed blocks: {decoder.Statistics}");
        Assert.True(decoder.Statistics!.Mixed > 10);
        Assert.Equal(expected.Length, actual.Length);
        CompareChannels(expected, actual, channelCount, name, "NLayer");
    }

    /// <summary>
    /// Compares each channel of interleaved <paramref name="actual"/> with <paramref name="expected"/> from
    /// <paramref name="reference"/>, writes the figures and, when <paramref name="hold"/>, holds every channel to ISO full accuracy.
    /// </summary>
    private void CompareChannels(float[] expected, float[] actual, int channels, string name, string reference, bool hold = true)
    {
        for (int ch = 0; ch < channels; ch++)
        {
            var m = Mp3GoldenTests.Compare(Mp3Encodings.Channel(expected, channels, ch), Mp3Encodings.Channel(actual, channels, ch));
            output.WriteLine($"  channel {ch}: SNR {m.SnrDb:F1} dB, max |diff| {m.MaxAbs:G3}, RMS {m.Rms:G3}");
            if (hold) Assert.True(m.MaxAbs <= MaxBound && m.Rms <= RmsBound, $"{name} channel {ch}: max {m.MaxAbs:G3}, RMS {m.Rms:G3} from {reference}, outside ISO full accuracy");
        }
    }

    private static int Bit(byte[] b, int start, int bit) => (b[start + bit / 8] >> (7 - bit % 8)) & 1;

    [SharedFact]
    public void TheFilesExerciseEveryBlockTypeAndStereoTool()
    {
        // The comparisons above prove little if the encoder never used short blocks or mid/side: count what was decoded.
        var total = new Layer3Statistics();
        foreach (var (name, _) in Mp3Encodings.Configs)
        {
            var stats = Mp3Encodings.Decode(files.File(name), mono: true).Decoder.Statistics!;
            output.WriteLine($"{name}: {stats}");
            total.Long += stats.Long; total.Start += stats.Start; total.Short += stats.Short; total.Stop += stats.Stop;
            total.MidSide += stats.MidSide; total.MidOnly += stats.MidOnly; total.ScfsiReuse += stats.ScfsiReuse;
            total.Preflag += stats.Preflag; total.Count1TableB += stats.Count1TableB; total.LinBitsTables += stats.LinBitsTables;
            total.ScalefacScale += stats.ScalefacScale;
        }
        Assert.True(total.Long > 0 && total.Start > 0 && total.Short > 0 && total.Stop > 0, $"block types: {total}");
        Assert.True(total.MidSide > 0 && total.MidOnly > 0, $"stereo tools: {total}");
        Assert.True(total.ScfsiReuse > 0 && total.Preflag > 0 && total.LinBitsTables > 0 && total.Count1TableB > 0, $"coding tools: {total}");
    }
}
