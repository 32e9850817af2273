using MusicGenre.Nn.Backends;
using MusicGenre.Nn.Tensors;

namespace MusicGenre.Nn.Layers;

/// <summary>
/// A network layer with forward and backward side by side. <see cref="Forward"/> returns an output tensor the layer owns
/// (reused across calls while the input shape is unchanged, valid until the next forward) and keeps what the backward
/// pass needs; <see cref="Backward"/> takes dLoss/dOutput, writes every parameter gradient (overwriting) and returns
/// dLoss/dInput (owned by the layer) unless asked not to. A layer is used by one thread at a time.
/// </summary>
internal abstract class Layer
{
    private static readonly IReadOnlyList<Parameter> NoParameters = [];
    private static readonly IReadOnlyList<NamedTensor> NoBuffers = [];

    /// <summary>Creates a layer named <paramref name="name"/> (the state-dict prefix, e.g. <c>conv1</c>) on <paramref name="backend"/>.</summary>
    protected Layer(IBackend backend, string name)
    {
        Backend = backend ?? throw new ArgumentNullException(nameof(backend));
        Name = name ?? throw new ArgumentNullException(nameof(name));
    }

    /// <summary>The backend all of this layer's tensors live on.</summary>
    public IBackend Backend { get; }

    /// <summary>The state-dict prefix (<c>conv1</c>); parameters are named <c>{Name}.weight</c> etc.</summary>
    public string Name { get; }

    /// <summary>Trainable parameters, in PyTorch state-dict order.</summary>
    public virtual IReadOnlyList<Parameter> Parameters => NoParameters;

    /// <summary>Non-trainable state saved with the model (BatchNorm running statistics).</summary>
    public virtual IReadOnlyList<NamedTensor> Buffers => NoBuffers;

    /// <summary>The output shape for an input of <paramref name="input"/> (validates it, with a clear message).</summary>
    public abstract Shape OutputShape(Shape input);

    /// <summary>Computes the output; <paramref name="training"/> selects train behaviour (batch statistics, dropout).</summary>
    public abstract Tensor Forward(Tensor x, bool training);

    /// <summary>
    /// Back-propagates <paramref name="dy"/> (shape of the last output): writes parameter gradients and returns dLoss/dx,
    /// or null when <paramref name="needInputGradient"/> is false (the first layer).
    /// </summary>
    public abstract Tensor? Backward(Tensor dy, bool needInputGradient = true);

    /// <inheritdoc />
    public override string ToString() => $"{GetType().Name} {Name}";

    /// <summary>
    /// Returns <paramref name="cached"/> if it has <paramref name="shape"/>, else a tensor of that shape stored there: a
    /// view of the same storage when it is large enough, or a new one (<see cref="Tensor.Fit"/>). Each slot of a layer
    /// (output, input gradient, mask) so holds one storage of the largest batch seen, whatever crop lengths and batch
    /// sizes come and go. The contents are whatever the storage last held: callers overwrite every element.
    /// </summary>
    protected Tensor Ensure(ref Tensor? cached, Shape shape) => Tensor.Fit(Backend, ref cached, shape);

    /// <summary>Throws a clear error when <paramref name="x"/> is not on this layer's backend.</summary>
    protected void CheckBackend(Tensor x, string what)
    {
        if (!ReferenceEquals(x.Backend, Backend))
            throw new ArgumentException($"{GetType().Name} '{Name}': {what} is on {x.Backend.Name}, the layer on {Backend.Name}.");
    }

    /// <summary>Throws when <see cref="Backward"/> is called before <see cref="Forward"/>.</summary>
    protected InvalidOperationException NoForward() =>
        new($"{GetType().Name} '{Name}': Backward called before a training Forward.");

    /// <summary>Throws a clear error when <paramref name="s"/> is not rank 4 (NCHW).</summary>
    protected void RequireRank4(Shape s)
    {
        if (s.Rank != 4) throw new ArgumentException($"{GetType().Name} '{Name}': expects an NCHW input [N, C, H, W], got {s}.");
    }
}
