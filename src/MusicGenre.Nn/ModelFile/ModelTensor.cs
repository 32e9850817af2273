namespace MusicGenre.Nn.ModelFile;

/// <summary>A named host tensor stored in a model file or checkpoint (row-major float32, PyTorch state-dict name).</summary>
/// <param name="Name">State-dict name, e.g. <c>block1.conv.weight</c>.</param>
/// <param name="Shape">Dimensions, e.g. <c>[16, 1, 3, 3]</c>.</param>
/// <param name="Data">Elements, exactly the product of <paramref name="Shape"/>.</param>
internal sealed record ModelTensor(string Name, int[] Shape, float[] Data)
{
    /// <summary>Number of elements the shape calls for.</summary>
    public long ShapeLength => Shape.Aggregate(1L, (a, d) => a * d);

    /// <inheritdoc />
    public override string ToString() => $"{Name} [{string.Join(", ", Shape)}]";
}
