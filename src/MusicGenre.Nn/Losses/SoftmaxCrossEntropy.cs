using MusicGenre.Nn.Backends;
using MusicGenre.Nn.Tensors;

namespace MusicGenre.Nn.Losses;

/// <summary>
/// Softmax + cross-entropy with mean reduction (PyTorch <c>CrossEntropyLoss()</c> on logits <c>[N, K]</c> and class
/// indices <c>[N]</c>). <see cref="Forward"/> returns the loss; <see cref="Backward"/> returns dLoss/dlogits.
/// </summary>
internal sealed class SoftmaxCrossEntropy
{
    private readonly IBackend _backend;
    private Tensor? _probs, _dlogits;
    private int[] _labels = [];

    /// <summary>Creates the loss on <paramref name="backend"/>.</summary>
    public SoftmaxCrossEntropy(IBackend backend) => _backend = backend ?? throw new ArgumentNullException(nameof(backend));

    /// <summary>Softmax probabilities <c>[N, K]</c> of the last forward.</summary>
    public Tensor Probabilities => _probs ?? throw new InvalidOperationException("SoftmaxCrossEntropy: no forward yet.");

    /// <summary>Mean cross-entropy of <paramref name="logits"/> <c>[N, K]</c> against <paramref name="labels"/> (N values in 0..K−1).</summary>
    /// <exception cref="ArgumentException">Shape mismatch or a label out of range.</exception>
    public float Forward(Tensor logits, ReadOnlySpan<int> labels)
    {
        if (logits.Shape.Rank != 2) throw new ArgumentException($"SoftmaxCrossEntropy: logits must be [N, K], got {logits.Shape}.", nameof(logits));
        int n = logits.Shape.N, k = logits.Shape[1];
        if (labels.Length != n) throw new ArgumentException($"SoftmaxCrossEntropy: {labels.Length} labels for a batch of {n}.", nameof(labels));
        for (int i = 0; i < n; i++)
            if ((uint)labels[i] >= (uint)k)
                throw new ArgumentOutOfRangeException(nameof(labels), $"SoftmaxCrossEntropy: label {labels[i]} at {i} is outside 0..{k - 1}.");
        var probs = Tensor.Fit(_backend, ref _probs, logits.Shape);
        _labels = labels.ToArray();
        return _backend.SoftmaxCrossEntropyForward(logits, labels, probs);
    }

    /// <summary>dLoss/dlogits = (softmax − onehot)/N for the last forward (a tensor owned by this object).</summary>
    public Tensor Backward()
    {
        var probs = Probabilities;
        var dlogits = Tensor.Fit(_backend, ref _dlogits, probs.Shape);
        _backend.SoftmaxCrossEntropyBackward(probs, _labels, dlogits);
        return dlogits;
    }
}
