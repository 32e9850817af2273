using MusicGenre.Audio.Decoding.Layer3;

namespace MusicGenre.Audio.Tests.Layer3;

/// <summary>The Huffman tables: complete prefix codes, and every code word of the standard decodes through the lookup.</summary>
public sealed class Layer3HuffmanTests
{
    private static readonly int[] PairTables = [1, 2, 3, 5, 6, 7, 8, 9, 10, 11, 12, 13, 15, 16, 24];

    [Fact]
    public void EveryTableIsACompletePrefixCode()
    {
        foreach (int t in PairTables)
        {
            var words = Layer3Huffman.Words(t).ToArray();
            Assert.NotEmpty(words);
            // Kraft: Σ 2^−len = 1 exactly for a complete code (sums of powers of two are exact in double).
            Assert.Equal(1.0, words.Sum(w => Math.Pow(2, -w.Length)));
            for (int a = 0; a < words.Length; a++)
                for (int b = 0; b < words.Length; b++)
                    if (a != b && words[a].Length <= words[b].Length)
                        Assert.False(words[b].Code >> (words[b].Length - words[a].Length) == words[a].Code, $"table {t}: a code is a prefix of another");
        }
    }

    [Fact]
    public void EveryCodeWordDecodesToItsPairAndLength()
    {
        var rng = new Random(7);
        for (int select = 1; select < 32; select++)
        {
            if (select is 4 or 14) continue;
            int table = select < 16 ? select : select < 24 ? 16 : 24;
            foreach (var (x, y, code, length) in Layer3Huffman.Words(table))
            {
                // The code word at the top of 64 bits, followed by random bits that must not matter.
                ulong bits = ((ulong)code << (64 - length)) | ((ulong)rng.NextInt64() >>> length);
                int e = Layer3Huffman.Lookup(Layer3Huffman.Entries, Layer3Huffman.Root[select], bits);
                Assert.True(e >= 0, $"table {select}: pointer where a leaf was expected");
                Assert.Equal(length, e & 0xFF);
                Assert.Equal(x, (e >> 8) & 15);
                Assert.Equal(y, (e >> 12) & 15);
                Assert.Equal(x != 0 ? 1 : 0, (e >> 16) & 1);
                Assert.Equal(y != 0 ? 1 : 0, (e >> 17) & 1);
            }
        }
    }

    [Fact]
    public void TablesWithEscapesHaveTheirLinbits()
    {
        Assert.Equal(new byte[] { 1, 2, 3, 4, 6, 8, 10, 13, 4, 5, 6, 7, 8, 9, 11, 13 }, Layer3Huffman.LinBits[16..].ToArray());
        Assert.Equal(-1, Layer3Huffman.Root[0]);
        Assert.Equal(-2, Layer3Huffman.Root[4]);
        Assert.Equal(-2, Layer3Huffman.Root[14]);
    }

    [Fact]
    public void Count1TableADecodesEveryQuadruple()
    {
        ReadOnlySpan<int> codes = [1, 5, 4, 5, 6, 5, 4, 4, 7, 3, 6, 0, 7, 2, 3, 1];
        ReadOnlySpan<int> lengths = [1, 4, 4, 5, 4, 6, 5, 6, 4, 5, 5, 6, 5, 6, 6, 6];
        for (int v = 0; v < 16; v++)
        {
            int e = Layer3Huffman.Quad[codes[v] << (6 - lengths[v])];
            Assert.Equal(lengths[v], e & 0xFF);
            Assert.Equal(v, e >> 8);
        }
    }

    [Fact]
    public void BandTablesCoverTheGranule()
    {
        for (int row = 0; row < 9; row++)
        {
            Assert.Equal(576, Layer3Tables.LongBandStart[row * 23 + 22]);
            Assert.Equal(192, Layer3Tables.ShortBandStart[row * 14 + 13]);
        }
        // The synthesis window's centre tap (ISO/IEC 11172-3 Table B.3: D[256] = 1.144989014) and its symmetry.
        Assert.Equal(1.144989014, Layer3Tables.SynthesisWindow[256], 8);
        Assert.Equal(-Layer3Tables.SynthesisWindow[1], Layer3Tables.SynthesisWindow[511]);
        Assert.Equal(Layer3Tables.SynthesisWindow[64], Layer3Tables.SynthesisWindow[448]);
    }
}
