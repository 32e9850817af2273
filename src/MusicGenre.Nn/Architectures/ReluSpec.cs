namespace MusicGenre.Nn.Architectures;

/// <summary>ReLU, elementwise.</summary>
internal sealed record ReluSpec : LayerSpec
{
    /// <inheritdoc />
    public override int[] OutputShape(int[] input) => input;
}
