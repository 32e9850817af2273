namespace MusicGenre.Nn.Architectures;

/// <summary>Views <c>[c, h, w]</c> as <c>[c·h, 1, w]</c> (see <see cref="FoldFrequency"/>); with a global average pool after it, pooling is over time only.</summary>
internal sealed record FoldFrequencySpec : LayerSpec
{
    /// <inheritdoc />
    public override int[] OutputShape(int[] input)
    {
        RequireImage(input, "fold frequency");
        return [input[0] * input[1], 1, input[2]];
    }
}
