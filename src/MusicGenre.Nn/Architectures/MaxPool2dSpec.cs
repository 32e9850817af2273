namespace MusicGenre.Nn.Architectures;

/// <summary>
/// Max pooling without padding. With <see cref="Ceil"/> a partial last window is kept and clipped (PyTorch
/// ceil_mode, equal to TensorFlow 'SAME' pooling when stride = kernel).
/// </summary>
internal sealed record MaxPool2dSpec(int Kernel, int Stride, bool Ceil) : LayerSpec
{
    /// <inheritdoc />
    public override int[] OutputShape(int[] input)
    {
        RequireImage(input, "maxpool");
        return [input[0], Out(input[1]), Out(input[2])];
    }

    private int Out(int n)
    {
        if (!Ceil)
        {
            if (n < Kernel) throw new ArgumentException($"maxpool {Kernel}: input extent {n} is smaller than the window.");
            return (n - Kernel) / Stride + 1;
        }
        // PyTorch: ceil((n − k) / s) + 1, minus one when the last window would start past the input.
        int o = (int)Math.Ceiling((double)(n - Kernel) / Stride) + 1;
        if ((o - 1) * Stride >= n) o--;
        return Math.Max(o, 1);
    }
}
