using MusicGenre.Simd;
using MusicGenre.TestSupport;

namespace MusicGenre.Features.Tests;

/// <summary>
/// <see cref="MelCepstrum"/>: every vector width against the scalar twin (bit for bit: same order of additions, no fused
/// multiply-add), the scalar twin against a double-precision DCT oracle, and the feature extractor's <c>/mfcc</c> as
/// this kernel over its log-mel (the one implementation MFCC models use too).
/// </summary>
public sealed class MelCepstrumTests
{
    private static readonly SimdWidth[] Widths = [SimdWidth.V128, SimdWidth.V256, SimdWidth.V512];

    private static float[] Random(Random rng, int n)
    {
        var x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float)(-80 + 80 * rng.NextDouble());
        return x;
    }

    [Fact]
    public void EveryWidth_EqualsTheScalarTwin_BitForBit_AndTheTwinMatchesADoubleOracle()
    {
        var rng = new Random(20261207);
        foreach (var (bands, coefficients) in new[] { (1, 1), (5, 3), (16, 16), (40, 13), (128, 20), (128, 128) })
        {
            float[] basis = MelCepstrum.Basis(coefficients, bands);
            foreach (int frames in Enumerable.Range(0, 41).Concat([130, 257]))
            {
                float[] logMel = Random(rng, bands * frames);
                var scalar = new float[coefficients * frames];
                MelCepstrum.Apply(basis, coefficients, logMel, frames, scalar, SimdWidth.Scalar);
                foreach (var width in Widths)
                {
                    var vector = new float[coefficients * frames];
                    MelCepstrum.Apply(basis, coefficients, logMel, frames, vector, width);
                    Assert.True(scalar.AsSpan().SequenceEqual(vector), $"{width} differs from the scalar twin at bands {bands}, coefficients {coefficients}, frames {frames}");
                }

                // Oracle: the orthonormal DCT-II in double, straight from its definition.
                var oracle = new double[coefficients * frames];
                for (int k = 0; k < coefficients; k++)
                    for (int t = 0; t < frames; t++)
                    {
                        double sum = 0;
                        for (int m = 0; m < bands; m++)
                            sum += Math.Sqrt((k == 0 ? 1.0 : 2.0) / bands) * Math.Cos(Math.PI * k * (2 * m + 1) / (2.0 * bands)) * logMel[m * frames + t];
                        oracle[k * frames + t] = sum;
                    }
                // Float summation bound: n additions of terms whose magnitudes sum to ≤ 80·sqrt(2n), each rounding ≤ 2⁻²⁴ of it.
                double bound = bands * Math.Pow(2, -24) * 80 * Math.Sqrt(2.0 * bands);
                Close.Assert(oracle, scalar.Select(v => (double)v).ToArray(), bound, 0, $"bands {bands}, coefficients {coefficients}, frames {frames}");
            }
        }
    }

    [Fact]
    public void ItWritesOnlyItsRows_AndRefusesShortSpans()
    {
        float[] basis = MelCepstrum.Basis(3, 5);
        var dst = Enumerable.Repeat(-7f, 3 * 4 + 2).ToArray();
        MelCepstrum.Apply(basis, 3, new float[5 * 4], 4, dst);
        Assert.All(dst[..12], v => Assert.Equal(0f, v));
        Assert.Equal([-7f, -7f], dst[12..]);
        Assert.Throws<ArgumentException>(() => MelCepstrum.Apply(basis, 3, new float[5 * 4 - 1], 4, new float[12]));
        Assert.Throws<ArgumentException>(() => MelCepstrum.Apply(basis, 3, new float[5 * 4], 4, new float[11]));
        Assert.Throws<ArgumentException>(() => MelCepstrum.Apply(basis, 4, new float[5 * 4], 4, new float[16])); // 15 values are not 4 rows
    }

    [Fact]
    public void FeatureExtractorMfcc_IsThisKernelOverItsLogMel()
    {
        var rng = new Random(5);
        float[] audio = Enumerable.Range(0, 22050 * 3).Select(_ => (float)(rng.NextDouble() - 0.5)).ToArray();
        foreach (var preset in new[] { FeaturePresets.LibrosaDefault, FeaturePresets.Htk40 })
        {
            var extractor = new FeatureExtractor(preset);
            float[] logMel = extractor.Compute(FeatureKind.LogMel, audio), mfcc = extractor.Compute(FeatureKind.Mfcc, audio);
            int frames = logMel.Length / preset.NMels;
            var expected = new float[preset.NMfcc * frames];
            MelCepstrum.Apply(MelCepstrum.Basis(preset.NMfcc, preset.NMels), preset.NMfcc, logMel, frames, expected);
            Assert.True(expected.AsSpan().SequenceEqual(mfcc), preset.Name);
        }
    }
}
