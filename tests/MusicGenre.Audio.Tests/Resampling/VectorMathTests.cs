using MusicGenre.Audio.Resampling;

namespace MusicGenre.Audio.Tests.Resampling;

public sealed class VectorMathTests
{
    public static TheoryData<int> Lengths()
    {
        var data = new TheoryData<int>();
        for (int n = 0; n <= 256; n++) data.Add(n);
        foreach (int n in new[] { 511, 1000, 1023, 4097 }) data.Add(n);
        return data;
    }

    /// <summary>Vector dot product against the scalar twin and a double-precision oracle on seeded data of every small length.</summary>
    [Theory]
    [MemberData(nameof(Lengths))]
    public void DotMatchesScalarTwin(int n)
    {
        var rng = new Random(n);
        var a = new float[n];
        var b = new float[n + 3];
        for (int i = 0; i < n; i++) a[i] = (float)(rng.NextDouble() * 2 - 1);
        for (int i = 0; i < b.Length; i++) b[i] = (float)(rng.NextDouble() * 2 - 1);
        double exact = 0, magnitude = 0;
        for (int i = 0; i < n; i++) { exact += (double)a[i] * b[i]; magnitude += Math.Abs((double)a[i] * b[i]); }
        double bound = 1e-6 * magnitude + 1e-30;
        Assert.InRange(VectorMath.Dot(a, b), exact - bound, exact + bound);
        Assert.InRange(VectorMath.DotScalar(a, b), exact - bound, exact + bound);
        // Slices at odd offsets (unaligned loads) too.
        if (n > 2)
            Assert.InRange(VectorMath.Dot(a.AsSpan(1), b.AsSpan(2)) - VectorMath.DotScalar(a.AsSpan(1), b.AsSpan(2)), -2 * bound, 2 * bound);
    }

    [Fact]
    public void ShortSecondOperandIsRejected()
    {
        Assert.Throws<ArgumentException>(() => VectorMath.Dot(new float[5], new float[4]));
        Assert.Throws<ArgumentException>(() => VectorMath.DotScalar(new float[5], new float[4]));
    }

    [Fact]
    public void SpecialValuesPropagate()
    {
        var a = Enumerable.Repeat(1f, 40).ToArray();
        var b = Enumerable.Repeat(1f, 40).ToArray();
        b[33] = float.NaN;
        Assert.True(float.IsNaN(VectorMath.Dot(a, b)));
        b[33] = float.PositiveInfinity;
        Assert.Equal(float.PositiveInfinity, VectorMath.Dot(a, b));
    }
}
