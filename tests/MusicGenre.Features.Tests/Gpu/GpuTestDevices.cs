using System.Collections.Concurrent;
using MusicGenre.Kernels.Runtime;

namespace MusicGenre.Features.Tests.Gpu;

/// <summary>
/// The one place GPU tests get accelerators: ILGPU's CPU simulator always, plus CUDA/OpenCL when ILGPU finds them.
/// Devices are opened once per test run and shared (tests launch on them one at a time).
/// </summary>
internal static class GpuTestDevices
{
    private static readonly ConcurrentDictionary<DeviceKind, GpuDevice> Open = new();
    private static readonly object Gate = new();

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

    /// <summary>The shared device of <paramref name="kind"/>; hold <see cref="Lock"/> while launching.</summary>
    public static GpuDevice Get(DeviceKind kind) =>
        Open.GetOrAdd(kind, k => GpuDevice.Open(k) ?? throw new InvalidOperationException($"no {k} device"));

    /// <summary>Serialises use of the shared devices across parallel test classes.</summary>
    public static object Lock => Gate;
}
