using MusicGenre.IO;

namespace MusicGenre.Data.Tests.IO;

public sealed class SettingsDiffTests
{
    private static KeyValuePair<string, string> P(string k, string v) => new(k, v);

    [Fact]
    public void NamesOnlyTheSettingsThatDiffer_InTheFirstSidesOrder_ThenThoseOnlyInTheSecond()
    {
        var a = new[] { P("genres", "[a,b]"), P("n_mels", "128"), P("fmax", "8000"), P("only_a", "1") };
        var b = new[] { P("n_mels", "96"), P("fmax", "8000"), P("genres", "[a,c]"), P("only_b", "2") };
        Assert.Equal("genres [a,b] vs [a,c]; n_mels 128 vs 96; only_a 1 vs (none); only_b (none) vs 2", SettingsDiff.Describe(a, b));
        Assert.Equal("", SettingsDiff.Describe(a, a.Reverse()));
    }

    [Fact]
    public void FingerprintPairs_SplitAtTheFirstEqualsSign()
    {
        var pairs = SettingsDiff.Pairs("arch=default;hp=blocks=4,width=8;lr=0.001;flag").ToArray();
        Assert.Equal(new[] { P("arch", "default"), P("hp", "blocks=4,width=8"), P("lr", "0.001"), P("flag", "") }, pairs);
        Assert.Equal("hp blocks=4,width=8 vs blocks=4,width=16", SettingsDiff.Describe(pairs, SettingsDiff.Pairs("arch=default;hp=blocks=4,width=16;lr=0.001;flag")));
    }
}
