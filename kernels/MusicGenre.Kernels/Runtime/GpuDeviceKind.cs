namespace MusicGenre.Kernels.Runtime;

/// <summary>Which ILGPU accelerator to open.</summary>
internal enum GpuDeviceKind
{
    /// <summary>The best real GPU present: CUDA, then OpenCL; none found means "use the CPU backend instead".</summary>
    Auto,

    /// <summary>An NVIDIA GPU through ILGPU's CUDA backend.</summary>
    Cuda,

    /// <summary>An OpenCL 2.0 device with generic address space (ILGPU's OpenCL backend).</summary>
    OpenCL,

    /// <summary>ILGPU's CPU accelerator: a slow thread simulator for tests with tiny shapes, never a production path.</summary>
    Simulator,
}
