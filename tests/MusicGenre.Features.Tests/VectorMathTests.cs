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

    [Fact]
    public void MultiplyDotAddScaledMatchScalar()
    {
        var rng = new Random(1234);
        foreach (int n in Lengths)
        {
            float[] a = Random(rng, n, -2, 2), b = Random(rng, n, -2, 2);
            var v = new float[n];
            var s = new float[n];
            VectorMath.Multiply(a, b, v);
            VectorMath.MultiplyScalar(a, b, s);
            Assert.Equal(s, v);

            float dv = VectorMath.Dot(a, b), ds = VectorMath.DotScalar(a, b);
            Assert.True(Math.Abs(dv - ds) <= 1e-5 * (1 + n), $"Dot n={n}: {dv} vs {ds}");

            float[] acc1 = Random(rng, n, -1, 1), acc2 = (float[])acc1.Clone();
            VectorMath.AddScaled(a, 0.37f, acc1);
            VectorMath.AddScaledScalar(a, 0.37f, acc2);
            Assert.Equal(acc2, acc1);
        }
    }

    [Fact]
    public void DecibelsMatchScalarAndClampAtAmin()
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

            float[] v = (float[])x.Clone(), s = (float[])x.Clone();
            float mv = VectorMath.ToDecibels(v, 1e-10f, 3f);
            float ms = VectorMath.ToDecibelsScalar(s, 1e-10f, 3f);
            Close.Assert(s, v, 1e-5, 1e-6, $"dB n={n}");
            Assert.True(ms == mv || Math.Abs(ms - mv) <= 1e-4, $"max n={n}: {mv} vs {ms}");
            if (n > 3)
                Assert.True(Math.Abs(v[1] + 103f) <= 1e-4, $"amin clamp: {v[1]}");
        }
    }

    [Fact]
    public void NonFiniteIsFoundAnywhere()
    {
        foreach (int n in new[] { 1, 15, 16, 17, 100 })
        {
            foreach (float bad in new[] { float.NaN, float.PositiveInfinity, float.NegativeInfinity })
            {
                for (int at = 0; at < n; at += 7)
                {
                    var x = new float[n];
                    x[at] = bad;
                    Assert.Equal(at, MusicGenre.Simd.SampleScan.IndexOfNonFinite(x));
                }
            }

            Assert.Equal(-1, MusicGenre.Simd.SampleScan.IndexOfNonFinite(new float[n]));
        }
    }

    [Fact]
    public void SampleScan_MatchesItsScalarTwin_ForEveryBadValueAndPlace()
    {
        // A bound of 1e6 (the decoder's float-sample limit): NaN, ±∞ and |x| > bound are found at every position, in
        // the vector body and the scalar tail; values exactly at the bound are not.
        var rng = new Random(9);
        foreach (int n in new[] { 1, 7, 8, 9, 16, 17, 40, 100 })
        {
            foreach (float bad in new[] { float.NaN, float.PositiveInfinity, float.NegativeInfinity, 1.0000001e6f, -2e6f, 1e30f })
            {
                for (int at = 0; at < n; at += 3)
                {
                    var x = Enumerable.Range(0, n).Select(_ => (float)(rng.NextDouble() * 2e6 - 1e6)).ToArray();
                    x[at] = bad;
                    if (at + 1 < n) x[at + 1] = bad; // only the first is reported
                    Assert.Equal(at, MusicGenre.Simd.SampleScan.IndexOfOutside(x, 1e6f));
                    Assert.Equal(at, MusicGenre.Simd.SampleScan.IndexOfOutside(x, 1e6f, vector: false));
                }
            }
            var edge = Enumerable.Repeat(1e6f, n).ToArray();
            edge[n / 2] = -1e6f;
            Assert.Equal(-1, MusicGenre.Simd.SampleScan.IndexOfOutside(edge, 1e6f));
            Assert.Equal(-1, MusicGenre.Simd.SampleScan.IndexOfOutside(edge, 1e6f, vector: false));
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
