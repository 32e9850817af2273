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
        for (int ch = 0; ch < channels; ch++)
        {
            var m = Mp3GoldenTests.Compare(Mp3Encodings.Channel(expected, channels, ch), Mp3Encodings.Channel(actual, channels, ch));
            output.WriteLine($"  channel {ch}: SNR {m.SnrDb:F1} dB, max |diff| {m.MaxAbs:G3}, RMS {m.Rms:G3}");
            Assert.True(m.MaxAbs <= MaxBound && m.Rms <= RmsBound, $"{name} channel {ch}: max {m.MaxAbs:G3}, RMS {m.Rms:G3} outside ISO full accuracy");
        }
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
