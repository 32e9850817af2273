using MusicGenre.Nn.Backends.Cpu;

namespace MusicGenre.Nn.Backends;

/// <summary>
/// Creates backends from a device choice. The ILGPU part is supplied by <c>Backends/Gpu/BackendFactory.Gpu.cs</c>, which
/// implements the partial method <see cref="TryCreateGpu"/>; without it, GPU requests report that no GPU backend is built.
/// </summary>
internal static partial class BackendFactory
{
    /// <summary>
    /// A backend for <paramref name="device"/>: <c>cpu</c> always works; <c>cuda</c>/<c>opencl</c> throw
    /// <see cref="DeviceUnavailableException"/> with a clear message when absent; <c>auto</c> tries CUDA, then OpenCL,
    /// then falls back to the CPU; <c>simulator</c> runs the GPU backend's kernels in ILGPU's CPU simulator (tests only).
    /// </summary>
    /// <example><code>using var backend = BackendFactory.Create(DeviceKind.Auto, new BackendOptions { ThreadCount = 2 });</code></example>
    public static IBackend Create(DeviceKind device, BackendOptions? options = null)
    {
        options ??= new BackendOptions();
        options.Validate();
        switch (device)
        {
            case DeviceKind.Cpu:
                return new CpuBackend(options.ThreadCount) { FixedWeights = options.FixedWeights };
            case DeviceKind.Cuda:
            case DeviceKind.OpenCl:
            case DeviceKind.Simulator:
                return CreateGpu(device, options);
            case DeviceKind.Auto:
                foreach (var kind in new[] { DeviceKind.Cuda, DeviceKind.OpenCl })
                {
                    try { return CreateGpu(kind, options); }
                    catch (DeviceUnavailableException) { }
                }
                return new CpuBackend(options.ThreadCount) { FixedWeights = options.FixedWeights };
            default:
                throw new ArgumentOutOfRangeException(nameof(device), device, "Unknown device kind; expected auto, cpu, cuda or opencl.");
        }
    }

    /// <summary>Parses <c>auto|cpu|cuda|opencl</c> (case-insensitive).</summary>
    /// <exception cref="ArgumentException">Any other text, with the accepted values.</exception>
    public static DeviceKind ParseDevice(string text) => text?.Trim().ToLowerInvariant() switch
    {
        "auto" => DeviceKind.Auto,
        "cpu" => DeviceKind.Cpu,
        "cuda" => DeviceKind.Cuda,
        "opencl" => DeviceKind.OpenCl,
        _ => throw new ArgumentException($"Unknown device '{text}': expected auto, cpu, cuda or opencl.", nameof(text)),
    };

    private static IBackend CreateGpu(DeviceKind kind, BackendOptions options)
    {
        IBackend? backend = null;
        string? reason = null;
        TryCreateGpu(kind, options, ref backend, ref reason);
        return backend ?? throw new DeviceUnavailableException(kind,
            $"No {kind.ToString().ToUpperInvariant()} device available: {(reason ?? "this build has no GPU backend").TrimEnd('.')}. Use the CPU (--device cpu, DeviceKind.Cpu), or auto to fall back to it.");
    }

    /// <summary>
    /// Implemented by the ILGPU backend: set <paramref name="backend"/> to a working backend of <paramref name="kind"/>, or
    /// leave it null and set <paramref name="reason"/> to what was found (e.g. "no CUDA device; OpenCL: pocl only").
    /// </summary>
    static partial void TryCreateGpu(DeviceKind kind, BackendOptions options, ref IBackend? backend, ref string? reason);
}
