using System.Globalization;

namespace MusicGenre.Nn.Architectures;

/// <summary>
/// A complete network description: the preset name and hyper-parameters it was made from, the input it takes
/// (<c>[channels, mels, frames]</c> per segment) and the layer list. Parameter names follow PyTorch state dicts.
/// </summary>
internal sealed class ArchitectureSpec
{
    public ArchitectureSpec(string name, IReadOnlyDictionary<string, double> hyperParameters, int inputChannels, int mels,
        int frames, int minFrames, bool anyLength, int classes, IReadOnlyList<LayerSpec> layers)
    {
        Name = name; HyperParameters = hyperParameters; InputChannels = inputChannels; Mels = mels; Frames = frames;
        MinFrames = minFrames; AcceptsAnyLength = anyLength; Classes = classes; Layers = layers;
    }

    /// <summary>Preset name (<c>default</c>, <c>lachmish2016</c>).</summary>
    public string Name { get; }

    /// <summary>Every hyper-parameter with its value (defaults filled in), sorted by name.</summary>
    public IReadOnlyDictionary<string, double> HyperParameters { get; }

    /// <summary>Input channels per segment.</summary>
    public int InputChannels { get; }

    /// <summary>Mel bands (input height).</summary>
    public int Mels { get; }

    /// <summary>Nominal frames per segment (input width) the network is trained on.</summary>
    public int Frames { get; }

    /// <summary>Smallest number of frames the network accepts.</summary>
    public int MinFrames { get; }

    /// <summary>True when any frame count ≥ <see cref="MinFrames"/> works (global pooling); false when exactly <see cref="Frames"/> is needed.</summary>
    public bool AcceptsAnyLength { get; }

    /// <summary>Number of output classes (genres).</summary>
    public int Classes { get; }

    /// <summary>Layers in order.</summary>
    public IReadOnlyList<LayerSpec> Layers { get; }

    /// <summary>Input shape of each layer and the final output shape (without batch) for a segment of <paramref name="frames"/> frames.</summary>
    public IReadOnlyList<int[]> ShapeTrace(int frames)
    {
        CheckFrames(frames);
        var shapes = new List<int[]> { new[] { InputChannels, Mels, frames } };
        foreach (var layer in Layers) shapes.Add(layer.OutputShape(shapes[^1]));
        return shapes;
    }

    /// <summary>Learnable parameters in network order (names and shapes), at the nominal frame count.</summary>
    public IReadOnlyList<TensorSpec> ParameterSpecs()
    {
        var shapes = ShapeTrace(Frames);
        return Layers.SelectMany((l, i) => l.Parameters(shapes[i])).ToList();
    }

    /// <summary>BatchNorm running statistics in network order (names and shapes).</summary>
    public IReadOnlyList<TensorSpec> BufferSpecs()
    {
        var shapes = ShapeTrace(Frames);
        return Layers.SelectMany((l, i) => l.Buffers(shapes[i])).ToList();
    }

    /// <summary>Total number of learnable scalars.</summary>
    public long ParameterCount => ParameterSpecs().Sum(p => p.Length);

    /// <summary>Throws <see cref="ArgumentException"/> when a segment of this many frames cannot be fed to the network.</summary>
    public void CheckFrames(int frames)
    {
        if (AcceptsAnyLength ? frames < MinFrames : frames != Frames)
            throw new ArgumentException(AcceptsAnyLength
                ? $"Architecture '{Name}' needs at least {MinFrames} frames per segment, got {frames}."
                : $"Architecture '{Name}' needs exactly {Frames} frames per segment, got {frames}.", nameof(frames));
    }

    /// <inheritdoc />
    public override string ToString() => $"{Name}({string.Join(", ", HyperParameters.Select(kv => string.Create(CultureInfo.InvariantCulture, $"{kv.Key}={kv.Value}")))})";
}
