using ILGPU;
using ILGPU.Runtime;
using MusicGenre.Nn.Tensors;

namespace MusicGenre.Nn.Backends.Gpu;

/// <summary>
/// A tensor in accelerator memory: the first <see cref="Tensor.Length"/> elements of a buffer. Views share the owner's
/// buffer (which may be longer); only the owner frees it on <see cref="Dispose"/>. Host copies synchronise with the
/// accelerator's default stream.
/// </summary>
internal sealed class GpuTensor : Tensor
{
    private readonly MemoryBuffer1D<float, Stride1D.Dense>? _owned;

    /// <summary>An owner of <paramref name="buffer"/> (at least one element), or a view of <paramref name="storage"/>'s.</summary>
    internal GpuTensor(GpuBackend backend, Shape shape, MemoryBuffer1D<float, Stride1D.Dense> buffer, GpuTensor? storage = null)
        : base(backend, shape, storage)
    {
        if (buffer.Length < shape.Length) throw new ArgumentException($"GpuTensor: {buffer.Length} elements for shape {shape}.");
        Buffer = buffer;
        _owned = storage is null ? buffer : null;
        // The kernels' argument: exactly the tensor's elements (the whole buffer when it is that long; an empty owner
        // keeps its one-element buffer, since ILGPU allocates no empty buffers, and an empty view is an empty view).
        Elements = shape.Length == buffer.Length || (storage is null && shape.Length == 0) ? buffer.View : buffer.View.SubView(0, shape.Length);
    }

    /// <summary>The device buffer (shared with views).</summary>
    internal MemoryBuffer1D<float, Stride1D.Dense> Buffer { get; }

    /// <summary>The elements as a kernel argument.</summary>
    internal ArrayView<float> Elements { get; }

    /// <inheritdoc />
    public override int Capacity => (int)Buffer.Length;

    /// <inheritdoc />
    public override void CopyFrom(ReadOnlySpan<float> source)
    {
        CheckHostSpan(source.Length, exact: true, nameof(source));
        if (source.Length > 0) Elements.SubView(0, source.Length).CopyFromCPU(source);
    }

    /// <inheritdoc />
    public override void CopyTo(Span<float> destination)
    {
        CheckHostSpan(destination.Length, exact: false, nameof(destination));
        if (Length > 0) Elements.SubView(0, Length).CopyToCPU(destination[..Length]);
    }

    /// <inheritdoc />
    protected override Tensor CreateView(Shape shape) => new GpuTensor((GpuBackend)Backend, shape, Buffer, (GpuTensor)Storage);

    /// <inheritdoc />
    public override void Dispose()
    {
        _owned?.Dispose();
        base.Dispose();
    }
}
