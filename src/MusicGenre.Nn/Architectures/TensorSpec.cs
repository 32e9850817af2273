namespace MusicGenre.Nn.Architectures;

/// <summary>A named tensor shape, e.g. <c>conv1.weight [149, 1, 4, 4]</c>.</summary>
internal sealed record TensorSpec(string Name, int[] Shape)
{
    /// <summary>Number of elements.</summary>
    public long Length => Shape.Aggregate(1L, (a, d) => a * d);

    /// <inheritdoc />
    public override string ToString() => $"{Name} [{string.Join(", ", Shape)}]";
}
