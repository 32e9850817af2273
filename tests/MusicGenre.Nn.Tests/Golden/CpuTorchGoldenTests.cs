using MusicGenre.Nn.Backends;
using MusicGenre.Nn.Backends.Cpu;

namespace MusicGenre.Nn.Tests.Golden;

/// <summary>The PyTorch goldens on the CPU backend with 2 threads.</summary>
public sealed class CpuTorchGoldenTests : TorchGoldenTests
{
    /// <inheritdoc />
    private protected override IBackend CreateBackend() => new CpuBackend(2);
}
