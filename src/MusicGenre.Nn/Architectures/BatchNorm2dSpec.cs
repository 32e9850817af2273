namespace MusicGenre.Nn.Architectures;

/// <summary>
/// BatchNorm2d (eps 1e-5, momentum 0.1, affine) with PyTorch's parameter and buffer names. PyTorch's integer
/// <c>num_batches_tracked</c> is not a tensor here (it is unused with a fixed momentum); checkpoints save it separately.
/// </summary>
internal sealed record BatchNorm2dSpec(string Name) : LayerSpec
{
    /// <inheritdoc />
    public override int[] OutputShape(int[] input) { RequireImage(input, Name); return input; }

    /// <inheritdoc />
    public override IEnumerable<TensorSpec> Parameters(int[] input) =>
        [new(Name + ".weight", [input[0]]), new(Name + ".bias", [input[0]])];

    /// <inheritdoc />
    public override IEnumerable<TensorSpec> Buffers(int[] input) =>
        [new(Name + ".running_mean", [input[0]]), new(Name + ".running_var", [input[0]])];
}
