using System.Runtime.Intrinsics;
using MusicGenre.Nn.Tensors;

namespace MusicGenre.Nn.Backends.Cpu;

/// <summary>
/// The production CPU backend: Span + Vector128/256/512 SIMD at the widest width the CPU accelerates (scalar twins otherwise), multi-threaded with
/// <see cref="Parallel.For(int, int, ParallelOptions, Action{int})"/> over a configurable thread count. Every reduction
/// is owned by one work item and summed in a fixed order, so results are bitwise identical run to run (and do not
/// depend on the thread count). Operations are split by kind across <c>CpuBackend.*.cs</c>.
/// </summary>
internal sealed partial class CpuBackend : IBackend
{
    private readonly ParallelOptions _parallel;

    /// <summary>Creates the backend using <paramref name="threadCount"/> worker threads (≥ 1).</summary>
    public CpuBackend(int threadCount = 0)
    {
        if (threadCount < 0) throw new ArgumentOutOfRangeException(nameof(threadCount), threadCount, "Thread count must be >= 1 (0 = all processors).");
        ThreadCount = threadCount == 0 ? Environment.ProcessorCount : threadCount;
        _parallel = new ParallelOptions { MaxDegreeOfParallelism = ThreadCount };
    }

    /// <summary>Worker threads.</summary>
    public int ThreadCount { get; }

    /// <summary>
    /// The weights never change once set (<see cref="BackendOptions.FixedWeights"/>: inference): convolution filters are
    /// prepared once per weight tensor and kept for the backend's life.
    /// </summary>
    public bool FixedWeights { get; init; }

    /// <inheritdoc />
    public string Name => $"cpu ({ThreadCount} thread{(ThreadCount == 1 ? "" : "s")}, {SimdName})";

    /// <inheritdoc />
    public DeviceKind Kind => DeviceKind.Cpu;

    /// <summary>The widest accelerated vector width in use.</summary>
    internal static string SimdName => Vector512.IsHardwareAccelerated ? "Vector512"
        : Vector256.IsHardwareAccelerated ? "Vector256" : Vector128.IsHardwareAccelerated ? "Vector128" : "scalar";

    /// <inheritdoc />
    public Tensor Allocate(Shape shape) => new CpuTensor(this, shape, NewStorage(shape));

    /// <inheritdoc />
    public Tensor FromHost(ReadOnlySpan<float> data, Shape shape)
    {
        var t = new CpuTensor(this, shape, NewStorage(shape));
        t.CopyFrom(data);
        return t;
    }

    private long _allocatedFloats, _liveFloats, _peakLiveFloats;

    /// <summary>Floats of every tensor this backend has allocated so far (disposed ones included).</summary>
    internal long AllocatedFloats => Interlocked.Read(ref _allocatedFloats);

    /// <summary>Floats of the tensors allocated and not yet disposed (the GC frees a disposed one's array when unreferenced).</summary>
    internal long LiveFloats => Interlocked.Read(ref _liveFloats);

    /// <summary>The most <see cref="LiveFloats"/> has been: the peak of what the backend's tensors hold.</summary>
    internal long PeakLiveFloats => Interlocked.Read(ref _peakLiveFloats);

    private float[] NewStorage(Shape shape)
    {
        var storage = new float[shape.Length]; // first: an allocation that fails counts nothing
        Interlocked.Add(ref _allocatedFloats, shape.Length);
        long live = Interlocked.Add(ref _liveFloats, shape.Length), peak;
        while (live > (peak = Interlocked.Read(ref _peakLiveFloats)) && Interlocked.CompareExchange(ref _peakLiveFloats, live, peak) != peak) { }
        return storage;
    }

    /// <summary>Called by a <see cref="CpuTensor"/> that owns its storage when first disposed.</summary>
    internal void Released(int floats) => Interlocked.Add(ref _liveFloats, -floats);

    /// <inheritdoc />
    public void Fill(Tensor destination, float value) => S(destination).Fill(value);

    /// <inheritdoc />
    public void Copy(Tensor source, Tensor destination)
    {
        if (source.Length != destination.Length)
            throw new ArgumentException($"Copy: source {source.Shape} and destination {destination.Shape} differ in size.");
        S(source).CopyTo(S(destination));
    }

    /// <inheritdoc />
    public void Synchronize() { }

    /// <inheritdoc />
    public void Dispose() { }

    /// <summary>Runs <paramref name="body"/> for 0..count−1 on the worker threads (inline when one item or one thread).</summary>
    internal void For(int count, Action<int> body)
    {
        if (count <= 0) return;
        if (count == 1 || ThreadCount == 1) { for (int i = 0; i < count; i++) body(i); return; }
        Parallel.For(0, count, _parallel, body);
    }

    /// <summary>The elements of a CPU tensor (exactly its length); rejects tensors of other backends with a clear message.</summary>
    internal Span<float> S(Tensor t) => D(t).AsSpan(0, t.Length);

    /// <summary>
    /// The storage array of a CPU tensor: the tensor is its first <c>t.Length</c> elements, and a view's array may be
    /// longer, so kernels index it by the shape (or slice it), never by the array's length.
    /// </summary>
    internal float[] D(Tensor t)
    {
        if (t is CpuTensor c && ReferenceEquals(c.Backend, this)) return c.Data;
        throw new ArgumentException($"{Name}: tensor {t.Shape} belongs to {t.Backend.Name}; copy it to this backend first.");
    }

    private static void Require(bool condition, string op, string message)
    {
        if (!condition) throw new ArgumentException($"{op}: {message}");
    }
}
