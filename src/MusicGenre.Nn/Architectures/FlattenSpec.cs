namespace MusicGenre.Nn.Architectures;

/// <summary>Flatten in C, H, W order: <c>[c, h, w] → [c·h·w]</c>.</summary>
internal sealed record FlattenSpec : LayerSpec
{
    /// <inheritdoc />
    public override int[] OutputShape(int[] input) => [input.Aggregate(1, (a, d) => checked(a * d))];
}
