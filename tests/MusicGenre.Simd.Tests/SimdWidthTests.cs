using MusicGenre.TestSupport;
using Xunit.Abstractions;

namespace MusicGenre.Simd.Tests;

/// <summary>
/// The ISimdOps and SampleScan tests again in child processes with 512-bit, 256-bit, 128-bit and no intrinsics
/// (<see cref="SimdWidthRunner"/>), so each register struct's fallbacks (e.g. MulAdd without FMA) run on any machine.
/// </summary>
public sealed class SimdWidthTests(ITestOutputHelper output)
{
    [Fact]
    public void SettingHonoured() => SimdWidthRunner.AssertSettingHonoured();

    [Fact]
    public Task OpsAndScanTestsPassAtEveryWidth() => SimdWidthRunner.RunAtEveryWidth(typeof(SimdWidthTests).Assembly,
        "FullyQualifiedName~SimdOpsTests|FullyQualifiedName~SampleScanTests|FullyQualifiedName~SimdWidthTests.SettingHonoured", output.WriteLine);
}
