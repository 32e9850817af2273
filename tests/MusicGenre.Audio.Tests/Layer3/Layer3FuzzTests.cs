using System.Diagnostics;
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
                bool mono = i % 2 == 0;
                string source = $"{name}-fuzz-{i}";
                try
                {
                    using var decoder = Mp3Decoder.Open(new MemoryStream(input), source, leaveOpen: false, mono);
                    var block = new float[4096];
                    for (int n; (n = decoder.ReadFrames(block)) > 0;)
                        for (int k = 0; k < n * decoder.Channels; k++)
                            Assert.True(float.IsFinite(block[k]), $"{source}: non-finite sample");
                    decoded++;
                }
                catch (AudioFormatException e)
                {
                    Assert.Equal(source, e.SourceName);
                    refused++;
                }
            }
        });
        Assert.True(run.Wait(TimeSpan.FromSeconds(120)), "fuzz batch did not finish: the decoder hangs");
        run.GetAwaiter().GetResult();
        output.WriteLine($"{name}: {Cases} mutants, {decoded} decoded, {refused} refused");
        Assert.Equal(Cases, decoded + refused);
    }
}
