namespace MusicGenre.Nn.Tests.Gpu;

/// <summary>
/// The GPU test classes share one accelerator per device kind (so ILGPU compiles each kernel once); putting them in one
/// xunit collection runs them one after another instead of launching on the shared stream from parallel threads.
/// </summary>
[CollectionDefinition(Name)]
public sealed class SimulatorCollection
{
    /// <summary>The collection name.</summary>
    public const string Name = "ILGPU shared device";
}
