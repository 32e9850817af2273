namespace MusicGenre.Nn.Tensors;

/// <summary>
/// A dense float32 tensor (row-major, NCHW for activations) owned by one <see cref="Backends.IBackend"/>. Storage lives
/// where the backend computes (host memory for the CPU backend, device memory for ILGPU), so layers never touch elements
/// directly: they call backend operations. Create tensors with <see cref="Backends.IBackend.Allocate"/> or
/// <see cref="Backends.IBackend.FromHost"/>; move data in and out with <see cref="CopyFrom"/> / <see cref="CopyTo"/>.
/// </summary>
internal abstract class Tensor : IDisposable
{
    /// <summary>Initialises the shared part of a backend tensor.</summary>
    protected Tensor(Backends.IBackend backend, Shape shape)
    {
        Backend = backend ?? throw new ArgumentNullException(nameof(backend));
        Shape = shape ?? throw new ArgumentNullException(nameof(shape));
    }

    /// <summary>The backend that owns the storage; operations must use tensors of one backend only.</summary>
    public Backends.IBackend Backend { get; }

    /// <summary>The shape.</summary>
    public Shape Shape { get; }

    /// <summary>Element count (= <c>Shape.Length</c>).</summary>
    public int Length => Shape.Length;

    /// <summary>Copies <paramref name="source"/> (row-major, exactly <see cref="Length"/> elements) into the tensor.</summary>
    public abstract void CopyFrom(ReadOnlySpan<float> source);

    /// <summary>Copies the tensor into <paramref name="destination"/> (at least <see cref="Length"/> elements).</summary>
    public abstract void CopyTo(Span<float> destination);

    /// <summary>A view with another shape of the same element count, sharing storage (e.g. flatten NCHW to [N, C·H·W]).</summary>
    public abstract Tensor Reshape(Shape shape);

    /// <summary>The elements copied to a new host array.</summary>
    public float[] ToArray()
    {
        var a = new float[Length];
        CopyTo(a);
        return a;
    }

    /// <summary>Releases backend storage (a no-op on the CPU backend; views never free shared storage).</summary>
    public virtual void Dispose() => GC.SuppressFinalize(this);

    /// <summary>Describes the tensor for messages.</summary>
    public override string ToString() => $"Tensor{Shape} on {Backend.Name}";

    /// <summary>Throws a clear error when <paramref name="shape"/> has a different element count (for <see cref="Reshape"/>).</summary>
    protected void CheckReshape(Shape shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        if (shape.Length != Length)
            throw new ArgumentException($"Cannot reshape {Shape} ({Length} elements) to {shape} ({shape.Length} elements).", nameof(shape));
    }

    /// <summary>Throws a clear error when a host span passed to <see cref="CopyFrom"/>/<see cref="CopyTo"/> has the wrong size.</summary>
    protected void CheckHostSpan(int length, bool exact, string parameter)
    {
        if (exact ? length != Length : length < Length)
            throw new ArgumentException($"{parameter}: {length} elements for a tensor {Shape} of {Length} elements.", parameter);
    }
}
