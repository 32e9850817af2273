namespace MusicGenre.Nn.Tensors;

/// <summary>
/// A dense float32 tensor (row-major, NCHW for activations) owned by one <see cref="Backends.IBackend"/>. Storage lives
/// where the backend computes (host memory for the CPU backend, device memory for ILGPU), so layers never touch elements
/// directly: they call backend operations. Create tensors with <see cref="Backends.IBackend.Allocate"/> or
/// <see cref="Backends.IBackend.FromHost"/>; move data in and out with <see cref="CopyFrom"/> / <see cref="CopyTo"/>.
/// A tensor is either the owner of its storage or a view of another tensor's (<see cref="Reshape"/>, <see cref="View"/>):
/// a view holds the first <see cref="Length"/> elements of the owner's <see cref="Capacity"/>.
/// </summary>
internal abstract class Tensor : IDisposable
{
    /// <summary>Initialises the shared part of a backend tensor; <paramref name="storage"/> is the owner of a view, null for an owner.</summary>
    protected Tensor(Backends.IBackend backend, Shape shape, Tensor? storage)
    {
        Backend = backend ?? throw new ArgumentNullException(nameof(backend));
        Shape = shape ?? throw new ArgumentNullException(nameof(shape));
        Storage = storage?.Storage ?? this;
    }

    /// <summary>The tensor that owns the storage: this one, or the owner this is a view of.</summary>
    public Tensor Storage { get; }

    /// <summary>Elements the storage holds (≥ <see cref="Length"/>; more for a view of a larger tensor).</summary>
    public abstract int Capacity { get; }

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
    public Tensor Reshape(Shape shape)
    {
        CheckReshape(shape);
        return CreateView(shape);
    }

    /// <summary>
    /// A view of the storage's first <c>shape.Length</c> elements (at most <see cref="Capacity"/>) with
    /// <paramref name="shape"/>: what the storage held stays there, laid out as the new shape reads it.
    /// </summary>
    public Tensor View(Shape shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        if (shape.Length > Capacity)
            throw new ArgumentException($"Cannot view {shape} ({shape.Length} elements) in the storage of {Shape} ({Capacity} elements).", nameof(shape));
        return CreateView(shape);
    }

    /// <summary>A tensor of <paramref name="shape"/> (checked by the caller) over this tensor's storage.</summary>
    protected abstract Tensor CreateView(Shape shape);

    /// <summary>
    /// Returns <paramref name="cached"/> if it has <paramref name="shape"/>; else stores there a tensor of that shape: a
    /// view of its storage when that holds enough elements, or a new zeroed tensor of <paramref name="backend"/> (the old
    /// storage disposed). A holder of one tensor whose shape changes from call to call (random crop lengths, an epoch's
    /// last partial batch, validation batches) then keeps one storage of the largest shape so far, and allocates only
    /// when a larger one comes. The contents are whatever the storage last held, in another layout when the shape
    /// changed: callers overwrite every element they read, as for a reused tensor of the same shape.
    /// </summary>
    public static Tensor Fit(Backends.IBackend backend, ref Tensor? cached, Shape shape)
    {
        ArgumentNullException.ThrowIfNull(backend);
        ArgumentNullException.ThrowIfNull(shape);
        if (cached is not null && ReferenceEquals(cached.Backend, backend))
        {
            if (cached.Shape == shape) return cached;
            if (shape.Length <= cached.Capacity) return cached = cached.View(shape);
        }
        // The slot is emptied before the new storage is asked for: if that allocation fails (device out of memory), the
        // holder is left with nothing rather than with a view of freed memory.
        Release(ref cached);
        return cached = backend.Allocate(shape);
    }

    /// <summary>
    /// Frees the storage behind <paramref name="cached"/> (a tensor <see cref="Fit"/> keeps, which may be a view of it)
    /// and empties the slot. Disposing a view alone frees nothing.
    /// </summary>
    public static void Release(ref Tensor? cached)
    {
        var storage = cached?.Storage;
        cached = null;
        storage?.Dispose();
    }

    /// <summary>The elements copied to a new host array.</summary>
    public float[] ToArray()
    {
        var a = new float[Length];
        CopyTo(a);
        return a;
    }

    /// <summary>Releases the storage if this tensor owns it (views never free shared storage).</summary>
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
