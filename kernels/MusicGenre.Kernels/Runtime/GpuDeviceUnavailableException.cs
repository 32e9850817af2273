namespace MusicGenre.Kernels.Runtime;

/// <summary>Thrown when a requested ILGPU device kind is not present on this machine.</summary>
internal sealed class GpuDeviceUnavailableException : InvalidOperationException
{
    /// <summary>Creates the exception for <paramref name="kind"/> with a message naming what was found.</summary>
    public GpuDeviceUnavailableException(GpuDeviceKind kind, string message) : base(message) => Kind = kind;

    /// <summary>The device kind that was asked for.</summary>
    public GpuDeviceKind Kind { get; }
}
