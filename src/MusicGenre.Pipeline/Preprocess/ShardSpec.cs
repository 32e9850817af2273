using System.Globalization;
using System.Text;

namespace MusicGenre.Pipeline.Preprocess;

/// <summary>
/// <c>--shard k/N</c>: keep only songs whose stable hash (64-bit FNV-1a of the UTF-8 song id) modulo N equals k, with k
/// 0-based (0 ≤ k &lt; N), so N machines — Slurm array tasks (<c>$SLURM_ARRAY_TASK_ID/N</c>, N written out: a task resubmitted alone sees a task count of 1) or
/// Kubernetes indexed jobs (<c>$JOB_COMPLETION_INDEX</c>) — split a dataset with no coordination: every song lands in
/// exactly one shard, on every machine and .NET version.
/// </summary>
/// <param name="Index">This shard, 0 ≤ Index &lt; Count.</param>
/// <param name="Count">Number of shards ≥ 1.</param>
public readonly record struct ShardSpec(int Index, int Count)
{
    /// <summary>The whole dataset (shard 0 of 1).</summary>
    public static ShardSpec All { get; } = new(0, 1);

    /// <summary>Parses <c>k/N</c>.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is null.</exception>
    /// <exception cref="FormatException">Not two integers separated by '/', N &lt; 1, or k outside 0..N−1.</exception>
    public static ShardSpec Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string[] parts = text.Split('/');
        if (parts.Length != 2
            || !long.TryParse(parts[0].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out long k)
            || !long.TryParse(parts[1].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out long n))
            throw new FormatException($"--shard '{text}' must look like k/N, e.g. 0/4 (k is 0-based)");
        if (n > int.MaxValue) throw new FormatException($"--shard '{text}': N must be at most {int.MaxValue}");
        if (n < 1) throw new FormatException($"--shard '{text}': N must be ≥ 1");
        if (k >= n) throw new FormatException($"--shard '{text}': k must be in 0..{n - 1} (k is 0-based)");
        return new ShardSpec((int)k, (int)n);
    }

    /// <summary>True when <paramref name="songId"/> belongs to this shard.</summary>
    public bool Contains(string songId) => Count <= 1 || StableHash(songId) % (ulong)Count == (ulong)Index;

    /// <summary>64-bit FNV-1a over the UTF-8 bytes of <paramref name="text"/>: identical on every platform and run.</summary>
    public static ulong StableHash(string text)
    {
        const ulong Offset = 14695981039346656037, Prime = 1099511628211;
        ulong hash = Offset;
        foreach (byte b in Encoding.UTF8.GetBytes(text))
        {
            hash ^= b;
            hash *= Prime;
        }
        return hash;
    }

    /// <inheritdoc />
    public override string ToString() => $"{Index}/{Count}";
}
