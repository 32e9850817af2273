namespace MusicGenre;

/// <summary>The requested device (CUDA/OpenCL GPU, or the simulator) is absent or cannot run the kernels; the message says what was found.</summary>
public sealed class DeviceUnavailableException : Exception
{
    /// <summary>Creates the exception for <paramref name="device"/>.</summary>
    public DeviceUnavailableException(DeviceKind device, string message, Exception? inner = null)
        : base(message, inner) => Device = device;

    /// <summary>The device that was asked for.</summary>
    public DeviceKind Device { get; }
}
