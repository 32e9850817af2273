using MusicGenre.Nn.Backends;
using MusicGenre.Nn.Tensors;

namespace MusicGenre.Nn.Layers;

/// <summary>
/// A chain of layers, itself a layer. Parameters and buffers are the layers' in order, so <see cref="Parameters"/> lists
/// the PyTorch state-dict names of the whole network.
/// </summary>
/// <example><code>
/// var net = new Sequential(backend, "net", [conv1, bn1, relu1, pool1, gap, fc]);
/// var logits = net.Forward(x, training: true);
/// float loss = ce.Forward(logits, labels);
/// net.Backward(ce.Backward(), needInputGradient: false);
/// optimizer.Step();
/// </code></example>
internal sealed class Sequential : Layer
{
    private readonly Layer[] _layers;
    private readonly Parameter[] _parameters;
    private readonly NamedTensor[] _buffers;

    /// <summary>Creates the chain; layer names must be unique.</summary>
    public Sequential(IBackend backend, string name, IEnumerable<Layer> layers) : base(backend, name)
    {
        _layers = layers.ToArray();
        var seen = new HashSet<string>();
        foreach (var l in _layers)
        {
            if (!ReferenceEquals(l.Backend, backend))
                throw new ArgumentException($"Sequential '{name}': layer '{l.Name}' is on {l.Backend.Name}, not {backend.Name}.");
            if (!seen.Add(l.Name)) throw new ArgumentException($"Sequential '{name}': duplicate layer name '{l.Name}'.");
        }
        _parameters = _layers.SelectMany(l => l.Parameters).ToArray();
        _buffers = _layers.SelectMany(l => l.Buffers).ToArray();
    }

    /// <summary>The layers in order.</summary>
    public IReadOnlyList<Layer> Layers => _layers;

    /// <inheritdoc />
    public override IReadOnlyList<Parameter> Parameters => _parameters;

    /// <inheritdoc />
    public override IReadOnlyList<NamedTensor> Buffers => _buffers;

    /// <summary>The layer named <paramref name="name"/>.</summary>
    /// <exception cref="KeyNotFoundException">No such layer.</exception>
    public Layer this[string name] => _layers.FirstOrDefault(l => l.Name == name)
        ?? throw new KeyNotFoundException($"Sequential '{Name}' has no layer '{name}' (layers: {string.Join(", ", _layers.Select(l => l.Name))}).");

    /// <inheritdoc />
    public override Shape OutputShape(Shape input)
    {
        foreach (var l in _layers) input = l.OutputShape(input);
        return input;
    }

    /// <inheritdoc />
    public override Tensor Forward(Tensor x, bool training) => Forward(x, training, null);

    /// <summary>Forward, calling <paramref name="observe"/> with each layer and its output (for tests and diagnostics).</summary>
    public Tensor Forward(Tensor x, bool training, Action<Layer, Tensor>? observe)
    {
        foreach (var l in _layers)
        {
            x = l.Forward(x, training);
            observe?.Invoke(l, x);
        }
        return x;
    }

    /// <inheritdoc />
    public override Tensor? Backward(Tensor dy, bool needInputGradient = true) => Backward(dy, needInputGradient, null);

    /// <summary>Backward, calling <paramref name="observe"/> with each layer and dLoss/d(its output) before back-propagating it.</summary>
    public Tensor? Backward(Tensor dy, bool needInputGradient, Action<Layer, Tensor>? observe)
    {
        Tensor? d = dy;
        for (int i = _layers.Length - 1; i >= 0; i--)
        {
            observe?.Invoke(_layers[i], d!);
            d = _layers[i].Backward(d!, needInputGradient || i > 0);
        }
        return d;
    }
}
