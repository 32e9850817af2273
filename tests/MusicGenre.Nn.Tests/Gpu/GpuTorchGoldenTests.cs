using MusicGenre.Nn.Backends;
using MusicGenre.Nn.Tests.Golden;

namespace MusicGenre.Nn.Tests.Gpu;

/// <summary>The PyTorch goldens on the ILGPU backend: CUDA when present, else ILGPU's CPU simulator.</summary>
[Collection(SimulatorCollection.Name)]
public sealed class GpuTorchGoldenTests : TorchGoldenTests
{
    /// <inheritdoc />
    private protected override IBackend CreateBackend() => GpuTestDevices.Backend(GpuTestDevices.Preferred);
}
