using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using MusicGenre.Features.Fft;

namespace MusicGenre.Features;

/// <summary>
/// The mel filterbank stored by rows without their zero ends: row m covers bins [start[m], start[m] + count[m]). A
/// triangle touches a few dozen bins, so projecting one frame costs about 2·(1 + n_fft/2) multiply-adds instead of
/// n_mels·(1 + n_fft/2).
/// </summary>
/// <remarks>
/// Each row's weights are stored padded by zeros to whole chunks of <see cref="Chunk"/> floats, so the vector path does
/// a fixed number of full-width multiply-adds and one horizontal sum per row, with no scalar tail: the low mel rows
/// touch only 1–3 bins, and a tail loop there cost more than the arithmetic. The padded reads run up to
/// <see cref="SpectrumLength"/> − 1; the spectrum must be that long, with zeros (or any finite values) past the last
/// bin: they meet zero weights. The scalar twin reads only the first count[m] weights of each row.
/// </remarks>
internal sealed class SparseMelBasis
{
    /// <summary>Floats per padded chunk: one Vector256 (two Vector128 on 128-bit hardware).</summary>
    public const int Chunk = 8;

    private readonly int[] _start, _count, _offset; // row m: _count[m] weights at _weights[_offset[m]], zeros to the chunk end
    private readonly float[] _weights;
    private readonly int _blockBins; // the highest bin any row touches, exclusive, rounded up to whole 8 × 8 blocks (ProjectFrames' transpose)

    public SparseMelBasis(float[] dense, int nMels, int bins)
    {
        _start = new int[nMels];
        _count = new int[nMels];
        _offset = new int[nMels];
        var weights = new List<float>();
        SpectrumLength = bins;
        for (int m = 0; m < nMels; m++)
        {
            ReadOnlySpan<float> row = dense.AsSpan(m * bins, bins);
            int first = row.IndexOfAnyExcept(0f);
            int last = row.LastIndexOfAnyExcept(0f);
            _offset[m] = weights.Count;
            if (first < 0)
                continue;
            _start[m] = first;
            _count[m] = last - first + 1;
            int padded = Chunks(m) * Chunk;
            for (int k = 0; k < padded; k++)
                weights.Add(k < _count[m] ? row[first + k] : 0f);
            SpectrumLength = Math.Max(SpectrumLength, first + padded);
        }

        _weights = weights.ToArray();
        for (int m = 0; m < nMels; m++)
            _blockBins = Math.Max(_blockBins, _start[m] + _count[m]);
        _blockBins = (_blockBins + 7) & ~7;
    }

    /// <summary>Floats the spectrum passed to <see cref="Project"/> must hold: the bins plus the last row's chunk padding.</summary>
    public int SpectrumLength { get; }

    private int Chunks(int m) => (_count[m] + Chunk - 1) / Chunk;

    /// <summary>
    /// mel[m·stride] = Σ_k basis[m, k]·spectrum[k] for every row m, on the widest path <paramref name="width"/> allows
    /// (<see cref="SimdWidth.Scalar"/>: <see cref="ProjectScalar"/>).
    /// </summary>
    public void Project(ReadOnlySpan<float> spectrum, Span<float> mel, int stride, SimdWidth width = SimdWidth.V512)
    {
        int rows = _start.Length;
        if (mel.Length < (rows - 1) * stride + 1 || spectrum.Length < SpectrumLength)
            throw new ArgumentException($"Mel projection: spectrum ({spectrum.Length} of {SpectrumLength}) or destination too short.");
        width = SimdWidths.Clamp(width);
        if (width == SimdWidth.Scalar)
        {
            ProjectScalar(spectrum, mel, stride);
            return;
        }

        ref float w = ref MemoryMarshal.GetArrayDataReference(_weights);
        ref float x = ref MemoryMarshal.GetReference(spectrum);
        ref float d = ref MemoryMarshal.GetReference(mel);
        if (width >= SimdWidth.V256)
        {
            // Lanes: 8 consecutive bins of one row; the row's partial sums meet in one horizontal add at its end.
            for (int m = 0; m < rows; m++)
            {
                ref float wr = ref Unsafe.Add(ref w, _offset[m]);
                ref float xr = ref Unsafe.Add(ref x, _start[m]);
                Vector256<float> acc = Vector256<float>.Zero;
                for (int c = 0, n = Chunks(m) * Chunk; c < n; c += Chunk)
                    acc = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref wr, (nuint)c), Vector256.LoadUnsafe(ref xr, (nuint)c), acc);
                Unsafe.Add(ref d, m * stride) = Vector256.Sum(acc);
            }
        }
        else
        {
            // Lanes: 4 consecutive bins; each 8-float chunk is two 128-bit halves into two accumulators.
            for (int m = 0; m < rows; m++)
            {
                ref float wr = ref Unsafe.Add(ref w, _offset[m]);
                ref float xr = ref Unsafe.Add(ref x, _start[m]);
                Vector128<float> lo = Vector128<float>.Zero, hi = Vector128<float>.Zero;
                for (int c = 0, n = Chunks(m) * Chunk; c < n; c += Chunk)
                {
                    lo = Vector128.FusedMultiplyAdd(Vector128.LoadUnsafe(ref wr, (nuint)c), Vector128.LoadUnsafe(ref xr, (nuint)c), lo);
                    hi = Vector128.FusedMultiplyAdd(Vector128.LoadUnsafe(ref wr, (nuint)(c + 4)), Vector128.LoadUnsafe(ref xr, (nuint)(c + 4)), hi);
                }

                Unsafe.Add(ref d, m * stride) = Vector128.Sum(lo + hi);
            }
        }
    }

    /// <summary>Frames one <see cref="ProjectFrames"/> call takes: 16 lanes (one Vector512, or two Vector256).</summary>
    public const int FrameLanes = 16;

    /// <summary>Floats between two frames' spectra in <see cref="ProjectFrames"/>' input: <see cref="SpectrumLength"/> rounded up to 8.</summary>
    public int FrameStride => (SpectrumLength + 7) & ~7;

    /// <summary>Whether <see cref="ProjectFrames"/> runs here at <paramref name="width"/> (AVX and at least 256-bit vectors).</summary>
    public static bool FramesSupported(SimdWidth width) => Avx.IsSupported && SimdWidths.Clamp(width) >= SimdWidth.V256;

    private float[]? _lanes; // [bins rounded up to 8, FrameLanes]: the spectra bin-major, one frame per lane

    /// <summary>
    /// Projects <paramref name="count"/> (≤ <see cref="FrameLanes"/>) frames at once: mel[m·melStride + t] = Σ_k
    /// basis[m, k]·spectra[t·<see cref="FrameStride"/> + k] for t &lt; count. <paramref name="spectra"/> holds
    /// <see cref="FrameLanes"/> frame-major rows (rows from count on are read and ignored: any finite or non-finite
    /// values); only count columns of each mel row are written, so the output is row-major [n_mels, frames] with no
    /// transpose. Not thread-safe (one scratch per basis). Needs <see cref="FramesSupported"/>.
    /// </summary>
    /// <remarks>
    /// Step 1 transposes the spectra to bin-major [bin, 16 frames] in 8 × 8 blocks (unpack, shuffle, 128-bit permute).
    /// Step 2 walks each mel row's nonzero bins once: the bin's weight, broadcast, times the bin's 16 frames (lanes t),
    /// added into the row's accumulator, so there is no horizontal sum, and the frame-per-call path's padding weights are
    /// not multiplied. Each lane sums its frame in bin order, like <see cref="ProjectScalar"/>, with fused multiply-adds.
    /// </remarks>
    public void ProjectFrames(ReadOnlySpan<float> spectra, int count, Span<float> mel, int melStride, SimdWidth width = SimdWidth.V512)
    {
        int rows = _start.Length, stride = FrameStride;
        if (!FramesSupported(width))
            throw new PlatformNotSupportedException("Mel projection of frame batches needs AVX and 256-bit vectors.");
        if ((uint)count > FrameLanes || spectra.Length < FrameLanes * stride || mel.Length < (rows - 1) * melStride + count)
            throw new ArgumentException($"Mel projection of {count} frames: spectra ({spectra.Length} of {FrameLanes * stride}) or destination too short.");
        if (count == 0) return;
        var lanes = _lanes ??= new float[stride * FrameLanes];

        // 1. Transpose: lanes[k·16 + t] = spectra[t·stride + k], in 8 frames × 8 bins blocks.
        ref float src = ref MemoryMarshal.GetReference(spectra);
        ref float dst = ref MemoryMarshal.GetArrayDataReference(lanes);
        for (int t0 = 0; t0 < FrameLanes; t0 += 8)
        {
            for (int k = 0; k < _blockBins; k += 8)
            {
                ref float r = ref Unsafe.Add(ref src, t0 * stride + k);
                Transpose8x8(
                    Vector256.LoadUnsafe(ref r), Vector256.LoadUnsafe(ref r, (nuint)stride), Vector256.LoadUnsafe(ref r, (nuint)(2 * stride)),
                    Vector256.LoadUnsafe(ref r, (nuint)(3 * stride)), Vector256.LoadUnsafe(ref r, (nuint)(4 * stride)), Vector256.LoadUnsafe(ref r, (nuint)(5 * stride)),
                    Vector256.LoadUnsafe(ref r, (nuint)(6 * stride)), Vector256.LoadUnsafe(ref r, (nuint)(7 * stride)),
                    ref Unsafe.Add(ref dst, k * FrameLanes + t0));
            }
        }

        // 2. Rows: lanes t = frames; one pass over the row's nonzero bins.
        ref float w = ref MemoryMarshal.GetArrayDataReference(_weights);
        ref float d = ref MemoryMarshal.GetReference(mel);
        Span<float> tail = stackalloc float[FrameLanes];
        bool wide = Vector512.IsHardwareAccelerated && SimdWidths.Clamp(width) >= SimdWidth.V512;
        for (int m = 0; m < rows; m++)
        {
            ref float wr = ref Unsafe.Add(ref w, _offset[m]);
            ref float xr = ref Unsafe.Add(ref dst, _start[m] * FrameLanes);
            ref float out0 = ref Unsafe.Add(ref d, m * melStride);
            if (wide)
            {
                Vector512<float> acc = Vector512<float>.Zero;
                for (int k = 0; k < _count[m]; k++)
                    acc = Vector512.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref wr, k)), Vector512.LoadUnsafe(ref xr, (nuint)(k * FrameLanes)), acc);
                if (count == FrameLanes) acc.StoreUnsafe(ref out0);
                else { acc.CopyTo(tail); tail[..count].CopyTo(MemoryMarshal.CreateSpan(ref out0, count)); }
            }
            else
            {
                Vector256<float> lo = Vector256<float>.Zero, hi = Vector256<float>.Zero;
                for (int k = 0; k < _count[m]; k++)
                {
                    var wk = Vector256.Create(Unsafe.Add(ref wr, k));
                    lo = Vector256.FusedMultiplyAdd(wk, Vector256.LoadUnsafe(ref xr, (nuint)(k * FrameLanes)), lo);
                    hi = Vector256.FusedMultiplyAdd(wk, Vector256.LoadUnsafe(ref xr, (nuint)(k * FrameLanes + 8)), hi);
                }
                if (count == FrameLanes) { lo.StoreUnsafe(ref out0); hi.StoreUnsafe(ref out0, 8); }
                else { lo.CopyTo(tail); hi.CopyTo(tail[8..]); tail[..count].CopyTo(MemoryMarshal.CreateSpan(ref out0, count)); }
            }
        }
    }

    /// <summary>
    /// Writes the transpose of the 8 × 8 block whose rows are r0…r7 (8 frames × 8 bins) to 8 rows of
    /// <see cref="FrameLanes"/> floats at <paramref name="o"/>: row j = bin j of the 8 frames.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // optimised from the first call (see ISimdOps)
    private static void Transpose8x8(Vector256<float> r0, Vector256<float> r1, Vector256<float> r2, Vector256<float> r3,
        Vector256<float> r4, Vector256<float> r5, Vector256<float> r6, Vector256<float> r7, ref float o)
    {
        // Per 128-bit half: unpack pairs rows (a0 b0 a1 b1 | a4 b4 a5 b5), the shuffles gather 4 rows' bin j in a half
        // (bins j and j + 4 in the two halves), the permutes join the halves of rows 0–3 and 4–7.
        var t0 = Avx.UnpackLow(r0, r1); var t1 = Avx.UnpackHigh(r0, r1);
        var t2 = Avx.UnpackLow(r2, r3); var t3 = Avx.UnpackHigh(r2, r3);
        var t4 = Avx.UnpackLow(r4, r5); var t5 = Avx.UnpackHigh(r4, r5);
        var t6 = Avx.UnpackLow(r6, r7); var t7 = Avx.UnpackHigh(r6, r7);
        var s0 = Avx.Shuffle(t0, t2, 0x44); var s1 = Avx.Shuffle(t0, t2, 0xEE);
        var s2 = Avx.Shuffle(t1, t3, 0x44); var s3 = Avx.Shuffle(t1, t3, 0xEE);
        var s4 = Avx.Shuffle(t4, t6, 0x44); var s5 = Avx.Shuffle(t4, t6, 0xEE);
        var s6 = Avx.Shuffle(t5, t7, 0x44); var s7 = Avx.Shuffle(t5, t7, 0xEE);
        Avx.Permute2x128(s0, s4, 0x20).StoreUnsafe(ref o, 0 * FrameLanes);
        Avx.Permute2x128(s1, s5, 0x20).StoreUnsafe(ref o, 1 * FrameLanes);
        Avx.Permute2x128(s2, s6, 0x20).StoreUnsafe(ref o, 2 * FrameLanes);
        Avx.Permute2x128(s3, s7, 0x20).StoreUnsafe(ref o, 3 * FrameLanes);
        Avx.Permute2x128(s0, s4, 0x31).StoreUnsafe(ref o, 4 * FrameLanes);
        Avx.Permute2x128(s1, s5, 0x31).StoreUnsafe(ref o, 5 * FrameLanes);
        Avx.Permute2x128(s2, s6, 0x31).StoreUnsafe(ref o, 6 * FrameLanes);
        Avx.Permute2x128(s3, s7, 0x31).StoreUnsafe(ref o, 7 * FrameLanes);
    }

    /// <summary>Scalar twin of <see cref="Project"/>: one multiply-add per nonzero-range weight, in bin order.</summary>
    public void ProjectScalar(ReadOnlySpan<float> spectrum, Span<float> mel, int stride)
    {
        for (int m = 0; m < _start.Length; m++)
        {
            float sum = 0;
            for (int k = 0; k < _count[m]; k++)
                sum += _weights[_offset[m] + k] * spectrum[_start[m] + k];
            mel[m * stride] = sum;
        }
    }
}
