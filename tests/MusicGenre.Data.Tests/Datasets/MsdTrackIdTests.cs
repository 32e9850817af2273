using MusicGenre.Data.Datasets;

namespace MusicGenre.Data.Tests.Datasets;

public sealed class MsdTrackIdTests
{
    [Theory]
    [InlineData("TRWJAZW128F42760DD_test.mp3", "TRWJAZW128F42760DD")]
    [InlineData("/x/y/TRAAAAK128F9318786.mp3", "TRAAAAK128F9318786")]
    [InlineData("TRAAAAK128F9318786-clip.wav", "TRAAAAK128F9318786")]
    [InlineData("TRAAAAK128F9318786X.mp3", null)]
    [InlineData("song_TRAAAAK128F9318786.mp3", null)]
    [InlineData("TRshort.mp3", null)]
    public void FromFileName_TakesTheLeadingId(string name, string? expected) => Assert.Equal(expected, MsdTrackId.FromFileName(name));
}
