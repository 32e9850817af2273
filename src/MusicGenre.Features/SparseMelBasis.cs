using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using MusicGenre.Features.Fft;

namespace MusicGenre.Features;

/// <summary>
/// The mel filterbank stored by rows without their zero ends: row m covers bins [Start[m], Start[m] + Count[m]),
/// its weights at Weights[Offset[m] ...]. A triangle touches a few dozen bins, so projecting one frame costs about
/// 2·(1 + n_fft/2) multiply-adds instead of n_mels·(1 + n_fft/2).
/// </summary>
/// <remarks>
/// The vector path keeps a second copy of the weights with every row padded by zeros to whole chunks of
/// <see cref="Chunk"/> floats, so one row is a fixed number of full-width multiply-adds and one horizontal sum, with no
/// scalar tail: the low mel rows touch only 1–3 bins, and a tail loop there cost more than the arithmetic. The padded
/// reads run up to <see cref="SpectrumLength"/> − 1; the spectrum must be that long, with zeros (or any finite values)
/// past the last bin: they meet zero weights.
/// </remarks>
internal sealed class SparseMelBasis
{
    /// <summary>Floats per padded chunk: one Vector256 (two Vector128 on 128-bit hardware).</summary>
    public const int Chunk = 8;

    private readonly float[] _padded;      // row m: Chunks[m]·Chunk weights from PaddedOffset[m], zeros past Count[m]
    private readonly int[] _paddedOffset;
    private readonly int[] _chunks;

    public SparseMelBasis(float[] dense, int nMels, int bins)
    {
        Start = new int[nMels];
        Count = new int[nMels];
        Offset = new int[nMels];
        _paddedOffset = new int[nMels];
        _chunks = new int[nMels];
        var weights = new List<float>();
        var padded = new List<float>();
        SpectrumLength = bins;
        for (int m = 0; m < nMels; m++)
        {
            ReadOnlySpan<float> row = dense.AsSpan(m * bins, bins);
            int first = row.IndexOfAnyExcept(0f);
            int last = row.LastIndexOfAnyExcept(0f);
            Offset[m] = weights.Count;
            _paddedOffset[m] = padded.Count;
            if (first < 0)
                continue;
            Start[m] = first;
            Count[m] = last - first + 1;
            _chunks[m] = (Count[m] + Chunk - 1) / Chunk;
            for (int k = first; k <= last; k++)
                weights.Add(row[k]);
            for (int k = 0; k < _chunks[m] * Chunk; k++)
                padded.Add(k < Count[m] ? row[first + k] : 0f);
            SpectrumLength = Math.Max(SpectrumLength, first + _chunks[m] * Chunk);
        }

        Weights = weights.ToArray();
        _padded = padded.ToArray();
    }

    public int[] Start { get; }

    public int[] Count { get; }

    public int[] Offset { get; }

    public float[] Weights { get; }

    /// <summary>Floats the spectrum passed to <see cref="Project"/> must hold: the bins plus the last row's chunk padding.</summary>
    public int SpectrumLength { get; }

    /// <summary>
    /// mel[m·stride] = Σ_k basis[m, k]·spectrum[k] for every row m, on the widest path <paramref name="width"/> allows
    /// (<see cref="SimdWidth.Scalar"/>: <see cref="ProjectScalar"/>).
    /// </summary>
    public void Project(ReadOnlySpan<float> spectrum, Span<float> mel, int stride, SimdWidth width = SimdWidth.V512)
    {
        int rows = Start.Length;
        if (mel.Length < (rows - 1) * stride + 1 || spectrum.Length < SpectrumLength)
            throw new ArgumentException($"Mel projection: spectrum ({spectrum.Length} of {SpectrumLength}) or destination too short.");
        width = SimdWidths.Clamp(width);
        if (width == SimdWidth.Scalar)
        {
            ProjectScalar(spectrum, mel, stride);
            return;
        }

        ref float w = ref MemoryMarshal.GetArrayDataReference(_padded);
        ref float x = ref MemoryMarshal.GetReference(spectrum);
        ref float d = ref MemoryMarshal.GetReference(mel);
        if (width >= SimdWidth.V256)
        {
            // Lanes: 8 consecutive bins of one row; the row's partial sums meet in one horizontal add at its end.
            for (int m = 0; m < rows; m++)
            {
                ref float wr = ref Unsafe.Add(ref w, _paddedOffset[m]);
                ref float xr = ref Unsafe.Add(ref x, Start[m]);
                Vector256<float> acc = Vector256<float>.Zero;
                for (int c = 0, n = _chunks[m] * Chunk; c < n; c += Chunk)
                    acc = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref wr, (nuint)c), Vector256.LoadUnsafe(ref xr, (nuint)c), acc);
                Unsafe.Add(ref d, m * stride) = Vector256.Sum(acc);
            }
        }
        else
        {
            // Lanes: 4 consecutive bins; each 8-float chunk is two 128-bit halves into two accumulators.
            for (int m = 0; m < rows; m++)
            {
                ref float wr = ref Unsafe.Add(ref w, _paddedOffset[m]);
                ref float xr = ref Unsafe.Add(ref x, Start[m]);
                Vector128<float> lo = Vector128<float>.Zero, hi = Vector128<float>.Zero;
                for (int c = 0, n = _chunks[m] * Chunk; c < n; c += Chunk)
                {
                    lo = Vector128.FusedMultiplyAdd(Vector128.LoadUnsafe(ref wr, (nuint)c), Vector128.LoadUnsafe(ref xr, (nuint)c), lo);
                    hi = Vector128.FusedMultiplyAdd(Vector128.LoadUnsafe(ref wr, (nuint)(c + 4)), Vector128.LoadUnsafe(ref xr, (nuint)(c + 4)), hi);
                }

                Unsafe.Add(ref d, m * stride) = Vector128.Sum(lo + hi);
            }
        }
    }

    /// <summary>Scalar twin of <see cref="Project"/>: one multiply-add per stored weight, in bin order.</summary>
    public void ProjectScalar(ReadOnlySpan<float> spectrum, Span<float> mel, int stride)
    {
        for (int m = 0; m < Start.Length; m++)
        {
            float sum = 0;
            for (int k = 0; k < Count[m]; k++)
                sum += Weights[Offset[m] + k] * spectrum[Start[m] + k];
            mel[m * stride] = sum;
        }
    }
}
