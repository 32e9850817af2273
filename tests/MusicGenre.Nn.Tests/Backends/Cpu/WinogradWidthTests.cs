using MusicGenre.TestSupport;
using Xunit.Abstractions;

namespace MusicGenre.Nn.Tests.Backends.Cpu;

/// <summary>
/// The Winograd F(4×4, 3×3) and direct-convolution tests, and F(2×2)'s bit-identity of vector and scalar transforms, again in child processes with the JIT switched to each SIMD
/// width, so the register structs' fallbacks (e.g. Vector512's deinterleave without AVX-512, Vector256's without AVX) run
/// on any CI machine.
/// </summary>
public sealed class WinogradWidthTests(ITestOutputHelper output)
{
    [Fact]
    public void IntrinsicsSettingsAreHonoured() => SimdWidthRunner.AssertSettingHonoured();

    [Fact]
    public Task Winograd4AndDirectConvTestsPassAtEveryWidth() => SimdWidthRunner.RunAtEveryWidth(typeof(WinogradWidthTests).Assembly,
        "FullyQualifiedName~Winograd4Tests|FullyQualifiedName~DirectConvTests|FullyQualifiedName~WinogradTests.TransformsOfVectorAndScalarPaths|FullyQualifiedName~WinogradWidthTests.IntrinsicsSettingsAreHonoured", output.WriteLine);
}
