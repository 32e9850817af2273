using MusicGenre.Kernels.Runtime;
using MusicGenre.Nn.Backends.Gpu;

namespace MusicGenre.Nn.Backends;

internal static partial class BackendFactory
{
    // The ILGPU half of Create: opens CUDA/OpenCL device number options.DeviceIndex, or reports what ILGPU found.
    static partial void TryCreateGpu(DeviceKind kind, BackendOptions options, ref IBackend? backend, ref string? reason)
    {
        var gpuKind = kind switch
        {
            DeviceKind.Cuda => GpuDeviceKind.Cuda,
            DeviceKind.OpenCl => GpuDeviceKind.OpenCL,
            _ => (GpuDeviceKind?)null,
        };
        if (gpuKind is null) { reason = $"{kind} is not a GPU kind"; return; }
        try
        {
            var device = GpuDevice.Open(gpuKind.Value, options.DeviceIndex);
            if (device is null) { reason = "ILGPU found no such device"; return; }
            backend = new GpuBackend(device, ownsDevice: true);
        }
        catch (GpuDeviceUnavailableException e)
        {
            reason = e.Message;
        }
    }
}
