using MusicGenre.Data.Datasets;

namespace MusicGenre.Data.Tests.Datasets;

public sealed class GenreListTests
{
    [Fact]
    public void Gtzan_HasTheProjectOrder()
    {
        Assert.Equal(["blues", "classical", "country", "disco", "hiphop", "jazz", "metal", "pop", "reggae", "rock"], GenreList.Gtzan.Names);
    }

    [Theory]
    [InlineData("Hip-Hop", 4)]
    [InlineData("hip hop", 4)]
    [InlineData("ROCK", 9)]
    [InlineData("Blues", 0)]
    public void TryGetIndex_NormalisesCaseAndPunctuation(string label, int expected)
    {
        Assert.True(GenreList.Gtzan.TryGetIndex(label, out int index));
        Assert.Equal(expected, index);
    }

    /// <summary>
    /// One label in every Unicode spelling: precomposed and decomposed accents (macOS stores folder names decomposed, so a
    /// GTZAN-style folder 'Électro' copied from a Mac did not match '--genres Électro' typed on Linux), full-width forms,
    /// Turkish dotted and dotless i.
    /// </summary>
    [Theory]
    [InlineData("\u00c9lectro")]  // É precomposed (NFC)
    [InlineData("E\u0301lectro")] // E + combining acute (NFD)
    [InlineData("electro")]
    [InlineData("\uff25\uff4c\uff45\uff43\uff54\uff52\uff4f")] // full-width
    public void TryGetIndex_MatchesEveryUnicodeSpellingOfALabel(string label)
    {
        foreach (string name in new[] { "\u00c9lectro", "E\u0301lectro" })
        {
            var list = new GenreList(["blues", name]);
            Assert.True(list.TryGetIndex(label, out int index), $"'{label}' in a list naming '{name}'");
            Assert.Equal(1, index);
        }
    }

    [Theory]
    [InlineData("H\u0130PHOP")] // İ: "hiphop".ToUpper(tr-TR)
    [InlineData("h\u0131phop")] // dotless ı: "HIPHOP".ToLower(tr-TR)
    public void TryGetIndex_MatchesTurkishIs(string label)
    {
        Assert.True(GenreList.Gtzan.TryGetIndex(label, out int index), label);
        Assert.Equal(4, index);
    }

    [Theory]
    [InlineData("Pop_Rock")]
    [InlineData("Electronic")]
    [InlineData("")]
    [InlineData(null)]
    public void TryGetIndex_UnknownLabel_IsFalse(string? label) => Assert.False(GenreList.Gtzan.TryGetIndex(label, out _));

    [Fact]
    public void Aliases_MapToTheirTarget()
    {
        var list = new GenreList(["blues", "hiphop"], new Dictionary<string, string> { ["Rap"] = "hiphop" });
        Assert.True(list.TryGetIndex("rap", out int i));
        Assert.Equal(1, i);
    }

    [Fact]
    public void Invalid_ReportsEveryProblemAtOnce()
    {
        var e = Assert.Throws<ArgumentException>(() =>
            new GenreList(["rock", "Rock", "--"], new Dictionary<string, string> { ["x"] = "polka" }));
        Assert.Contains("duplicates", e.Message);
        Assert.Contains("no letters or digits", e.Message);
        Assert.Contains("unknown genre 'polka'", e.Message);
    }

    [Fact]
    public void Parse_BlankIsGtzan_ListIsOrdered()
    {
        Assert.Same(GenreList.Gtzan, GenreList.Parse(" "));
        Assert.Equal(["jazz", "rock"], GenreList.Parse("jazz, rock").Names);
        Assert.Same(GenreList.Gtzan, GenreList.Parse("GTZAN"));
        Assert.Same(GenreList.TagtraumCd1, GenreList.Parse("tagtraum"));
        Assert.Throws<ArgumentException>(() => GenreList.Parse("rock,Rock"));
    }
}
