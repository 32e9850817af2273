using MusicGenre.Nn.ModelFile;

namespace MusicGenre.Nn.Tests.ModelFile;

public sealed class LevelNormalizerTests
{
    private const int C = 1, M = 6, F = 5;

    private static float[] Windows(int count, int seed)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, count * C * M * F).Select(_ => (float)(-60 + 50 * rng.NextDouble())).ToArray();
    }

    [Fact]
    public void WindowMax_RemovesAnyGain_AndPutsTheMaximumAtZero()
    {
        var x = Windows(3, 1);
        var louder = x.Select(v => v + 17.5f).ToArray(); // +17.5 dB on the audio adds 17.5 to every log-mel value
        LevelNormalizer.Apply(LevelNormalization.WindowMax, 0, x, C, M, F);
        LevelNormalizer.Apply(LevelNormalization.WindowMax, 0, louder, C, M, F);
        for (int w = 0; w < 3; w++)
        {
            var a = x.AsSpan(w * M * F, M * F);
            Assert.Equal(0f, a.ToArray().Max());
            Close.Assert(a, louder.AsSpan(w * M * F, M * F), 1e-5, 0, $"window {w}");
        }
    }

    [Fact]
    public void None_LeavesValuesAlone_AndKeptBandsFloorsTheUpperBands()
    {
        var x = Windows(2, 2);
        var copy = x.ToArray();
        LevelNormalizer.Apply(LevelNormalization.None, 0, x, C, M, F);
        Assert.Equal(copy, x);
        LevelNormalizer.Apply(LevelNormalization.None, M, x, C, M, F); // keeping every band changes nothing either
        Assert.Equal(copy, x);

        LevelNormalizer.Apply(LevelNormalization.WindowMax, 4, x, C, M, F);
        for (int w = 0; w < 2; w++)
        {
            float keptMax = copy.AsSpan(w * M * F, 4 * F).ToArray().Max();
            for (int m = 0; m < M; m++)
                for (int t = 0; t < F; t++)
                {
                    int i = w * M * F + m * F + t;
                    float expected = m < 4 ? copy[i] - keptMax : -LevelNormalizer.TopDb;
                    Assert.Equal(expected, x[i], 4);
                }
        }
    }

    [Fact]
    public void WrongLength_IsRefused()
    {
        var ex = Assert.Throws<ArgumentException>(() => LevelNormalizer.Apply(LevelNormalization.WindowMax, 0, new float[M * F + 1], C, M, F));
        Assert.Contains("window length", ex.Message);
    }
}
