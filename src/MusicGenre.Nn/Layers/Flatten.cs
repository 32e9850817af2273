using MusicGenre.Nn.Backends;
using MusicGenre.Nn.Tensors;

namespace MusicGenre.Nn.Layers;

/// <summary>Flattens <c>[N, C, H, W]</c> to <c>[N, C·H·W]</c> in C, H, W order (a view; no copy).</summary>
internal sealed class Flatten : ReshapeLayer
{
    /// <summary>Creates the layer.</summary>
    public Flatten(IBackend backend, string name) : base(backend, name) { }

    /// <inheritdoc />
    public override Shape OutputShape(Shape input)
    {
        if (input.Rank < 2) throw new ArgumentException($"Flatten '{Name}': needs a batch dimension, got {input}.");
        return new Shape(input.N, input.Length / Math.Max(input.N, 1));
    }
}
