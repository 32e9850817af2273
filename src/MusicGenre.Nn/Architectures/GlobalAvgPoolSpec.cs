namespace MusicGenre.Nn.Architectures;

/// <summary>Mean over height and width: <c>[c, h, w] → [c]</c>; makes the network accept any input length.</summary>
internal sealed record GlobalAvgPoolSpec : LayerSpec
{
    /// <inheritdoc />
    public override int[] OutputShape(int[] input) { RequireImage(input, "global average pool"); return [input[0]]; }
}
