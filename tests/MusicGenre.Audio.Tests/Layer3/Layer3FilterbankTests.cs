using MusicGenre.Audio.Decoding.Layer3;

namespace MusicGenre.Audio.Tests.Layer3;

/// <summary>
/// The vector filterbanks at every lane width (the widths this machine lacks clamp down; <c>FallbackPathTests</c>
/// re-runs these tests with 512-, 256-, 128-bit and no intrinsics) against oracles written straight from the standard's
/// formulas in double precision: the 1024-entry FIFO synthesis of ISO/IEC 11172-3 Figure A.2 and the IMDCT of
/// §2.4.3.4.10 with its four windows.
/// </summary>
public sealed class Layer3FilterbankTests
{
    /// <summary>Lanes per register: 1 (the scalar twin), 4, 8, 16.</summary>
    public static TheoryData<int> Widths => new(1, 4, 8, 16);

    [Theory]
    [MemberData(nameof(Widths))]
    public void SynthesisMatchesTheStandardsFifo(int lanes)
    {
        var width = (SimdWidth)lanes;
        const int slots = 54;
        var rng = new Random(11);
        var subbands = new float[slots * 32];
        for (int i = 0; i < subbands.Length; i++) subbands[i] = (float)(rng.NextDouble() * 2 - 1);

        // Oracle: shift V by 64, V[i] = Σ_k cos((16 + i)(2k + 1)π/64)·S[k], U from V, W = U·D, out[j] = Σ_i W[j + 32i].
        var v = new double[1024];
        var expected = new double[slots * 32];
        var d = Layer3Tables.SynthesisWindow;
        for (int t = 0; t < slots; t++)
        {
            Array.Copy(v, 0, v, 64, 960);
            for (int i = 0; i < 64; i++)
            {
                double sum = 0;
                for (int k = 0; k < 32; k++) sum += Math.Cos((16 + i) * (2 * k + 1) * Math.PI / 64) * subbands[32 * t + k];
                v[i] = sum;
            }
            var u = new double[512];
            for (int i = 0; i < 8; i++)
                for (int j = 0; j < 32; j++)
                {
                    u[i * 64 + j] = v[i * 128 + j];
                    u[i * 64 + 32 + j] = v[i * 128 + 96 + j];
                }
            for (int j = 0; j < 32; j++)
            {
                double sum = 0;
                for (int i = 0; i < 16; i++) sum += u[j + 32 * i] * d[j + 32 * i];
                expected[32 * t + j] = sum;
            }
        }

        // In two calls and interleaved (stride 2), as the decoder uses it.
        var bank = new SynthesisFilterbank(width);
        var actual = new float[2 * slots * 32];
        bank.Synthesize(subbands.AsSpan(0, 20 * 32), 20, actual, 2);
        bank.Synthesize(subbands.AsSpan(20 * 32), slots - 20, actual.AsSpan(2 * 20 * 32), 2);
        double max = 0, peak = expected.Max(Math.Abs);
        for (int i = 0; i < expected.Length; i++)
        {
            max = Math.Max(max, Math.Abs(actual[2 * i] - expected[i]));
            Assert.Equal(0f, actual[2 * i + 1]);
        }
        // float32 sums of 32 (matrixing) and 16 (window) products: a few units of 2^-24 relative to the peak.
        Assert.True(max <= 1e-6 * peak, $"{width}: max |diff| {max:G3} from the standard's synthesis (peak {peak:G3})");
    }

    [Theory]
    [MemberData(nameof(Widths))]
    public void ImdctMatchesTheStandardForEveryBlockType(int lanes)
    {
        var width = (SimdWidth)lanes;
        var rng = new Random(12);
        var lines = new float[576];
        for (int i = 0; i < lines.Length; i++) lines[i] = (float)(rng.NextDouble() * 2 - 1);
        var z = new float[36 * 32];
        var scratch = new float[576 + 36 * 32];
        foreach (var (blockType, mixed) in new[] { (0, false), (1, false), (3, false), (2, false), (2, true) })
        {
            HybridFilterbank.Transform(lines, blockType, mixed, z, scratch, width);
            double max = 0, peak = 0;
            for (int sb = 0; sb < 32; sb++)
            {
                var expected = mixed && sb < 2 || blockType != 2
                    ? LongOracle(lines.AsSpan(18 * sb, 18), mixed ? 0 : blockType)
                    : ShortOracle(lines.AsSpan(18 * sb, 18));
                for (int i = 0; i < 36; i++)
                {
                    max = Math.Max(max, Math.Abs(z[i * 32 + sb] - expected[i]));
                    peak = Math.Max(peak, Math.Abs(expected[i]));
                }
            }
            Assert.True(max <= 1e-6 * peak, $"{width}, block type {blockType}{(mixed ? " mixed" : "")}: max |diff| {max:G3} (peak {peak:G3})");
        }
    }

    [Fact]
    public void OverlapAddsThePreviousHalfAndKeepsTheNext()
    {
        var rng = new Random(13);
        var z = Enumerable.Range(0, 36 * 32).Select(_ => (float)rng.NextDouble()).ToArray();
        var z2 = Enumerable.Range(0, 36 * 32).Select(_ => (float)rng.NextDouble()).ToArray();
        var prev0 = Enumerable.Range(0, 18 * 32).Select(_ => (float)rng.NextDouble()).ToArray();
        // In double: slots = previous half + both blocks' first halves, the kept half = both blocks' second halves.
        var slotsExpected = Enumerable.Range(0, 18 * 32).Select(i => prev0[i] + 0.5 * z[i] + 0.5 * z2[i]).ToArray();
        var keptExpected = Enumerable.Range(0, 18 * 32).Select(i => 0.5 * z[18 * 32 + i] + 0.5 * z2[18 * 32 + i]).ToArray();
        foreach (int lanes in new[] { 1, 4, 8, 16 })
        {
            var width = (SimdWidth)lanes;
            var prev = (float[])prev0.Clone();
            var slots = new float[18 * 32];
            HybridFilterbank.Overlap(z, 0.5f, prev, slots, accumulate: false, width);
            HybridFilterbank.Overlap(z2, 0.5f, prev, slots, accumulate: true, width);
            // Two or three float roundings of values below 2 (fused or not): within 3·2⁻²³.
            Close.Assert(slotsExpected, slots.Select(v => (double)v).ToArray(), 4e-7, 0, $"{width} overlap slots");
            Close.Assert(keptExpected, prev.Select(v => (double)v).ToArray(), 4e-7, 0, $"{width} kept half");
        }
        var inv = Enumerable.Range(0, 18 * 32).Select(i => (float)i).ToArray();
        HybridFilterbank.InvertOddSubbands(inv);
        for (int t = 0; t < 18; t++)
            for (int sb = 0; sb < 32; sb++)
                Assert.Equal((t & sb & 1) == 1 ? -(t * 32 + sb) : t * 32 + sb, inv[t * 32 + sb]);
    }

    /// <summary>x_i = Σ_k X_k·cos(π/72·(2i + 19)(2k + 1)), windowed by the block type's window (§2.4.3.4.10.2).</summary>
    private static double[] LongOracle(ReadOnlySpan<float> x, int blockType)
    {
        var z = new double[36];
        for (int i = 0; i < 36; i++)
        {
            double sum = 0;
            for (int k = 0; k < 18; k++) sum += x[k] * Math.Cos(Math.PI / 72 * (2 * i + 19) * (2 * k + 1));
            double w = blockType switch
            {
                0 => Math.Sin(Math.PI / 36 * (i + 0.5)),
                1 => i < 18 ? Math.Sin(Math.PI / 36 * (i + 0.5)) : i < 24 ? 1 : i < 30 ? Math.Sin(Math.PI / 12 * (i - 18 + 0.5)) : 0,
                _ => i < 6 ? 0 : i < 12 ? Math.Sin(Math.PI / 12 * (i - 6 + 0.5)) : i < 18 ? 1 : Math.Sin(Math.PI / 36 * (i + 0.5)),
            };
            z[i] = sum * w;
        }
        return z;
    }

    /// <summary>Three 12-point IMDCTs of the interleaved windows, windowed and overlapped at 6 + 6w.</summary>
    private static double[] ShortOracle(ReadOnlySpan<float> x)
    {
        var z = new double[36];
        for (int w = 0; w < 3; w++)
            for (int i = 0; i < 12; i++)
            {
                double sum = 0;
                for (int k = 0; k < 6; k++) sum += x[3 * k + w] * Math.Cos(Math.PI / 24 * (2 * i + 7) * (2 * k + 1));
                z[6 + 6 * w + i] += sum * Math.Sin(Math.PI / 12 * (i + 0.5));
            }
        return z;
    }
}
