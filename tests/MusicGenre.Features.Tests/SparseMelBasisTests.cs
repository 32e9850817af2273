using MusicGenre.Features.Fft;

namespace MusicGenre.Features.Tests;

/// <summary>
/// <see cref="SparseMelBasis"/> at every width against its scalar twin and against the dense filterbank product in
/// double: every preset's filterbank, and seeded random banded filterbanks of odd shapes (1–40 rows over 1–300 bins,
/// empty rows, rows of one bin, rows narrower than a chunk, rows that end at the last bin, overlapping bands).
/// </summary>
public sealed class SparseMelBasisTests
{
    private static readonly SimdWidth[] Widths = [SimdWidth.Scalar, SimdWidth.V128, SimdWidth.V256, SimdWidth.V512];

    private static float[] Random(Random rng, int n, float lo, float hi) =>
        Enumerable.Range(0, n).Select(_ => lo + (hi - lo) * (float)rng.NextDouble()).ToArray();

    /// <summary>Every preset's filterbank, then random banded ones: (label, dense [rows, bins], rows, bins).</summary>
    private static IEnumerable<(string Label, float[] Dense, int Rows, int Bins)> Filterbanks()
    {
        foreach (FeatureOptions preset in FeaturePresets.All)
        {
            FeatureOptions o = preset.Validate();
            yield return (o.Name, MelFilterbank.Create(o), o.NMels, o.BinCount);
        }

        var rng = new Random(2026);
        for (int shape = 0; shape < 60; shape++)
        {
            int rows = 1 + rng.Next(40), bins = 1 + rng.Next(300);
            var dense = new float[rows * bins];
            for (int m = 0; m < rows; m++)
            {
                int kind = rng.Next(6);
                if (kind == 0) continue;                                           // an empty row
                int width = kind switch { 1 => 1, 2 => 1 + rng.Next(7), _ => 1 + rng.Next(bins) }; // one bin, under a chunk, any
                width = Math.Min(width, bins);
                int start = kind == 5 ? bins - width : rng.Next(bins - width + 1);  // kind 5 ends at the last bin
                for (int k = start; k < start + width; k++)
                    dense[m * bins + k] = (float)rng.NextDouble();
                if (width > 2 && rng.Next(2) == 0) dense[m * bins + start + width / 2] = 0; // a zero inside the band
            }
            yield return ($"random {shape} ({rows} × {bins})", dense, rows, bins);
        }
    }

    /// <summary>
    /// One spectrum, strided output with sentinels between the rows; the spectrum's padding past the last bin holds large
    /// finite values, which the zero weights must cancel; a spectrum without the padding is refused, not read past.
    /// </summary>
    [Fact]
    public void Project_EveryWidth_MatchesTheScalarTwinAndTheDenseProduct()
    {
        var rng = new Random(77);
        foreach (var (label, dense, rows, bins) in Filterbanks())
        {
            var basis = new SparseMelBasis(dense, rows, bins);
            Assert.True(basis.SpectrumLength >= bins && basis.SpectrumLength < bins + SparseMelBasis.Chunk, $"{label}: spectrum length {basis.SpectrumLength}");
            float[] spectrum = Random(rng, basis.SpectrumLength, 0, 5);
            for (int k = bins; k < spectrum.Length; k++)
                spectrum[k] = 1e6f;

            var expected = new double[rows];
            for (int m = 0; m < rows; m++)
                for (int k = 0; k < bins; k++)
                    expected[m] += (double)dense[m * bins + k] * spectrum[k];

            var scalar = new float[rows];
            basis.ProjectScalar(spectrum, scalar, 1);
            foreach (SimdWidth width in Widths)
            {
                const int stride = 3;
                var strided = new float[(rows - 1) * stride + 1];
                Array.Fill(strided, -7f);
                basis.Project(spectrum, strided, stride, width);
                for (int m = 0; m < rows; m++)
                {
                    float got = strided[m * stride];
                    Assert.True(Math.Abs(got - scalar[m]) <= 1e-5 * (1 + Math.Abs(scalar[m])), $"{label} {width} row {m}: {got} vs scalar {scalar[m]}");
                    Assert.True(Math.Abs(got - expected[m]) <= 1e-5 * (1 + Math.Abs(expected[m])), $"{label} {width} row {m}: {got} vs dense {expected[m]}");
                    if (m + 1 < rows)
                        Assert.Equal(-7f, strided[m * stride + 1]);
                }
            }

            var ex = Assert.Throws<ArgumentException>(() => basis.Project(spectrum.AsSpan(0, basis.SpectrumLength - 1), scalar, 1));
            Assert.Contains("spectrum", ex.Message);
        }
    }

    /// <summary>
    /// The frame-batch projection (16 frames in the lanes, transposed in 8 × 8 blocks) against the scalar twin frame by
    /// frame, full and partial batches, at 256 and 512 bits: each frame's column of every mel row, and nothing else of
    /// the destination, is written; rows past the batch's frames hold NaN, which must not reach the frames written.
    /// </summary>
    [Fact]
    public void ProjectFrames_MatchesTheScalarTwinPerFrame()
    {
        if (!SparseMelBasis.FramesSupported(SimdWidth.V256))
        {
            Assert.Throws<PlatformNotSupportedException>(() => new SparseMelBasis([1f], 1, 1).ProjectFrames(new float[64], 1, new float[1], 1));
            return;
        }
        var rng = new Random(78);
        foreach (var (label, dense, rows, bins) in Filterbanks())
        {
            var basis = new SparseMelBasis(dense, rows, bins);
            int stride = basis.FrameStride, lanes = SparseMelBasis.FrameLanes;
            Assert.True(stride % 8 == 0 && stride >= basis.SpectrumLength);
            foreach (int count in new[] { lanes, 1, 5, 9 })
            foreach (SimdWidth width in new[] { SimdWidth.V256, SimdWidth.V512 })
            {
                var spectra = new float[lanes * stride];
                Array.Fill(spectra, float.NaN);
                for (int t = 0; t < count; t++)
                {
                    Random(rng, bins, 0, 5).CopyTo(spectra, t * stride);
                    Array.Clear(spectra, t * stride + bins, stride - bins); // zeros past the bins, as the extractor leaves them
                }
                int frames = count + 6;
                var mel = new float[rows * frames];
                Array.Fill(mel, -7f);
                basis.ProjectFrames(spectra, count, mel.AsSpan(3), frames, width);
                var expected = new float[rows];
                for (int t = 0; t < count; t++)
                {
                    basis.ProjectScalar(spectra.AsSpan(t * stride, basis.SpectrumLength), expected, 1);
                    for (int m = 0; m < rows; m++)
                    {
                        float got = mel[m * frames + 3 + t];
                        Assert.True(Math.Abs(got - expected[m]) <= 1e-5 * (1 + Math.Abs(expected[m])), $"{label} {width} count {count} frame {t} row {m}: {got} vs scalar {expected[m]}");
                    }
                }
                for (int m = 0; m < rows; m++)
                    for (int c = 0; c < frames; c++)
                        if (c < 3 || c >= 3 + count)
                            Assert.Equal(-7f, mel[m * frames + c]);
            }
        }
    }
}
