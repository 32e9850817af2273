namespace MusicGenre.Nn.Backends;

/// <summary>Where the network computes: <c>auto|cpu|cuda|opencl</c> (parse with <see cref="BackendFactory.ParseDevice"/>).</summary>
public enum DeviceKind
{
    /// <summary>The first GPU that works (CUDA, then OpenCL), else the CPU.</summary>
    Auto,

    /// <summary>The SIMD multi-threaded CPU backend.</summary>
    Cpu,

    /// <summary>An NVIDIA GPU through ILGPU's CUDA accelerator.</summary>
    Cuda,

    /// <summary>A GPU through ILGPU's OpenCL accelerator.</summary>
    OpenCl,
}
