using Xunit.Abstractions;

namespace MusicGenre.Features.Tests;

/// <summary>
/// The spectral vector kernels (FFT, windowing, mel, log-mel) at every SIMD width (<see cref="SimdWidthRunner"/>): their
/// tests re-run in child processes with 512-bit, 256-bit, 128-bit and no intrinsics.
/// </summary>
public sealed class SimdWidthTests(ITestOutputHelper output)
{
    [Fact]
    public void SettingHonoured() => SimdWidthRunner.AssertSettingHonoured();

    [Fact]
    public Task KernelTestsPassAtEveryWidth() => SimdWidthRunner.RunAtEveryWidth(typeof(SimdWidthTests).Assembly,
        "FullyQualifiedName~VectorMathTests|FullyQualifiedName~SparseMelBasisTests|FullyQualifiedName~FftPlanTests|FullyQualifiedName~FeatureExtractorTests|FullyQualifiedName~SimdWidthTests.SettingHonoured",
        output.WriteLine);
}
