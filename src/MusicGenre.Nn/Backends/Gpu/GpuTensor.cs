using ILGPU;
using ILGPU.Runtime;
using MusicGenre.Nn.Tensors;

namespace MusicGenre.Nn.Backends.Gpu;

/// <summary>
/// A tensor in accelerator memory. Reshaped views share the owner's buffer; only the owner frees it on
/// <see cref="Dispose"/>. Host copies synchronise with the accelerator's default stream.
/// </summary>
internal sealed class GpuTensor : Tensor
{
    private readonly MemoryBuffer1D<float, Stride1D.Dense>? _owned;

    internal GpuTensor(GpuBackend backend, Shape shape, MemoryBuffer1D<float, Stride1D.Dense> buffer, bool owner) : base(backend, shape)
    {
        Buffer = buffer;
        _owned = owner ? buffer : null;
    }

    /// <summary>The device buffer (shared with reshaped views).</summary>
    internal MemoryBuffer1D<float, Stride1D.Dense> Buffer { get; }

    /// <summary>The elements as a kernel argument.</summary>
    internal ArrayView<float> View => Buffer.View;

    /// <inheritdoc />
    public override void CopyFrom(ReadOnlySpan<float> source)
    {
        CheckHostSpan(source.Length, exact: true, nameof(source));
        if (source.Length > 0) View.SubView(0, source.Length).CopyFromCPU(source);
    }

    /// <inheritdoc />
    public override void CopyTo(Span<float> destination)
    {
        CheckHostSpan(destination.Length, exact: false, nameof(destination));
        if (Length > 0) View.SubView(0, Length).CopyToCPU(destination[..Length]);
    }

    /// <inheritdoc />
    public override Tensor Reshape(Shape shape)
    {
        CheckReshape(shape);
        return new GpuTensor((GpuBackend)Backend, shape, Buffer, owner: false);
    }

    /// <inheritdoc />
    public override void Dispose()
    {
        _owned?.Dispose();
        base.Dispose();
    }
}
