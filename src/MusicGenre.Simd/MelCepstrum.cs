using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace MusicGenre.Simd;

/// <summary>
/// Mel-frequency cepstral coefficients from a log-mel block: the orthonormal DCT-II along the mel axis, first
/// <c>coefficients</c> rows (librosa.feature.mfcc: <c>scipy.fft.dct(S, type=2, norm='ortho', axis=-2)[:n_mfcc]</c>). One
/// kernel serves the feature extractor's <c>/mfcc</c> and the MFCC input of a model (training batches and prediction),
/// so a model trained on MFCC sees exactly what <c>musicgenre features</c> writes.
/// </summary>
internal static class MelCepstrum
{
    /// <summary>
    /// The DCT-II rows <c>[coefficients, bands]</c>: sqrt(1/N) for k = 0, else sqrt(2/N), times cos(πk(2m + 1)/(2N))
    /// (scipy's norm='ortho'), computed in double and rounded once.
    /// </summary>
    public static float[] Basis(int coefficients, int bands)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(coefficients);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(bands);
        var d = new float[coefficients * bands];
        for (int k = 0; k < coefficients; k++)
        {
            double scale = Math.Sqrt((k == 0 ? 1.0 : 2.0) / bands);
            for (int m = 0; m < bands; m++)
                d[k * bands + m] = (float)(scale * Math.Cos(Math.PI * k * (2 * m + 1) / (2.0 * bands)));
        }

        return d;
    }

    /// <summary>
    /// dst[k, t] = Σ_m basis[k, m]·logMel[m, t] for k &lt; coefficients, t &lt; frames; <paramref name="logMel"/> is
    /// <c>[bands, frames]</c> and <paramref name="dst"/> <c>[coefficients, frames]</c>, row-major (bands = basis length /
    /// coefficients). The widest vector path of <paramref name="width"/> runs; <see cref="SimdWidth.Scalar"/> is the twin.
    /// </summary>
    /// <exception cref="ArgumentException">A span is shorter than its shape needs, or the basis is not a whole number of rows.</exception>
    public static void Apply(ReadOnlySpan<float> basis, int coefficients, ReadOnlySpan<float> logMel, int frames, Span<float> dst, SimdWidth width = SimdWidth.V512)
    {
        if (coefficients < 1 || basis.Length % coefficients != 0 || basis.Length == 0)
            throw new ArgumentException($"basis: {basis.Length} values is not {coefficients} whole rows.", nameof(basis));
        int bands = basis.Length / coefficients;
        if (frames < 0 || logMel.Length < (long)bands * frames)
            throw new ArgumentException($"logMel: {logMel.Length} values, [{bands}, {frames}] needs {(long)bands * frames}.", nameof(logMel));
        if (dst.Length < (long)coefficients * frames)
            throw new ArgumentException($"dst: {dst.Length} values, [{coefficients}, {frames}] needs {(long)coefficients * frames}.", nameof(dst));
        switch (SimdWidths.Clamp(width))
        {
            case SimdWidth.V512: Run<Vec512Ops, System.Runtime.Intrinsics.Vector512<float>>(basis, coefficients, bands, logMel, frames, dst); break;
            case SimdWidth.V256: Run<Vec256Ops, System.Runtime.Intrinsics.Vector256<float>>(basis, coefficients, bands, logMel, frames, dst); break;
            case SimdWidth.V128: Run<Vec128Ops, System.Runtime.Intrinsics.Vector128<float>>(basis, coefficients, bands, logMel, frames, dst); break;
            default: Run<ScalarOps, float>(basis, coefficients, bands, logMel, frames, dst); break;
        }
    }

    /// <summary>
    /// Lanes run along time: one register holds TOps.Count consecutive frames of output row k and accumulates
    /// basis[k, m]·logMel[m, t..t+Count) over m = 0, 1, … in order, then is stored once. The tail frames (fewer than a
    /// register) take the scalar loop with the same order of additions, and every step is a separate multiply and add
    /// (never fused), so all widths give bit-identical results to the scalar twin.
    /// </summary>
    private static void Run<TOps, TV>(ReadOnlySpan<float> basis, int coefficients, int bands, ReadOnlySpan<float> logMel, int frames, Span<float> dst)
        where TOps : struct, ISimdOps<TV> where TV : struct
    {
        ref float src = ref MemoryMarshal.GetReference(logMel);
        ref float output = ref MemoryMarshal.GetReference(dst);
        int lanes = TOps.Count;
        for (int k = 0; k < coefficients; k++)
        {
            ReadOnlySpan<float> row = basis.Slice(k * bands, bands);
            ref float outRow = ref Unsafe.Add(ref output, k * frames);
            int t = 0;
            if (lanes > 1)
            {
                for (; t + lanes <= frames; t += lanes)
                {
                    TV acc = TOps.Broadcast(0f);
                    for (int m = 0; m < bands; m++)
                        acc = TOps.Add(acc, TOps.Mul(TOps.Broadcast(row[m]), TOps.Load(ref src, (nuint)(m * frames + t))));
                    TOps.Store(acc, ref outRow, (nuint)t);
                }
            }

            for (; t < frames; t++)
            {
                float acc = 0f;
                for (int m = 0; m < bands; m++)
                    acc += row[m] * Unsafe.Add(ref src, m * frames + t);
                Unsafe.Add(ref outRow, t) = acc;
            }
        }
    }
}
