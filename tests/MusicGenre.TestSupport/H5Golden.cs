using PureHDF;
using PureHDF.VOL.Native;

namespace MusicGenre.TestSupport;

/// <summary>Reads golden HDF5 datasets (row-major) with PureHDF. Dispose to close the file.</summary>
public sealed class H5Golden : IDisposable
{
    private readonly NativeFile _file;

    public H5Golden(string path) { Path = path; _file = H5File.OpenRead(path); }

    public string Path { get; }

    /// <summary>The open PureHDF file, for anything the helpers below do not cover.</summary>
    public NativeFile File => _file;

    /// <summary>A float32 dataset, flattened row-major, with its shape.</summary>
    public (float[] Data, int[] Shape) Float(string dataset)
    {
        var ds = _file.Dataset(dataset);
        return (ds.Read<float[]>(), ds.Space.Dimensions.Select(d => checked((int)d)).ToArray());
    }

    /// <summary>A float64 dataset, flattened row-major, with its shape.</summary>
    public (double[] Data, int[] Shape) Double(string dataset)
    {
        var ds = _file.Dataset(dataset);
        return (ds.Read<double[]>(), ds.Space.Dimensions.Select(d => checked((int)d)).ToArray());
    }

    /// <summary>An int64 dataset (e.g. torch labels).</summary>
    public long[] Long(string dataset) => _file.Dataset(dataset).Read<long[]>();

    public bool Exists(string path) => _file.LinkExists(path);

    /// <summary>Names of the links in a group.</summary>
    public IEnumerable<string> Children(string group) => _file.Group(group).Children().Select(c => c.Name);

    public string StringAttr(string obj, string name) => Obj(obj).Attribute(name).Read<string>();

    /// <summary>A numeric scalar attribute, integer or float (PureHDF reinterprets bytes, so dispatch on the stored type).</summary>
    public double NumberAttr(string obj, string name)
    {
        var a = Obj(obj).Attribute(name);
        return a.Type.Class switch
        {
            H5DataTypeClass.FixedPoint => a.Type.Size == 8 ? a.Read<long>() : a.Read<int>(),
            H5DataTypeClass.FloatingPoint => a.Type.Size == 8 ? a.Read<double>() : a.Read<float>(),
            _ => throw new InvalidDataException($"{Path}: attribute {obj}@{name} is {a.Type.Class}, not a number"),
        };
    }

    private IH5Object Obj(string path) => path is "/" or "" ? _file : _file.Get(path);

    public void Dispose() => _file.Dispose();
}
