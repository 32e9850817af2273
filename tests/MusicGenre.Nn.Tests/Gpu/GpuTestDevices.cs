using System.Collections.Concurrent;
using MusicGenre.Kernels.Runtime;
using MusicGenre.Nn.Backends.Gpu;

namespace MusicGenre.Nn.Tests.Gpu;

/// <summary>
/// The one place Nn GPU tests get accelerators: ILGPU's CPU simulator always, plus CUDA/OpenCL when ILGPU finds them.
/// Each device is opened once per run and shared (ILGPU then compiles each kernel once); backends made here do not own it.
/// </summary>
internal static class GpuTestDevices
{
    private static readonly ConcurrentDictionary<DeviceKind, GpuDevice> Open = new();

    /// <summary>Theory data: every device kind the kernel tests run on.</summary>
    public static TheoryData<string> Kinds
    {
        get
        {
            var data = new TheoryData<string>();
            foreach (var k in GpuDevice.TestKinds()) data.Add(k.ToString());
            return data;
        }
    }

    /// <summary>A backend on the shared device of <paramref name="kind"/>.</summary>
    public static GpuBackend Backend(DeviceKind kind) =>
        new(Open.GetOrAdd(kind, k => GpuDevice.Open(k) ?? throw new InvalidOperationException($"no {k} device")), ownsDevice: false);

    /// <summary>The best real GPU when present, else the simulator (for the golden subclass).</summary>
    public static DeviceKind Preferred => GpuDevice.TestKinds().LastOrDefault(k => k == DeviceKind.Cuda, DeviceKind.Simulator);
}
