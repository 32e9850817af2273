namespace MusicGenre.Kernels.Spectral;

/// <summary>
/// Scalar twins of <see cref="SpectralKernels"/>: the same arithmetic as plain host loops, used as the reference in
/// the kernels' randomized equivalence tests (and readable documentation of what each kernel does).
/// </summary>
internal static class SpectralScalar
{
    /// <summary>Twin of <see cref="SpectralKernels.FrameWindow"/> for all frames.</summary>
    public static void FrameWindow(ReadOnlySpan<float> signal, ReadOnlySpan<float> window, Span<float> re, Span<float> im, in FrameParams p)
    {
        for (int t = 0; t < p.TotalFrames; t++)
        {
            int segment = t / p.FramesPerSegment, frame = t % p.FramesPerSegment;
            for (int i = 0; i < p.NFft; i++)
            {
                int s = frame * p.Hop + i - p.PadLeft;
                float x;
                if (s >= 0 && s < p.SegmentLength) x = signal[segment * p.SegmentHop + s];
                else if (p.PadMode == FrameParams.PadReflect) x = signal[segment * p.SegmentHop + (s < 0 ? -s : 2 * (p.SegmentLength - 1) - s)];
                else x = 0f;
                re[t * p.NFft + i] = x * window[i];
                im[t * p.NFft + i] = 0f;
            }
        }
    }

    /// <summary>
    /// In-place forward complex FFT of <paramref name="frames"/> contiguous frames with the same Stockham passes as the
    /// kernels (ping-pong through a scratch copy).
    /// </summary>
    public static void Fft(StockhamPlan plan, Span<float> re, Span<float> im, int frames)
    {
        int n = plan.N;
        float[] srcRe = re[..(n * frames)].ToArray(), srcIm = im[..(n * frames)].ToArray();
        float[] dstRe = new float[srcRe.Length], dstIm = new float[srcIm.Length];
        int span = 1;
        foreach (int radix in plan.Radices)
        {
            // One pass: same index algebra as SpectralKernels.StockhamPass.
            int width = span * radix, stride = n / radix;
            for (int t = 0; t < frames; t++)
            {
                int frame = t * n;
                for (int o = 0; o < n; o++)
                {
                    int k = o % width, j = o / width * span + o % span, step = k * (n / width), w = 0;
                    float accRe = 0f, accIm = 0f;
                    for (int r = 0; r < radix; r++)
                    {
                        float xr = srcRe[frame + j + r * stride], xi = srcIm[frame + j + r * stride];
                        accRe += xr * plan.TwiddleRe[w] - xi * plan.TwiddleIm[w];
                        accIm += xr * plan.TwiddleIm[w] + xi * plan.TwiddleRe[w];
                        w += step;
                        if (w >= n) w -= n;
                    }
                    dstRe[frame + o] = accRe;
                    dstIm[frame + o] = accIm;
                }
            }
            (srcRe, dstRe) = (dstRe, srcRe);
            (srcIm, dstIm) = (dstIm, srcIm);
            span = width;
        }
        srcRe.CopyTo(re);
        srcIm.CopyTo(im);
    }

    /// <summary>Twin of <see cref="SpectralKernels.Power"/>.</summary>
    public static void Power(ReadOnlySpan<float> re, ReadOnlySpan<float> im, Span<float> power, int n, int nFreq, int frames)
    {
        for (int t = 0; t < frames; t++)
            for (int f = 0; f < nFreq; f++)
            {
                float a = re[t * n + f], b = im[t * n + f];
                power[t * nFreq + f] = a * a + b * b;
            }
    }

    /// <summary>Twin of <see cref="SpectralKernels.MelProject"/>.</summary>
    public static void MelProject(ReadOnlySpan<float> power, ReadOnlySpan<float> basis, ReadOnlySpan<int> bandStart, ReadOnlySpan<int> bandEnd, Span<float> mel, in MelParams p)
    {
        for (int t = 0; t < p.Segments * p.FramesPerSegment; t++)
            for (int m = 0; m < p.NMels; m++)
            {
                float acc = 0f;
                for (int f = bandStart[m]; f < bandEnd[m]; f++) acc += basis[m * p.NFreq + f] * power[t * p.NFreq + f];
                mel[(t / p.FramesPerSegment * p.NMels + m) * p.FramesPerSegment + t % p.FramesPerSegment] = acc;
            }
    }

    /// <summary>Twin of <see cref="SpectralKernels.PowerToDb"/> including the per-segment max it needs.</summary>
    public static void PowerToDb(ReadOnlySpan<float> mel, Span<float> db, in MelParams p)
    {
        for (int s = 0; s < p.Segments; s++)
        {
            var block = mel.Slice(s * p.SegmentSize, p.SegmentSize);
            float max = float.NegativeInfinity;
            foreach (float v in block) max = Math.Max(max, v);
            float maxDb = 10f * MathF.Log10(Math.Max(p.Amin, max));
            float refDb = p.RefIsMax != 0 ? maxDb : p.RefDb;
            for (int e = 0; e < p.SegmentSize; e++)
            {
                float v = 10f * MathF.Log10(Math.Max(p.Amin, block[e])) - refDb;
                if (p.TopDb > 0f) v = Math.Max(v, maxDb - refDb - p.TopDb);
                db[s * p.SegmentSize + e] = v;
            }
        }
    }

    /// <summary>Twin of <see cref="SpectralKernels.Dct"/>.</summary>
    public static void Dct(ReadOnlySpan<float> logmel, ReadOnlySpan<float> dct, Span<float> mfcc, in MelParams p, int nMfcc)
    {
        for (int s = 0; s < p.Segments; s++)
            for (int k = 0; k < nMfcc; k++)
                for (int j = 0; j < p.FramesPerSegment; j++)
                {
                    float acc = 0f;
                    for (int m = 0; m < p.NMels; m++) acc += dct[k * p.NMels + m] * logmel[s * p.SegmentSize + m * p.FramesPerSegment + j];
                    mfcc[(s * nMfcc + k) * p.FramesPerSegment + j] = acc;
                }
    }

    /// <summary>Non-zero range <c>[start, end)</c> of each row of a <c>[rows, cols]</c> matrix (empty rows: 0, 0).</summary>
    public static (int[] Start, int[] End) NonZeroBands(ReadOnlySpan<float> matrix, int rows, int cols)
    {
        var start = new int[rows];
        var end = new int[rows];
        for (int m = 0; m < rows; m++)
        {
            var row = matrix.Slice(m * cols, cols);
            int a = 0, b = cols;
            while (a < cols && row[a] == 0f) a++;
            while (b > a && row[b - 1] == 0f) b--;
            (start[m], end[m]) = (a, b);
        }
        return (start, end);
    }
}
