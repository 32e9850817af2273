namespace MusicGenre.Features.Tests;

public class SharedDataTests
{
    [SharedFact]
    public void GoldenFileOpensAndHasAudio()
    {
        using var h5 = new H5Golden(SharedData.Golden("librosa-features.h5"));
        var (audio, shape) = h5.Float("/audio/blues.00000");
        Assert.Equal(new[] { 220500 }, shape);
        Assert.Equal(22050, h5.NumberAttr("/", "sr"));
        Assert.Contains("librosa_default", h5.Children("/"));
        Assert.True(Close.MaxAbs(audio) > 0.1);
    }
}
