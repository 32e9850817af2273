using System.Buffers.Binary;
using System.Diagnostics;
using Xunit.Abstractions;

namespace MusicGenre.Audio.Tests;

/// <summary>
/// Seeded mutation fuzzing: ≥ 1,000 damaged variants of a small valid file per decoder (bit flips, truncations, header
/// field overwrites with edge values, garbage runs). Every outcome must be a decoded clip or an
/// <see cref="AudioFormatException"/> naming the input, and the whole batch must finish in bounded time (no hang).
/// </summary>
public sealed class FuzzTests(ITestOutputHelper output)
{
    private const int Cases = 1000;

    [Fact]
    public void WavMutations() => Fuzz(TestAudio.Wav16(TestAudio.Noise(2 * 300, 3), 2, 44100), headerBytes: 44, seed: 1);

    [Fact]
    public void WavFloatExtensibleMutations() =>
        Fuzz(TestAudio.Wav(TestAudio.Noise(200, 4).Select(v => (double)v).ToArray(), 1, 8000, 32, isFloat: true, extensible: true), headerBytes: 68, seed: 2);

    [Fact]
    public void AuMutations()
    {
        var codes = TestAudio.Noise(400, 5).Select(v => (short)(v * 32767)).ToArray();
        Fuzz(TestAudio.Au(TestAudio.BigEndian16(codes), 3, 22050, 2), headerBytes: 32, seed: 3);
    }

    [Fact]
    public void AuMuLawMutations() => Fuzz(TestAudio.Au(Enumerable.Range(0, 500).Select(i => (byte)i).ToArray(), 1, 8000, 1), headerBytes: 32, seed: 4);

    [SharedFact]
    public void Mp3Mutations() => Fuzz(Mp3Samples.Short(frames: 10), headerBytes: 30 + 240, seed: 5);

    private void Fuzz(byte[] original, int headerBytes, int seed)
    {
        // The original must decode, or the mutations prove nothing.
        Assert.NotEmpty(TestAudio.LoadNative(original).Samples);

        int decoded = 0, rejected = 0;
        var slowest = TimeSpan.Zero;
        var run = Task.Run(() =>
        {
            var rng = new Random(seed);
            for (int i = 0; i < Cases; i++)
            {
                var input = Mutate(original, headerBytes, rng);
                string name = $"fuzz-{seed}-{i}";
                var sw = Stopwatch.StartNew();
                try
                {
                    var clip = AudioFile.Load(new MemoryStream(input), name, new AudioLoadOptions { TargetSampleRate = i % 3 == 0 ? 22050 : null });
                    Assert.True(clip.Samples.Length <= 100 * input.Length, $"{name}: {clip.Samples.Length} samples from {input.Length} bytes");
                    decoded++;
                }
                catch (AudioFormatException e)
                {
                    Assert.Equal(name, e.SourceName);
                    Assert.False(string.IsNullOrWhiteSpace(e.Problem));
                    rejected++;
                }
                if (sw.Elapsed > slowest) slowest = sw.Elapsed;
            }
        });
        // A hang would never finish; the bound is generous because the CI machine is shared.
        Assert.True(run.Wait(TimeSpan.FromSeconds(120)), "fuzz batch did not finish: a decoder hangs");
        run.GetAwaiter().GetResult();
        output.WriteLine($"{Cases} mutants: {decoded} decoded, {rejected} rejected with AudioFormatException; slowest {slowest.TotalMilliseconds:F0} ms");
        Assert.Equal(Cases, decoded + rejected);
    }

    /// <summary>One of: flip 1-16 bits; truncate; overwrite a header field with 0 / all ones / random; insert garbage.</summary>
    private static byte[] Mutate(byte[] original, int headerBytes, Random rng)
    {
        var x = (byte[])original.Clone();
        switch (rng.Next(5))
        {
            case 0:
                for (int k = rng.Next(1, 17); k > 0; k--) { int at = rng.Next(x.Length); x[at] ^= (byte)(1 << rng.Next(8)); }
                return x;
            case 1:
                return x[..rng.Next(x.Length)];
            case 2:
            {
                int at = rng.Next(Math.Min(headerBytes, x.Length - 4)) & ~1;
                uint value = rng.Next(3) switch { 0 => 0u, 1 => uint.MaxValue, _ => (uint)rng.Next() };
                BinaryPrimitives.WriteUInt32LittleEndian(x.AsSpan(at), value);
                return x;
            }
            case 3:
                for (int k = rng.Next(1, 9); k > 0; k--) x[rng.Next(Math.Min(headerBytes, x.Length))] = (byte)rng.Next(256);
                return x;
            default:
            {
                int at = rng.Next(x.Length), len = rng.Next(1, 400);
                var garbage = new byte[len];
                rng.NextBytes(garbage);
                return [.. x.AsSpan(0, at), .. garbage, .. x.AsSpan(at)];
            }
        }
    }
}
