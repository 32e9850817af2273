namespace MusicGenre.Pipeline.Tsne;

/// <summary>How well an embedding keeps neighbourhoods.</summary>
internal static class TsneQuality
{
    /// <summary>
    /// Trustworthiness T(k) (Venna &amp; Kaski 2001): 1 − 2/(n·k·(2n − 3k − 1)) · Σ_i Σ_{j ∈ U_k(i)} (r(i, j) − k), where
    /// U_k(i) are the k nearest neighbours of i in the embedding that are not among its k nearest in the input, and
    /// r(i, j) is j's rank among i's input-space neighbours. 1 = no false neighbours; a random layout scores about 0.5.
    /// O(n² log n); requires k &lt; n/2.
    /// </summary>
    public static double Trustworthiness(float[][] input, TsneResult embedding, int k)
    {
        int n = input.Length;
        if (embedding.Count != n)
            throw new ArgumentException($"embedding has {embedding.Count} points, input {n}", nameof(embedding));
        if (k < 1 || 2 * k >= n)
            throw new ArgumentOutOfRangeException(nameof(k), k, $"need 1 ≤ k < n/2 = {n / 2.0}");

        double penalty = 0;
        var inputRank = new int[n];
        for (int i = 0; i < n; i++)
        {
            // 1. Rank of every point among i's input-space neighbours (1 = nearest).
            int[] byInput = SortedNeighbours(n, i, j => PairwiseDistances.Scalar(input[i], input[j]));
            for (int r = 0; r < byInput.Length; r++) inputRank[byInput[r]] = r + 1;

            // 2. Penalise embedding neighbours that were not input neighbours by how far down they ranked.
            int[] byEmbedding = SortedNeighbours(n, i, j =>
            {
                double dx = embedding.X(i) - embedding.X(j), dy = embedding.Y(i) - embedding.Y(j);
                return dx * dx + dy * dy;
            });
            for (int m = 0; m < k; m++)
            {
                int rank = inputRank[byEmbedding[m]];
                if (rank > k) penalty += rank - k;
            }
        }
        return 1 - 2.0 / (n * k * (2.0 * n - 3.0 * k - 1)) * penalty;
    }

    /// <summary>Fraction of each point's k nearest embedding neighbours that share its label, averaged over points.</summary>
    public static double NeighbourLabelAgreement(TsneResult embedding, IReadOnlyList<int> labels, int k)
    {
        int n = embedding.Count;
        if (labels.Count != n)
            throw new ArgumentException($"{labels.Count} labels for {n} points", nameof(labels));
        if (k < 1 || k >= n)
            throw new ArgumentOutOfRangeException(nameof(k), k, $"need 1 ≤ k < {n}");
        double agree = 0;
        for (int i = 0; i < n; i++)
        {
            int[] order = SortedNeighbours(n, i, j =>
            {
                double dx = embedding.X(i) - embedding.X(j), dy = embedding.Y(i) - embedding.Y(j);
                return dx * dx + dy * dy;
            });
            for (int m = 0; m < k; m++)
                if (labels[order[m]] == labels[i]) agree++;
        }
        return agree / (n * (double)k);
    }

    private static int[] SortedNeighbours(int n, int i, Func<int, double> distance)
    {
        var others = new int[n - 1];
        var keys = new double[n - 1];
        for (int j = 0, m = 0; j < n; j++)
        {
            if (j == i) continue;
            others[m] = j;
            keys[m++] = distance(j);
        }
        Array.Sort(keys, others);
        return others;
    }
}
