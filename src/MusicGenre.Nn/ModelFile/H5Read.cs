using PureHDF;

namespace MusicGenre.Nn.ModelFile;

/// <summary>
/// Typed, validating reads from a PureHDF object. PureHDF's <c>Read&lt;T&gt;</c> reinterprets bytes, so numbers are read
/// by dispatching on the stored class and size; every failure becomes a <see cref="ModelFileException"/> naming the file.
/// </summary>
internal readonly struct H5Read(string path)
{
    /// <summary>The file being read (for messages).</summary>
    public string Path { get; } = path;

    public IH5Attribute Attribute(IH5Object obj, string name, string where)
    {
        if (!obj.AttributeExists(name)) throw Fail($"missing attribute '{name}' on {where}");
        return obj.Attribute(name);
    }

    public string String(IH5Object obj, string name, string where)
    {
        var a = Attribute(obj, name, where);
        if (!IsString(a)) throw Fail($"attribute {where}@{name} is {a.Type.Class}, expected a string");
        return a.Read<string>() ?? ""; // PureHDF may read an empty string as null
    }

    public string[] Strings(IH5Object obj, string name, string where)
    {
        var a = Attribute(obj, name, where);
        if (!IsString(a)) throw Fail($"attribute {where}@{name} is {a.Type.Class}, expected strings");
        // PureHDF reads some empty variable-length strings as null (h5py reads b''): null is the empty string here.
        return a.Space.Rank == 0 ? [a.Read<string>() ?? ""] : a.Read<string[]>().Select(v => v ?? "").ToArray();
    }

    /// <summary>Fixed-length or variable-length (h5py's and PureHDF's default) string.</summary>
    private static bool IsString(IH5Attribute a) =>
        a.Type.Class == H5DataTypeClass.String || a.Type.Class == H5DataTypeClass.VariableLength && a.Type.VariableLength.BaseType.Class == H5DataTypeClass.FixedPoint && a.Type.VariableLength.BaseType.Size == 1;

    public double Number(IH5Object obj, string name, string where) => Number(Attribute(obj, name, where), $"{where}@{name}");

    public long Integer(IH5Object obj, string name, string where)
    {
        double v = Number(obj, name, where);
        if (v != Math.Floor(v) || Math.Abs(v) > 1e15) throw Fail($"attribute {where}@{name} = {v} is not an integer");
        return (long)v;
    }

    public double Number(IH5Attribute a, string what)
    {
        bool signed = a.Type.Class != H5DataTypeClass.FixedPoint || a.Type.FixedPoint.IsSigned;
        return (a.Type.Class, a.Type.Size) switch
        {
            (H5DataTypeClass.FloatingPoint, 8) => a.Read<double>(),
            (H5DataTypeClass.FloatingPoint, 4) => a.Read<float>(),
            (H5DataTypeClass.FixedPoint, 8) => signed ? a.Read<long>() : a.Read<ulong>(),
            (H5DataTypeClass.FixedPoint, 4) => signed ? a.Read<int>() : a.Read<uint>(),
            (H5DataTypeClass.FixedPoint, 2) => signed ? a.Read<short>() : a.Read<ushort>(),
            (H5DataTypeClass.FixedPoint, 1) => signed ? a.Read<sbyte>() : a.Read<byte>(),
            _ => throw Fail($"attribute {what} is {a.Type.Class} of {a.Type.Size} bytes, expected a number"),
        };
    }

    public IH5Group Group(IH5Group parent, string name)
    {
        if (!parent.LinkExists(name)) throw Fail($"missing group '{name}'");
        return Child<IH5Group>(parent, name, $"group '{name}'");
    }

    /// <summary>
    /// The object <paramref name="name"/> of <paramref name="parent"/> (which exists) as a group or dataset; a link that
    /// cannot be followed (a soft link leading back to itself, or to nothing) or an object of the other kind is named
    /// as <paramref name="what"/>.
    /// </summary>
    public T Child<T>(IH5Group parent, string name, string what) where T : class, IH5Object => parent.Get(name) switch
    {
        T found => found,
        IH5UnresolvedLink link => throw Fail($"{what} is a link that cannot be followed ({link.Reason?.Message ?? "no target"})"),
        _ => throw Fail($"{what} is not a{(typeof(T) == typeof(IH5Group) ? " group" : " dataset")}"),
    };

    /// <summary>A dataset's shape, checked to be of element type float<paramref name="bytes"/>·8 before any data is read.</summary>
    public int[] Shape(IH5Dataset ds, string what, H5DataTypeClass cls, int bytes)
    {
        if (ds.Type.Class != cls || ds.Type.Size != bytes)
            throw Fail($"dataset {what} is {ds.Type.Class} of {ds.Type.Size} bytes, expected {cls} of {bytes}");
        var dims = ds.Space.Dimensions;
        long n = 1;
        var shape = new int[dims.Length];
        for (int i = 0; i < dims.Length; i++)
        {
            if (dims[i] > int.MaxValue) throw Fail($"dataset {what} has an impossible dimension {dims[i]}");
            shape[i] = (int)dims[i];
            n *= shape[i];
            if (n > int.MaxValue) throw Fail($"dataset {what} has too many elements");
        }
        return shape;
    }

    /// <summary>A float32 dataset whose element count must equal <paramref name="expectedLength"/> (checked before reading, so a corrupt header cannot trigger a huge allocation).</summary>
    public float[] Floats(IH5Group group, string name, string what, long? expectedLength, out int[] shape)
    {
        if (!group.LinkExists(name)) throw Fail($"missing dataset {what}");
        var ds = Child<IH5Dataset>(group, name, $"dataset {what}");
        shape = Shape(ds, what, H5DataTypeClass.FloatingPoint, 4);
        long n = shape.Aggregate(1L, (a, d) => a * d);
        if (expectedLength is { } e && n != e) throw Fail($"dataset {what} has {n} elements, expected {e}");
        return n == 0 ? [] : ds.Read<float[]>();
    }

    public ModelFileException Fail(string problem, Exception? inner = null) => new(Path, problem, inner);
}
