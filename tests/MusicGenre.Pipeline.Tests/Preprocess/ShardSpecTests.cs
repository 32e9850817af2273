using MusicGenre.Pipeline.Preprocess;

namespace MusicGenre.Pipeline.Tests.Preprocess;

public sealed class ShardSpecTests
{
    [Fact]
    public void StableHash_IsFnv1a64()
    {
        // Published FNV-1a 64 test vectors (Fowler/Noll/Vo): "" and "a".
        Assert.Equal(0xcbf29ce484222325UL, ShardSpec.StableHash(""));
        Assert.Equal(0xaf63dc4c8601ec8cUL, ShardSpec.StableHash("a"));
    }

    [Theory]
    [InlineData("0/4", 0, 4)]
    [InlineData("3/4", 3, 4)]
    [InlineData(" 0 / 1 ", 0, 1)]
    public void Parse_Valid(string text, int k, int n) => Assert.Equal(new ShardSpec(k, n), ShardSpec.Parse(text));

    [Theory]
    [InlineData("4/4", "0..3")]
    [InlineData("1/0", "N must be")]
    [InlineData("-1/3", "k/N")]
    [InlineData("2", "k/N")]
    [InlineData("a/b", "k/N")]
    public void Parse_Invalid_SaysWhy(string text, string hint) => Assert.Contains(hint, Assert.Throws<FormatException>(() => ShardSpec.Parse(text)).Message);

    [Fact]
    public void Parse_Null_IsAnArgumentNullException() => Assert.Equal("text", Assert.Throws<ArgumentNullException>(() => ShardSpec.Parse(null!)).ParamName);

    [Fact]
    public void Contains_EverySongInExactlyOneShard()
    {
        var random = new Random(5);
        for (int i = 0; i < 1000; i++)
        {
            string id = $"TR{random.NextInt64():X16}";
            Assert.Equal(1, Enumerable.Range(0, 7).Count(k => new ShardSpec(k, 7).Contains(id)));
            Assert.True(ShardSpec.All.Contains(id));
        }
    }
}
