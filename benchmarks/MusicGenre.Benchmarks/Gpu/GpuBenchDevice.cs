using MusicGenre.Kernels.Runtime;

namespace MusicGenre.Benchmarks.Gpu;

/// <summary>
/// Opens the GPU for the GPU suite: CUDA, else OpenCL. Without one it stops the benchmark with a clear message rather
/// than timing ILGPU's CPU simulator (which is a test vehicle, not a compute path).
/// </summary>
internal static class GpuBenchDevice
{
    /// <summary>The opened device; throws <see cref="InvalidOperationException"/> with the reason when there is no GPU.</summary>
    public static GpuDevice OpenOrExplain()
    {
        var device = GpuDevice.Open(DeviceKind.Auto);
        if (device is not null)
        {
            Console.WriteLine($"// GPU suite on {device.Description}");
            return device;
        }
        const string message = "No CUDA or OpenCL GPU found by ILGPU: the GPU benchmark suite only measures real GPUs "
            + "(the ILGPU CPU simulator is not benchmarked). Run it on a machine with an NVIDIA GPU.";
        Console.WriteLine("// " + message);
        throw new InvalidOperationException(message);
    }
}
