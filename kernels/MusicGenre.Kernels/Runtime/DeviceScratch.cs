using ILGPU;
using ILGPU.Runtime;

namespace MusicGenre.Kernels.Runtime;

/// <summary>
/// Grow-only device buffers reused from call to call, one per (element type, slot). Allocating and freeing device
/// memory per call costs a driver round trip each, and a free synchronises the whole device, which stalls every kernel
/// already queued. Reuse is safe because every kernel of an owner runs on the accelerator's one default stream, in
/// order: a later call's kernels cannot start before an earlier call's have finished with a buffer. Buffers that are
/// needed at the same time take different slots. Holds the largest size asked for until disposed. Not thread-safe.
/// </summary>
internal sealed class DeviceScratch : IDisposable
{
    private readonly Accelerator _accelerator;
    private readonly Dictionary<(Type, int), MemoryBuffer> _buffers = [];

    public DeviceScratch(Accelerator accelerator) => _accelerator = accelerator;

    /// <summary>A view of <paramref name="count"/> (≥ 1) elements of slot <paramref name="slot"/>; contents undefined.</summary>
    public ArrayView<T> Get<T>(long count, int slot = 0) where T : unmanaged
    {
        count = Math.Max(count, 1);
        if (!_buffers.TryGetValue((typeof(T), slot), out var held) || held.Length < count)
        {
            // Grow to at least twice the old size, so a slowly growing request does not reallocate every call.
            long size = Math.Max(count, held is null ? 0 : Math.Min(2 * held.Length, int.MaxValue));
            held?.Dispose();
            held = _accelerator.Allocate1D<T>(size);
            _buffers[(typeof(T), slot)] = held;
        }
        return ((MemoryBuffer1D<T, Stride1D.Dense>)held).View.SubView(0, count);
    }

    /// <summary><paramref name="data"/> copied into slot <paramref name="slot"/>.</summary>
    public ArrayView<T> Upload<T>(ReadOnlySpan<T> data, int slot = 0) where T : unmanaged
    {
        var view = Get<T>(data.Length, slot);
        if (data.Length > 0) view.CopyFromCPU(data);
        return view;
    }

    /// <summary>The elements of <paramref name="view"/>, copied to a new host array.</summary>
    public static T[] Download<T>(ArrayView<T> view) where T : unmanaged
    {
        var host = new T[view.Length];
        view.CopyToCPU(host);
        return host;
    }

    public void Dispose()
    {
        foreach (var buffer in _buffers.Values) buffer.Dispose();
        _buffers.Clear();
    }
}
