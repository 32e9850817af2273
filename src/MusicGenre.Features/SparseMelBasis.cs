using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
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
