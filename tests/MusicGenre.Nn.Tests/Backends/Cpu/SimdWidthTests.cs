using Xunit.Abstractions;

namespace MusicGenre.Nn.Tests.Backends.Cpu;

/// <summary>
/// The CPU backend's vector kernels (elementwise, reductions, BatchNorm statistics, max-pool, conv GEMM) at every SIMD
/// width (<see cref="SimdWidthRunner"/>): every test of this folder re-runs in child processes with 512-bit, 256-bit,
/// 128-bit and no intrinsics, against the scalar twins.
/// </summary>
public sealed class SimdWidthTests(ITestOutputHelper output)
{
    [Fact]
    public void SettingHonoured() => SimdWidthRunner.AssertSettingHonoured();

    [Fact]
    public Task KernelTestsPassAtEveryWidth() => SimdWidthRunner.RunAtEveryWidth(typeof(SimdWidthTests).Assembly,
        "FullyQualifiedName~MusicGenre.Nn.Tests.Backends.Cpu", output.WriteLine);
}
