using MusicGenre.TestSupport;
using Xunit.Abstractions;

namespace MusicGenre.Nn.Tests.Backends.Cpu;

/// <summary>
/// The Winograd F(4×4, 3×3), F(2×2, 3×3) (forward and weight gradient against the direct sum, bit-identity of vector and
/// scalar transforms) and direct-convolution tests, again in child processes with the JIT switched to each SIMD
/// width, so the register structs' fallbacks (e.g. Vector512's deinterleave without AVX-512, Vector256's without AVX) run
/// on any CI machine.
/// </summary>
public sealed class WinogradWidthTests(ITestOutputHelper output)
{
    [Fact]
    public void IntrinsicsSettingsAreHonoured() => SimdWidthRunner.AssertSettingHonoured();

    [Fact]
    public Task WinogradAndDirectConvTestsPassAtEveryWidth() => SimdWidthRunner.RunAtEveryWidth(typeof(WinogradWidthTests).Assembly,
        "FullyQualifiedName~Winograd4Tests|FullyQualifiedName~DirectConvTests|FullyQualifiedName~Cpu.WinogradTests.|FullyQualifiedName~WinogradWidthTests.IntrinsicsSettingsAreHonoured", output.WriteLine);
}
