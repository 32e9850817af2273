using MusicGenre.Kernels.Runtime;
using MusicGenre.Nn.Backends.Gpu;

namespace MusicGenre.Nn.Backends;

internal static partial class BackendFactory
{
    // The ILGPU half of Create: opens CUDA/OpenCL device number options.DeviceIndex, or reports what ILGPU found.
    static partial void TryCreateGpu(DeviceKind kind, BackendOptions options, ref IBackend? backend, ref string? reason)
    {
        if (kind is not (DeviceKind.Cuda or DeviceKind.OpenCl or DeviceKind.Simulator)) { reason = $"{kind} is not a GPU kind"; return; }
        try
        {
            var device = GpuDevice.Open(kind, options.DeviceIndex);
            if (device is null) { reason = "ILGPU found no such device"; return; }
            backend = new GpuBackend(device, ownsDevice: true);
        }
        catch (DeviceUnavailableException e)
        {
            reason = e.Message;
        }
    }
}
