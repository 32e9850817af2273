namespace MusicGenre.Nn.Architectures;

/// <summary>Inverted dropout with drop probability <see cref="P"/> (train mode only).</summary>
internal sealed record DropoutSpec(float P) : LayerSpec
{
    /// <inheritdoc />
    public override int[] OutputShape(int[] input) => input;
}
