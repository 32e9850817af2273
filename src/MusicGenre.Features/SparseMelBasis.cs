using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace MusicGenre.Features;

/// <summary>
/// The mel filterbank stored by rows without their zero ends: row m covers bins [Start[m], Start[m] + Count[m]),
/// its weights at Weights[Offset[m] ...]. A triangle touches a few dozen bins, so projecting one frame costs about
/// 2·(1 + n_fft/2) multiply-adds instead of n_mels·(1 + n_fft/2).
/// </summary>
internal sealed class SparseMelBasis
{
    public SparseMelBasis(float[] dense, int nMels, int bins)
    {
        Start = new int[nMels];
        Count = new int[nMels];
        Offset = new int[nMels];
        var weights = new List<float>();
        for (int m = 0; m < nMels; m++)
        {
            ReadOnlySpan<float> row = dense.AsSpan(m * bins, bins);
            int first = row.IndexOfAnyExcept(0f);
            int last = row.LastIndexOfAnyExcept(0f);
            Offset[m] = weights.Count;
            if (first < 0)
                continue;
            Start[m] = first;
            Count[m] = last - first + 1;
            for (int k = first; k <= last; k++)
                weights.Add(row[k]);
        }

        Weights = weights.ToArray();
    }

    public int[] Start { get; }

    public int[] Count { get; }

    public int[] Offset { get; }

    public float[] Weights { get; }

    /// <summary>mel[m·stride] = Σ_k basis[m, k]·spectrum[k] for every row m.</summary>
    public void Project(ReadOnlySpan<float> spectrum, Span<float> mel, int stride)
    {
        int rows = Start.Length;
        if (mel.Length < (rows - 1) * stride + 1 || spectrum.Length < Start[rows - 1] + Count[rows - 1])
            throw new ArgumentException("Mel projection: spectrum or destination too short.");
        ref float w = ref MemoryMarshal.GetArrayDataReference(Weights);
        ref float x = ref MemoryMarshal.GetReference(spectrum);
        ref float d = ref MemoryMarshal.GetReference(mel);
        for (int m = 0; m < rows; m++)
        {
            int count = Count[m];
            Unsafe.Add(ref d, m * stride) = VectorMath.Dot(
                MemoryMarshal.CreateReadOnlySpan(ref Unsafe.Add(ref w, Offset[m]), count),
                MemoryMarshal.CreateReadOnlySpan(ref Unsafe.Add(ref x, Start[m]), count));
        }
    }
}
