using MusicGenre.Features.Fft;

namespace MusicGenre.Features.Tests;

/// <summary>Seeded randomized equivalence of each vector loop with its scalar twin over lengths 0..256 and a few large ones.</summary>
public class VectorMathTests
{
    public static IEnumerable<int> Lengths => Enumerable.Range(0, 257).Concat([1025, 4099]);

    private static float[] Random(Random rng, int n, float lo, float hi)
    {
        var x = new float[n];
        for (int i = 0; i < n; i++)
            x[i] = lo + (hi - lo) * (float)rng.NextDouble();
        return x;
    }

    /// <summary>Every width's path (the machine's widest first, then narrower ones, then the scalar twin).</summary>
    private static readonly SimdWidth[] Widths = [SimdWidth.V512, SimdWidth.V256, SimdWidth.V128, SimdWidth.Scalar];

    [Fact]
    public void Multiply_EveryWidth_IsTheElementwiseProduct_BitForBit()
    {
        var rng = new Random(1234);
        foreach (int n in Lengths)
        {
            // Inputs longer than the destination: only dst.Length elements are written.
            float[] a = Random(rng, n + 3, -2, 2), b = Random(rng, n + 5, -2, 2);
            var expected = new float[n];
            for (int i = 0; i < n; i++) expected[i] = a[i] * b[i];
            foreach (var width in Widths)
            {
                var v = Enumerable.Repeat(float.NaN, n + 2).ToArray();
                VectorMath.Multiply(a, b, v.AsSpan(0, n), width);
                Assert.True(expected.AsSpan().SequenceEqual(v.AsSpan(0, n)), $"Multiply {width} n={n}");
                Assert.True(float.IsNaN(v[n]) && float.IsNaN(v[n + 1]), $"Multiply {width} n={n} wrote past its destination");
            }
        }

        // In place (dst is one of the inputs) and too-short inputs.
        float[] x = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17];
        VectorMath.Multiply(x, x, x);
        Assert.Equal(Enumerable.Range(1, 17).Select(i => (float)(i * i)), x);
        Assert.Throws<ArgumentException>(() => VectorMath.Multiply(new float[3], new float[4], new float[4]));
    }

    [Fact]
    public void ToDecibels_EveryWidth_MatchesTheLog10Twin_AndClampsAtAmin()
    {
        var rng = new Random(99);
        foreach (int n in Lengths)
        {
            float[] x = Random(rng, n, 0, 1000);
            if (n > 3)
            {
                x[1] = 0;
                x[2] = 1e-30f;
            }

            float[] s = (float[])x.Clone();
            float ms = VectorMath.ToDecibelsScalar(s, 1e-10f, 3f);
            foreach (var width in Widths)
            {
                float[] v = (float[])x.Clone();
                float mv = VectorMath.ToDecibels(v, 1e-10f, 3f, width);
                Close.Assert(s, v, 1e-5, 1e-6, $"dB {width} n={n}");
                // The returned maximum is the largest value written, exactly.
                Assert.Equal(n == 0 ? float.NegativeInfinity : v.Max(), mv);
                Assert.True(Math.Abs(ms - mv) <= 1e-4 || ms == mv, $"max {width} n={n}: {mv} vs {ms}");
                if (n > 3)
                    Assert.True(Math.Abs(v[1] + 103f) <= 1e-4 && v[2] == v[1], $"amin clamp {width}: {v[1]}, {v[2]}");
            }
        }
    }

    [Fact]
    public void ClampBelow_EveryWidth_IsMaxWithTheFloor_BitForBit()
    {
        var rng = new Random(7);
        foreach (int n in Lengths)
        {
            float[] x = Random(rng, n, -100, 0);
            if (n > 2) { x[0] = -80f; x[1] = float.NegativeInfinity; }
            var expected = x.Select(v => MathF.Max(v, -80f)).ToArray();
            foreach (var width in Widths)
            {
                float[] v = (float[])x.Clone();
                VectorMath.ClampBelow(v, -80f, width);
                Assert.True(expected.AsSpan().SequenceEqual(v), $"ClampBelow {width} n={n}");
                Assert.True(v.All(e => e >= -80f), $"ClampBelow {width} n={n}: a value below the floor");
            }
        }
    }

    /// <summary>
    /// The padded-chunk mel projection at every width against its scalar twin and against the dense filterbank product
    /// in double, for every preset's filterbank; the spectrum's padding past the last bin holds large finite values,
    /// which the zero weights must cancel.
    /// </summary>
    [Fact]
    public void MelProjectionMatchesScalarAndDenseProduct()
    {
        var rng = new Random(77);
        foreach (FeatureOptions preset in FeaturePresets.All)
        {
            FeatureOptions o = preset.Validate();
            float[] dense = MelFilterbank.Create(o);
            var basis = new SparseMelBasis(dense, o.NMels, o.BinCount);
            Assert.True(basis.SpectrumLength >= o.BinCount && basis.SpectrumLength < o.BinCount + SparseMelBasis.Chunk);
            float[] spectrum = Random(rng, basis.SpectrumLength, 0, 5);
            for (int k = o.BinCount; k < spectrum.Length; k++)
                spectrum[k] = 1e6f;

            var expected = new double[o.NMels];
            for (int m = 0; m < o.NMels; m++)
                for (int k = 0; k < o.BinCount; k++)
                    expected[m] += (double)dense[m * o.BinCount + k] * spectrum[k];

            var scalar = new float[o.NMels];
            basis.ProjectScalar(spectrum, scalar, 1);
            foreach (SimdWidth width in new[] { SimdWidth.Scalar, SimdWidth.V128, SimdWidth.V256, SimdWidth.V512 })
            {
                // Strided output (the layout of one column of [n_mels, frames]) with sentinels between the rows.
                const int stride = 3;
                var strided = new float[(o.NMels - 1) * stride + 1];
                Array.Fill(strided, -7f);
                basis.Project(spectrum, strided, stride, width);
                for (int m = 0; m < o.NMels; m++)
                {
                    float got = strided[m * stride];
                    Assert.True(Math.Abs(got - scalar[m]) <= 1e-5 * (1 + Math.Abs(scalar[m])), $"{o.Name} {width} row {m}: {got} vs scalar {scalar[m]}");
                    Assert.True(Math.Abs(got - expected[m]) <= 1e-5 * (1 + Math.Abs(expected[m])), $"{o.Name} {width} row {m}: {got} vs dense {expected[m]}");
                    if (m + 1 < o.NMels)
                        Assert.Equal(-7f, strided[m * stride + 1]);
                }
            }

            // A spectrum without the padding is refused, not read past its end.
            var ex = Assert.Throws<ArgumentException>(() => basis.Project(spectrum.AsSpan(0, basis.SpectrumLength - 1), scalar, 1));
            Assert.Contains("spectrum", ex.Message);
        }
    }

    /// <summary>
    /// The frame-batch projection (16 frames in the lanes, transposed in 8 × 8 blocks) against the scalar twin frame by
    /// frame, for every preset, full and partial batches, at 256 and 512 bits: each frame's column of every mel row, and
    /// nothing else of the destination, is written; rows past the batch's frames hold NaN, which must not reach the
    /// frames written (lanes are independent).
    /// </summary>
    [Fact]
    public void FrameBatchMelProjectionMatchesScalarPerFrame()
    {
        if (!SparseMelBasis.FramesSupported(SimdWidth.V256))
        {
            Assert.Throws<PlatformNotSupportedException>(() => new SparseMelBasis([1f], 1, 1).ProjectFrames(new float[64], 1, new float[1], 1));
            return;
        }
        var rng = new Random(78);
        foreach (FeatureOptions preset in FeaturePresets.All)
        {
            FeatureOptions o = preset.Validate();
            var basis = new SparseMelBasis(MelFilterbank.Create(o), o.NMels, o.BinCount);
            int stride = basis.FrameStride, lanes = SparseMelBasis.FrameLanes;
            Assert.True(stride % 8 == 0 && stride >= basis.SpectrumLength);
            foreach (int count in new[] { lanes, 1, 5, 9 })
            foreach (SimdWidth width in new[] { SimdWidth.V256, SimdWidth.V512 })
            {
                var spectra = new float[lanes * stride];
                Array.Fill(spectra, float.NaN);
                for (int t = 0; t < count; t++)
                {
                    Random(rng, o.BinCount, 0, 5).CopyTo(spectra, t * stride);
                    Array.Clear(spectra, t * stride + o.BinCount, stride - o.BinCount); // zeros past the bins, as the extractor leaves them
                }
                // The block's columns 3 .. 3 + count of a [n_mels, frames] output with sentinels around them.
                int frames = count + 6;
                var mel = new float[o.NMels * frames];
                Array.Fill(mel, -7f);
                basis.ProjectFrames(spectra, count, mel.AsSpan(3), frames, width);
                var expected = new float[o.NMels];
                for (int t = 0; t < count; t++)
                {
                    basis.ProjectScalar(spectra.AsSpan(t * stride, basis.SpectrumLength), expected, 1);
                    for (int m = 0; m < o.NMels; m++)
                    {
                        float got = mel[m * frames + 3 + t];
                        Assert.True(Math.Abs(got - expected[m]) <= 1e-5 * (1 + Math.Abs(expected[m])), $"{o.Name} {width} count {count} frame {t} row {m}: {got} vs scalar {expected[m]}");
                    }
                }
                for (int m = 0; m < o.NMels; m++)
                    for (int c = 0; c < frames; c++)
                        if (c < 3 || c >= 3 + count)
                            Assert.Equal(-7f, mel[m * frames + c]);
            }
        }
    }
}
