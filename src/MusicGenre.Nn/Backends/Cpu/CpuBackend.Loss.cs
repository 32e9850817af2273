using MusicGenre.Nn.Tensors;

namespace MusicGenre.Nn.Backends.Cpu;

internal sealed partial class CpuBackend
{
    /// <inheritdoc />
    public void Softmax(Tensor logits, Tensor probs) => SoftmaxRows(logits, probs, "Softmax");

    /// <inheritdoc />
    public float SoftmaxCrossEntropyForward(Tensor logits, ReadOnlySpan<int> labels, Tensor probs)
    {
        // logits, probs [N, K]; loss = −(1/N)·Σₙ (z[n, y] − max − log Σ exp(z − max)), in double.
        var (n, k) = SoftmaxRows(logits, probs, "SoftmaxCrossEntropyForward");
        Require(labels.Length == n, "SoftmaxCrossEntropyForward", $"{labels.Length} labels for {n} rows.");
        var zs = D(logits);
        double total = 0;
        for (int r = 0; r < n; r++)
        {
            if ((uint)labels[r] >= (uint)k)
                throw new ArgumentOutOfRangeException(nameof(labels), $"SoftmaxCrossEntropyForward: label {labels[r]} at {r} is outside 0..{k - 1}.");
            var row = zs.AsSpan(r * k, k);
            double max = double.NegativeInfinity, sum = 0;
            foreach (float v in row) max = Math.Max(max, v);
            foreach (float v in row) sum += Math.Exp(v - max);
            total += Math.Log(sum) - (row[labels[r]] - max);
        }
        return (float)(total / n);
    }

    /// <inheritdoc />
    public void SoftmaxCrossEntropyBackward(Tensor probs, ReadOnlySpan<int> labels, Tensor dlogits)
    {
        Require(probs.Shape.Rank == 2 && dlogits.Length == probs.Length, "SoftmaxCrossEntropyBackward", $"probs {probs.Shape} and dlogits {dlogits.Shape} must be equal [N, K].");
        int n = probs.Shape.N, k = probs.Shape[1];
        Require(labels.Length == n, "SoftmaxCrossEntropyBackward", $"{labels.Length} labels for {n} rows.");
        var ps = D(probs); var ds = D(dlogits);
        float invN = 1f / n;
        for (int r = 0; r < n; r++)
        {
            if ((uint)labels[r] >= (uint)k)
                throw new ArgumentOutOfRangeException(nameof(labels), $"SoftmaxCrossEntropyBackward: label {labels[r]} at {r} is outside 0..{k - 1}.");
            for (int j = 0; j < k; j++) ds[r * k + j] = (ps[r * k + j] - (j == labels[r] ? 1f : 0f)) * invN;
        }
    }

    private (int N, int K) SoftmaxRows(Tensor logits, Tensor probs, string op)
    {
        Require(logits.Shape.Rank == 2 && probs.Length == logits.Length, op, $"logits {logits.Shape} and probs {probs.Shape} must be equal [N, K].");
        int n = logits.Shape.N, k = logits.Shape[1];
        var zs = D(logits); var ps = D(probs);
        for (int r = 0; r < n; r++)
        {
            double max = double.NegativeInfinity, sum = 0;
            for (int j = 0; j < k; j++) max = Math.Max(max, zs[r * k + j]);
            for (int j = 0; j < k; j++) sum += Math.Exp(zs[r * k + j] - max);
            for (int j = 0; j < k; j++) ps[r * k + j] = (float)(Math.Exp(zs[r * k + j] - max) / sum);
        }
        return (n, k);
    }
}
