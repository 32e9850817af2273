using MusicGenre.Nn.Backends;
using MusicGenre.Nn.Tensors;

namespace MusicGenre.Nn.Training;

/// <summary>
/// Mean cross-entropy against soft targets (mixup): loss = −(1/N)·Σₙ Σₖ t[n,k]·log p[n,k], dlogits = (p − t)/N.
/// The core loss takes class indices only, so this adapter computes the [N, K] part on the host (K = 10: negligible)
/// with the backend's softmax.
/// </summary>
internal sealed class SoftTargetCrossEntropy(IBackend backend)
{
    private Tensor? _probs, _dlogits;
    private float[] _p = [];

    /// <summary>Softmax probabilities <c>[N, K]</c> of the last forward, on the host.</summary>
    public ReadOnlySpan<float> Probabilities => _p;

    /// <summary>Loss of <paramref name="logits"/> <c>[N, K]</c> against <paramref name="targets"/> (N·K values, rows summing to 1); also prepares the gradient.</summary>
    public float Forward(Tensor logits, ReadOnlySpan<float> targets)
    {
        int n = logits.Shape.N, k = logits.Shape[1];
        if (targets.Length != n * k) throw new ArgumentException($"SoftTargetCrossEntropy: {targets.Length} targets for logits {logits.Shape}.", nameof(targets));
        var probs = Tensor.Fit(backend, ref _probs, logits.Shape);
        var dlogits = Tensor.Fit(backend, ref _dlogits, logits.Shape);
        if (_p.Length != n * k) _p = new float[n * k];
        backend.Softmax(logits, probs);
        probs.CopyTo(_p);
        // 1. Loss in double; log of a probability floored at the smallest normal float (a zero probability with a zero target adds nothing).
        double loss = 0;
        for (int i = 0; i < _p.Length; i++)
            if (targets[i] != 0) loss -= targets[i] * Math.Log(Math.Max(_p[i], float.Epsilon));
        // 2. Gradient (p − t)/N, uploaded once.
        var d = new float[_p.Length];
        float invN = 1f / n;
        for (int i = 0; i < d.Length; i++) d[i] = (_p[i] - targets[i]) * invN;
        dlogits.CopyFrom(d);
        return (float)(loss / n);
    }

    /// <summary>dLoss/dlogits of the last forward (owned by this object).</summary>
    public Tensor Backward() => _dlogits ?? throw new InvalidOperationException("SoftTargetCrossEntropy: no forward yet.");
}
