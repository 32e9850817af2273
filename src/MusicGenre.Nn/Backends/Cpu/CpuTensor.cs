using MusicGenre.Nn.Tensors;

namespace MusicGenre.Nn.Backends.Cpu;

/// <summary>A tensor in host memory: a float array of exactly <see cref="Tensor.Length"/> elements (views share it).</summary>
internal sealed class CpuTensor : Tensor
{
    internal CpuTensor(CpuBackend backend, Shape shape, float[] data) : base(backend, shape)
    {
        if (data.Length != shape.Length) throw new ArgumentException($"CpuTensor: {data.Length} elements for shape {shape}.");
        Data = data;
    }

    /// <summary>The storage (row-major).</summary>
    public float[] Data { get; }

    /// <summary>The elements as a span.</summary>
    public Span<float> Span => Data;

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
        Data.AsSpan().CopyTo(destination);
    }

    /// <inheritdoc />
    public override Tensor Reshape(Shape shape)
    {
        CheckReshape(shape);
        return new CpuTensor((CpuBackend)Backend, shape, Data);
    }
}
