using ILGPU;
using ILGPU.Runtime;
using MusicGenre.Kernels.Runtime;
using MusicGenre.Nn.Tensors;

namespace MusicGenre.Nn.Backends.Gpu;

/// <summary>
/// The ILGPU backend (CUDA or OpenCL; ILGPU's CPU simulator for tests). Every tensor lives on the device; operations
/// queue kernels (kernels/MusicGenre.Kernels/Nn) on the default stream, so a whole training step runs without host
/// round trips except the scalar loss that <see cref="SoftmaxCrossEntropyForward"/> returns and the host labels it uploads.
/// Kernels are loaded once per backend. Not thread-safe.
/// </summary>
/// <example><code>using var backend = new GpuBackend(GpuDevice.Open(DeviceKind.Cuda)!, ownsDevice: true);</code></example>
internal sealed partial class GpuBackend : IBackend
{
    private readonly GpuDevice _device;
    private readonly bool _ownsDevice;
    private readonly Accelerator _acc;
    private readonly DeviceScratch _scratch;

    /// <summary>Creates the backend on an open device; with <paramref name="ownsDevice"/> it disposes the device too.</summary>
    public GpuBackend(GpuDevice device, bool ownsDevice)
    {
        ArgumentNullException.ThrowIfNull(device);
        _device = device;
        _ownsDevice = ownsDevice;
        _acc = device.Accelerator;
        _scratch = new DeviceScratch(_acc);
        try
        {
            LoadKernels();
        }
        catch
        {
            // A kernel that does not compile for this device: release the scratch, and the device when it is ours.
            _scratch.Dispose();
            if (ownsDevice) device.Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    public string Name => $"ilgpu {_device.Description}";

    /// <summary>
    /// <see cref="DeviceKind.Cuda"/>, <see cref="DeviceKind.OpenCl"/>, or <see cref="DeviceKind.Simulator"/> for ILGPU's
    /// CPU simulator (tests only).
    /// </summary>
    public DeviceKind Kind => _device.Kind switch
    {
        DeviceKind.Cuda => DeviceKind.Cuda,
        DeviceKind.OpenCl => DeviceKind.OpenCl,
        _ => DeviceKind.Simulator,
    };

    /// <summary>The ILGPU device this backend runs on.</summary>
    public GpuDevice Device => _device;

    /// <inheritdoc />
    public Tensor Allocate(Shape shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        var buffer = _acc.Allocate1D<float>(Math.Max(shape.Length, 1));
        buffer.MemSetToZero();
        return new GpuTensor(this, shape, buffer);
    }

    /// <inheritdoc />
    public Tensor FromHost(ReadOnlySpan<float> data, Shape shape)
    {
        var t = Allocate(shape);
        t.CopyFrom(data);
        return t;
    }

    /// <inheritdoc />
    public void Fill(Tensor destination, float value) => _fill(L(destination.Length), V(destination), value, destination.Length, L(destination.Length));

    /// <inheritdoc />
    public void Copy(Tensor source, Tensor destination)
    {
        if (source.Length != destination.Length)
            throw new ArgumentException($"Copy: source {source.Shape} and destination {destination.Shape} differ in size.");
        _copy(L(source.Length), V(source), V(destination), source.Length, L(source.Length));
    }

    /// <inheritdoc />
    public void Synchronize() => _acc.Synchronize();

    /// <inheritdoc />
    public void Dispose()
    {
        _scratch.Dispose();
        if (_ownsDevice) _device.Dispose();
    }

    // Partial sums, labels and the like: device buffers reused across calls (see DeviceScratch).
    private ArrayView<T> Scratch<T>(long count, int slot = 0) where T : unmanaged => _scratch.Get<T>(count, slot);

    // Grid-stride launch size for a kernel over `count` elements (passed both as the extent and as the stride).
    private int L(long count) => GridStride.Threads(_acc, count);

    private ArrayView<float> V(Tensor t)
    {
        if (t is GpuTensor g && ReferenceEquals(g.Backend, this)) return g.Elements;
        throw new ArgumentException($"{Name}: tensor {t.Shape} belongs to {t.Backend.Name}; copy it to this backend first.");
    }

    private static void Require(bool condition, string op, string message)
    {
        if (!condition) throw new ArgumentException($"{op}: {message}");
    }

    private static void Same(Tensor a, Tensor b, string op) =>
        Require(a.Length == b.Length, op, $"tensors {a.Shape} and {b.Shape} must have the same size.");
}
