namespace MusicGenre;

/// <summary>
/// Where MusicGenre computes: the one device enum of every layer (network backends, GPU spectrograms, kernel tests).
/// Users choose <c>auto|cpu|cuda|opencl</c> (parse with <c>BackendFactory.ParseDevice</c>); <see cref="Simulator"/> is for
/// testing kernels without a GPU.
/// </summary>
public enum DeviceKind
{
    /// <summary>The first GPU that works (CUDA, then OpenCL), else the CPU. Never the simulator.</summary>
    Auto,

    /// <summary>The SIMD multi-threaded CPU code (no ILGPU).</summary>
    Cpu,

    /// <summary>An NVIDIA GPU through ILGPU's CUDA accelerator.</summary>
    Cuda,

    /// <summary>A GPU through ILGPU's OpenCL accelerator (OpenCL 2.0 with the generic address space).</summary>
    OpenCl,

    /// <summary>
    /// ILGPU's CPU accelerator: runs the GPU kernels in a thread simulator (≈ 1 µs per simulated thread) to test them
    /// without a GPU, with tiny shapes. Never a production path, never chosen by <see cref="Auto"/>.
    /// </summary>
    Simulator,
}
