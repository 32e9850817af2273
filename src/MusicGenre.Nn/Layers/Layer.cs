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

    /// <summary>Tensors of other shapes this layer set aside, newest last, to reuse when their shape comes back.</summary>
    private readonly List<Tensor> _spares = [];

    /// <summary>At most this many set-aside tensors per layer (two batch sizes alternating is the common case).</summary>
    internal const int MaxSpares = 4;

    /// <summary>
    /// Returns <paramref name="cached"/> if it has <paramref name="shape"/>; else stores there a tensor of that shape — one
    /// this layer set aside earlier, or a new zeroed one — and sets the old one aside. Batches of two sizes that alternate
    /// (a file of 10 windows in batches of 8 and 2, an epoch's last partial batch) then allocate nothing after the first
    /// round. The contents are whatever the tensor last held: callers overwrite what they use, as for a reused one.
    /// </summary>
    protected Tensor Ensure(ref Tensor? cached, Shape shape)
    {
        if (cached is not null && cached.Shape == shape) return cached;
        int spare = _spares.FindIndex(t => t.Shape == shape);
        Tensor next;
        if (spare >= 0) { next = _spares[spare]; _spares.RemoveAt(spare); }
        else next = Backend.Allocate(shape);
        if (cached is not null)
        {
            _spares.Add(cached);
            if (_spares.Count > MaxSpares) { _spares[0].Dispose(); _spares.RemoveAt(0); }
        }
        cached = next;
        return cached;
    }

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
