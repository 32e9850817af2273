namespace MusicGenre.Nn.Architectures;

/// <summary>Fully connected layer <c>y = x·Wᵀ + b</c>, weight <c>[out, in]</c>.</summary>
internal sealed record DenseSpec(string Name, int OutFeatures) : LayerSpec
{
    /// <inheritdoc />
    public override int[] OutputShape(int[] input)
    {
        if (input.Length != 1) throw new ArgumentException($"{Name} expects a flat [features] input, got [{string.Join(", ", input)}].");
        return [OutFeatures];
    }

    /// <inheritdoc />
    public override IEnumerable<TensorSpec> Parameters(int[] input) =>
        [new(Name + ".weight", [OutFeatures, input[0]]), new(Name + ".bias", [OutFeatures])];
}
