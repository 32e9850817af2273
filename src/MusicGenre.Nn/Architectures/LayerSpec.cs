namespace MusicGenre.Nn.Architectures;

/// <summary>
/// One layer of an architecture description: what it is and how it changes the activation shape. Descriptions are
/// plain data so the model file can be validated (names and shapes) without building a network.
/// </summary>
internal abstract record LayerSpec
{
    /// <summary>The output shape (without batch) for an input shape <c>[channels, height, width]</c> or <c>[features]</c>.</summary>
    public abstract int[] OutputShape(int[] input);

    /// <summary>Learnable parameters with PyTorch state-dict names and shapes, for the given input shape.</summary>
    public virtual IEnumerable<TensorSpec> Parameters(int[] input) => [];

    /// <summary>Non-learnable state (BatchNorm running statistics) with PyTorch names and shapes.</summary>
    public virtual IEnumerable<TensorSpec> Buffers(int[] input) => [];

    /// <summary>Throws when an input shape cannot go through this layer (too small, wrong rank).</summary>
    protected static void RequireImage(int[] input, string layer)
    {
        if (input.Length != 3)
            throw new ArgumentException($"{layer} expects [channels, height, width], got [{string.Join(", ", input)}].");
    }
}
