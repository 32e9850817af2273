using MusicGenre.Nn.Backends;
using MusicGenre.Nn.Tensors;

namespace MusicGenre.Nn.Layers;

/// <summary>
/// Inverted dropout: in training, each element is kept with probability <see cref="KeepProbability"/> and scaled by
/// 1/keep; in eval it is the identity. The mask of call k is <see cref="DropoutMask"/> with seed
/// <c>Seed + k·φ</c>, so it is reproducible, backend-independent and resumable (<see cref="CallCount"/> is saved in checkpoints).
/// </summary>
internal sealed class Dropout : Layer
{
    private Tensor? _mask, _y, _dx;
    private bool _trained;

    /// <summary>Creates the layer; <paramref name="keepProbability"/> in (0, 1].</summary>
    public Dropout(IBackend backend, string name, float keepProbability, ulong seed) : base(backend, name)
    {
        if (!(keepProbability > 0 && keepProbability <= 1))
            throw new ArgumentException($"Dropout '{name}': keep probability must be in (0, 1] (got {keepProbability}).");
        KeepProbability = keepProbability;
        Seed = seed;
    }

    /// <summary>Probability of keeping an element (TensorFlow's keep_prob; PyTorch p = 1 − keep).</summary>
    public float KeepProbability { get; }

    /// <summary>Base seed.</summary>
    public ulong Seed { get; }

    /// <summary>Number of training forwards so far (part of the RNG state).</summary>
    public long CallCount { get; set; }

    /// <inheritdoc />
    public override Shape OutputShape(Shape input) => input;

    /// <inheritdoc />
    public override Tensor Forward(Tensor x, bool training)
    {
        CheckBackend(x, "input");
        _trained = training;
        if (!training) return x;
        var y = Ensure(ref _y, x.Shape);
        var mask = Ensure(ref _mask, x.Shape);
        ulong seed = Seed + (ulong)CallCount * DropoutMask.Golden;
        CallCount++;
        Backend.DropoutForward(x, KeepProbability, seed, mask, y);
        return y;
    }

    /// <inheritdoc />
    public override Tensor? Backward(Tensor dy, bool needInputGradient = true)
    {
        if (!needInputGradient) return null;
        if (!_trained) return dy;
        if (_mask is null) throw NoForward();
        var dx = Ensure(ref _dx, dy.Shape);
        Backend.DropoutBackward(dy, _mask, dx);
        return dx;
    }
}
