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
        "FullyQualifiedName~SimdOpsTests|FullyQualifiedName~SampleScanTests|FullyQualifiedName~SimdWidthTests.SettingHonoured|FullyQualifiedName~SimdWidthTests.Fitting", output.WriteLine);

    /// <summary><see cref="SimdWidths.Fitting"/>: the widest width up to the process's best whose register is not longer than the count.</summary>
    [Fact]
    public void Fitting_IsTheWidestRegisterNoLongerThanTheCount()
    {
        SimdWidth[] widths = [SimdWidth.V512, SimdWidth.V256, SimdWidth.V128];
        for (int n = 0; n <= 40; n++)
        {
            var expected = widths.FirstOrDefault(w => w <= SimdWidths.Best && (int)w <= n, SimdWidth.Scalar);
            Assert.True(SimdWidths.Fitting(n) == expected, $"n={n}: {SimdWidths.Fitting(n)}, expected {expected} (best {SimdWidths.Best})");
        }
    }
}
