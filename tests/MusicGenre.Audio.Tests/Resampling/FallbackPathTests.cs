using Xunit.Abstractions;

namespace MusicGenre.Audio.Tests.Resampling;

/// <summary>
/// The resampler's vector kernels (<c>VectorMath.Dot</c>) and the MP3 decoder's filterbanks (with the decode of the golden preview) at every SIMD width (<see cref="SimdWidthRunner"/>): the tests
/// below re-run in child processes with 512-bit, 256-bit, 128-bit and no intrinsics.
/// </summary>
public sealed class FallbackPathTests(ITestOutputHelper output)
{
    [Fact]
    public void IntrinsicsSettingsAreHonoured() => SimdWidthRunner.AssertSettingHonoured();

    [Fact]
    public Task VectorTestsPassAtEveryWidth() => SimdWidthRunner.RunAtEveryWidth(typeof(FallbackPathTests).Assembly,
        "FullyQualifiedName~VectorMathTests|FullyQualifiedName~IntrinsicsSettingsAreHonoured|FullyQualifiedName~StreamingInRandomBlocksEqualsOneShot"
        + "|FullyQualifiedName~Layer3FilterbankTests|FullyQualifiedName~Mp3GoldenTests",
        output.WriteLine);
}
