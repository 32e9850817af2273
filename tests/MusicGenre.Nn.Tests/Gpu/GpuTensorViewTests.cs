using MusicGenre.Nn.Architectures;
using MusicGenre.Nn.Tests.Layers;

namespace MusicGenre.Nn.Tests.Gpu;

/// <summary>
/// Views of a larger device buffer on the ILGPU backend (CUDA when present, else the simulator): kernels get exactly the
/// view's elements, and a network trains on views of NaN-filled buffers as on fresh ones.
/// </summary>
[Collection(SimulatorCollection.Name)]
public sealed class GpuTensorViewTests
{
    [Fact]
    public void OperationsOnAViewIgnoreTheRestOfTheBuffer()
    {
        using var gpu = GpuTestDevices.Backend(GpuTestDevices.Preferred);
        ViewChecks.ElementwiseAndReductions(gpu);
    }

    [Fact]
    public void TrainingOnViewsOfPoisonedBuffers_MatchesFreshBuffers()
    {
        using var gpu = GpuTestDevices.Backend(GpuTestDevices.Preferred);
        var (fresh, poisoned) = ViewChecks.TrainFreshAndPoisoned(gpu, ArchitectureCatalog.Default);
        Assert.All(poisoned.Losses, l => Assert.True(float.IsFinite(l), $"loss {l}"));
        // Same kernels on the same values: the same bits, unless a reduction's order of atomic additions differs.
        Close.Assert(fresh.Losses, poisoned.Losses, 1e-6, 1e-6, "losses");
        for (int i = 0; i < fresh.State.Length; i++) Close.Assert(fresh.State[i], poisoned.State[i], 1e-6, 1e-6, $"state tensor {i}");
    }
}
