using System.Globalization;

namespace MusicGenre.Nn.Tensors;

/// <summary>
/// An immutable tensor shape (row-major, C order). Activations are NCHW <c>[batch, channels, height, width]</c>,
/// convolution weights OIHW <c>[out, in, kh, kw]</c>, dense weights <c>[out, in]</c>, as in PyTorch.
/// </summary>
internal sealed class Shape : IEquatable<Shape>
{
    private readonly int[] _dims;

    /// <summary>Creates a shape; every dimension must be ≥ 0.</summary>
    /// <exception cref="ArgumentException">A dimension is negative or the element count overflows int.</exception>
    public Shape(params int[] dims)
    {
        ArgumentNullException.ThrowIfNull(dims);
        long n = 1;
        foreach (int d in dims)
        {
            if (d < 0) throw new ArgumentException($"Shape {Format(dims)}: dimensions must be >= 0.", nameof(dims));
            n *= d;
            if (n > int.MaxValue) throw new ArgumentException($"Shape {Format(dims)}: more than {int.MaxValue} elements.", nameof(dims));
        }
        _dims = (int[])dims.Clone();
        Length = (int)n;
    }

    /// <summary>Number of dimensions.</summary>
    public int Rank => _dims.Length;

    /// <summary>Total number of elements.</summary>
    public int Length { get; }

    /// <summary>Size of dimension <paramref name="axis"/>.</summary>
    public int this[int axis] => _dims[axis];

    /// <summary>The dimensions as a read-only span.</summary>
    public ReadOnlySpan<int> Dims => _dims;

    /// <summary>Batch size N of an NCHW (or [N, features]) shape.</summary>
    public int N => _dims[0];

    /// <summary>Channels C of an NCHW shape.</summary>
    public int C => _dims[1];

    /// <summary>Height H of an NCHW shape.</summary>
    public int H => _dims[2];

    /// <summary>Width W of an NCHW shape.</summary>
    public int W => _dims[3];

    /// <summary>A copy of the dimensions.</summary>
    public int[] ToArray() => (int[])_dims.Clone();

    /// <inheritdoc />
    public bool Equals(Shape? other) => other is not null && _dims.AsSpan().SequenceEqual(other._dims);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as Shape);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var h = new HashCode();
        foreach (int d in _dims) h.Add(d);
        return h.ToHashCode();
    }

    /// <summary>Formats as <c>[4,1,64,48]</c>.</summary>
    public override string ToString() => Format(_dims);

    /// <summary>Shape equality by dimensions.</summary>
    public static bool operator ==(Shape? a, Shape? b) => a is null ? b is null : a.Equals(b);

    /// <summary>Shape inequality by dimensions.</summary>
    public static bool operator !=(Shape? a, Shape? b) => !(a == b);

    private static string Format(int[] dims) => "[" + string.Join(",", dims.Select(d => d.ToString(CultureInfo.InvariantCulture))) + "]";
}
