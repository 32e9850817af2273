using MusicGenre.Pipeline.Prediction;

namespace MusicGenre.Pipeline.Tests.Prediction;

public sealed class EmbeddingSumTests
{
    /// <summary>
    /// Windows added in batches of any size (through <see cref="EmbeddingSum.Buffer"/>) or all at once give the same
    /// mean, bit for bit (what makes predict's streamed and in-memory paths and t-SNE's song points agree), and that mean
    /// is the double-precision mean of the windows rounded once to float.
    /// </summary>
    [Fact]
    public void BatchesOfAnySize_GiveTheSameMean_AsAllWindowsAtOnce()
    {
        const int size = 7, windows = 11;
        var random = new Random(5);
        var rows = Enumerable.Range(0, windows * size).Select(_ => (float)(random.NextDouble() * 20 - 10)).ToArray();

        var whole = new EmbeddingSum(size);
        whole.Add(rows);
        var batched = new EmbeddingSum(size);
        int start = 0;
        foreach (int count in new[] { 3, 1, 4, 3 })
        {
            rows.AsSpan(start * size, count * size).CopyTo(batched.Buffer(count));
            batched.Add(count);
            start += count;
        }

        var expected = Enumerable.Range(0, size)
            .Select(j => (float)(Enumerable.Range(0, windows).Sum(w => (double)rows[w * size + j]) / windows)).ToArray();
        Assert.Equal(expected, whole.Mean());
        Assert.Equal(expected, batched.Mean());
    }

    [Fact]
    public void SizeZero_MeansNotAskedFor()
    {
        var none = new EmbeddingSum(0);
        Assert.Null(none.Buffer(8));
        none.Add(8);
        none.Add([1f, 2f]);
        Assert.Null(none.Mean());
    }
}
