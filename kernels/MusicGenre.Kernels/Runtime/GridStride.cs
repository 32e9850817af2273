using ILGPU.Runtime;

namespace MusicGenre.Kernels.Runtime;

/// <summary>
/// Launch sizes for the grid-stride kernels (each thread handles elements <c>index, index + stride, …</c> with
/// stride = the launch size). On a GPU the launch covers every element up to two full waves of resident threads; on
/// ILGPU's CPU simulator, whose cost is per simulated thread (~15 µs measured here), it is one group per simulated
/// multiprocessor, which makes the simulator hundreds of times faster for the same kernel code.
/// </summary>
internal static class GridStride
{
    /// <summary>Threads to launch for <paramref name="total"/> elements (≥ 1).</summary>
    public static int Threads(Accelerator accelerator, long total)
    {
        long cap = accelerator.AcceleratorType == AcceleratorType.CPU
            ? (long)accelerator.MaxNumThreadsPerGroup * accelerator.NumMultiprocessors
            : 2L * accelerator.MaxNumThreadsPerMultiprocessor * accelerator.NumMultiprocessors;
        return (int)Math.Clamp(total, 1, Math.Max(cap, 1));
    }
}
