using MusicGenre.Nn.Backends;
using MusicGenre.Nn.Layers;
using MusicGenre.Nn.Tensors;

namespace MusicGenre.Nn.Architectures;

/// <summary>
/// Adapter layer: views <c>[N, C, H, W]</c> as <c>[N, C·H, 1, W]</c> (same row-major storage, no copy), so the core
/// global average pool that follows averages over time only and keeps one feature per (channel, frequency band).
/// Frequency position matters for genre (bass vs. treble), time position does not.
/// </summary>
internal sealed class FoldFrequency : ReshapeLayer
{
    /// <summary>Creates the layer.</summary>
    public FoldFrequency(IBackend backend, string name) : base(backend, name) { }

    /// <inheritdoc />
    public override Shape OutputShape(Shape input)
    {
        RequireRank4(input);
        return new Shape(input.N, input.C * input.H, 1, input.W);
    }
}
