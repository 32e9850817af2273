using ILGPU;
using ILGPU.Algorithms;

namespace MusicGenre.Kernels.Spectral;

internal static partial class SpectralKernels
{
    /// <summary>
    /// Every mel band m of every global frame t: <c>Σ_f basis[m, f]·power[t, f]</c> over the band's non-zero range
    /// <c>[bandStart[m], bandEnd[m])</c> (skipping exact zeros leaves the float sum unchanged).
    /// </summary>
    internal static void MelProject(
        Index1D index,
        ArrayView<float> power,                              // [TotalFrames, NFreq]
        ArrayView<float> basis,                              // [NMels, NFreq]
        ArrayView<int> bandStart, ArrayView<int> bandEnd,    // [NMels]
        ArrayView<float> mel,                                // [Segments, NMels, FramesPerSegment]
        MelParams p, int stride)
    {
        long total = (long)p.Segments * p.FramesPerSegment * p.NMels;
        for (long e = index.X; e < total; e += stride)
        {
            int t = (int)(e / p.NMels), m = (int)(e - (long)t * p.NMels);
            long row = (long)m * p.NFreq, col = (long)t * p.NFreq;
            float acc = 0f;
            for (int f = bandStart[m]; f < bandEnd[m]; f++)
                acc += basis[row + f] * power[col + f];
            int segment = t / p.FramesPerSegment;
            int frame = t - segment * p.FramesPerSegment;
            mel[((long)segment * p.NMels + m) * p.FramesPerSegment + frame] = acc;
        }
    }

    /// <summary>Max of each contiguous row of <paramref name="length"/> values (grid-stride over rows).</summary>
    internal static void RowMax(
        Index1D index,
        ArrayView<float> x,       // [rows, length]
        ArrayView<float> rowMax,  // [rows]
        int rows, int length, int stride)
    {
        for (int r = index.X; r < rows; r += stride)
        {
            long start = (long)r * length;
            float m = float.NegativeInfinity;
            for (int i = 0; i < length; i++) m = XMath.Max(m, x[start + i]);
            rowMax[r] = m;
        }
    }

    /// <summary>
    /// power_to_db of every element (see <see cref="MelParams"/>), with <paramref name="segmentMax"/> holding each
    /// segment's max power.
    /// </summary>
    internal static void PowerToDb(
        Index1D index,
        ArrayView<float> mel,         // [Segments, SegmentSize]
        ArrayView<float> segmentMax,  // [Segments]
        ArrayView<float> db,          // [Segments, SegmentSize]
        MelParams p, int stride)
    {
        long total = (long)p.Segments * p.SegmentSize;
        for (long o = index.X; o < total; o += stride)
        {
            int s = (int)(o / p.SegmentSize);

            // 1. Reference level: fixed, or the segment's own max (ref=np.max).
            float maxDb = 10f * XMath.Log10(XMath.Max(p.Amin, segmentMax[s]));
            float refDb = p.RefIsMax != 0 ? maxDb : p.RefDb;

            // 2. dB value, floored at top_db below the segment's maximum dB.
            float v = 10f * XMath.Log10(XMath.Max(p.Amin, mel[o])) - refDb;
            if (p.TopDb > 0f) v = XMath.Max(v, maxDb - refDb - p.TopDb);
            db[o] = v;
        }
    }

    /// <summary>
    /// MFCC: <c>out[s, k, j] = Σ_m dct[k, m]·logmel[s, m, j]</c> for every segment s, coefficient k &lt;
    /// <paramref name="nMfcc"/> and frame j (the orthonormal DCT-II along the mel axis, as a small matrix product).
    /// </summary>
    internal static void Dct(
        Index1D index,
        ArrayView<float> logmel,  // [Segments, NMels, FramesPerSegment]
        ArrayView<float> dct,     // [nMfcc, NMels]
        ArrayView<float> mfcc,    // [Segments, nMfcc, FramesPerSegment]
        MelParams p, int nMfcc, int stride)
    {
        long total = (long)p.Segments * nMfcc * p.FramesPerSegment;
        for (long o = index.X; o < total; o += stride)
        {
            int j = (int)(o % p.FramesPerSegment), k = (int)(o / p.FramesPerSegment % nMfcc), s = (int)(o / ((long)p.FramesPerSegment * nMfcc));
            long src = (long)s * p.SegmentSize + j;
            float acc = 0f;
            for (int m = 0; m < p.NMels; m++) acc += dct[k * p.NMels + m] * logmel[src + (long)m * p.FramesPerSegment];
            mfcc[o] = acc;
        }
    }
}
