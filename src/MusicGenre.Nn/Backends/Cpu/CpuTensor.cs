using MusicGenre.Nn.Tensors;

namespace MusicGenre.Nn.Backends.Cpu;

/// <summary>
/// A tensor in host memory: the first <see cref="Tensor.Length"/> elements of a float array (views share the owner's
/// array, which may be longer: kernels must take <see cref="Span"/> or index by the shape, never by the array's length).
/// </summary>
internal sealed class CpuTensor : Tensor
{
    private bool _disposed;

    internal CpuTensor(CpuBackend backend, Shape shape, float[] data, CpuTensor? storage = null) : base(backend, shape, storage)
    {
        if (data.Length < shape.Length) throw new ArgumentException($"CpuTensor: {data.Length} elements for shape {shape}.");
        Data = data;
    }

    /// <summary>The storage (row-major): the tensor is its first <see cref="Tensor.Length"/> elements.</summary>
    public float[] Data { get; }

    /// <summary>The tensor's elements as a span (exactly <see cref="Tensor.Length"/>).</summary>
    public Span<float> Span => Data.AsSpan(0, Length);

    /// <inheritdoc />
    public override int Capacity => Data.Length;

    /// <inheritdoc />
    public override void CopyFrom(ReadOnlySpan<float> source)
    {
        CheckHostSpan(source.Length, exact: true, nameof(source));
        source.CopyTo(Data);
    }

    /// <inheritdoc />
    public override void CopyTo(Span<float> destination)
    {
        CheckHostSpan(destination.Length, exact: false, nameof(destination));
        Span.CopyTo(destination);
    }

    /// <inheritdoc />
    protected override Tensor CreateView(Shape shape) => new CpuTensor((CpuBackend)Backend, shape, Data, (CpuTensor)Storage);

    /// <summary>The GC frees the array; an owner's first dispose takes it off the backend's count of live floats.</summary>
    public override void Dispose()
    {
        if (ReferenceEquals(Storage, this) && !_disposed)
        {
            _disposed = true;
            ((CpuBackend)Backend).Released(Data.Length);
        }
        base.Dispose();
    }
}
