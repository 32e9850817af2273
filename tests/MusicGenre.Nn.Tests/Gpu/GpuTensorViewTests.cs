using MusicGenre.Nn.Architectures;
using MusicGenre.Nn.Tensors;
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
    public void AViewsKernelArgument_IsExactlyItsElements_EvenWhenEmpty()
    {
        using var gpu = GpuTestDevices.Backend(GpuTestDevices.Preferred);
        using var owner = (MusicGenre.Nn.Backends.Gpu.GpuTensor)gpu.Allocate(new Shape(2, 3));
        Assert.Equal(6, owner.Elements.Length);
        Assert.Equal(4, ((MusicGenre.Nn.Backends.Gpu.GpuTensor)owner.View(new Shape(4))).Elements.Length);
        // An empty view of a non-empty buffer is empty, not the whole buffer (a kernel sized by its argument would
        // otherwise run over the storage's elements).
        Assert.Equal(0, ((MusicGenre.Nn.Backends.Gpu.GpuTensor)owner.View(new Shape(0, 3))).Elements.Length);
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
