using PureHDF;
using PureHDF.VOL.Native;

namespace MusicGenre.Data;

/// <summary>
/// The root <c>format</c> attribute every MusicGenre HDF5 file carries ("musicgenre-features", "musicgenre-model",
/// "musicgenre-checkpoint", "musicgenre-clip-features"): how a command tells its own kind of file from another before
/// replacing it.
/// </summary>
internal static class Hdf5RootFormat
{
    /// <summary>Whether the root of the HDF5 file at <paramref name="path"/> holds datasets of all these names.</summary>
    /// <exception cref="IOException">The file cannot be opened or read as HDF5.</exception>
    public static bool HasRootDatasets(string path, params string[] names) => WithFile(path, file => names.All(file.LinkExists));

    /// <summary>The root <c>format</c> attribute of the HDF5 file at <paramref name="path"/>, or null when it has none.</summary>
    /// <exception cref="IOException">The file cannot be opened or read as HDF5 (the message says why).</exception>
    public static string? Read(string path) => WithFile(path, file =>
    {
        if (!file.AttributeExists("format")) return null;
        var attribute = file.Attribute("format");
        if (attribute.Type.Class is not (H5DataTypeClass.String or H5DataTypeClass.VariableLength)) return null;
        try { return attribute.Read<string>(); }
        catch (Exception e) when (e is not OutOfMemoryException) { return null; } // a variable-length non-string: another program's
    });

    // Opens the file for one question; PureHDF's own failures become IOExceptions that say the file is not readable HDF5.
    private static T WithFile<T>(string path, Func<NativeFile, T> ask)
    {
        MusicGenre.IO.InputFile.Require(path, "HDF5 file"); // a pipe would block the open
        try
        {
            using var file = MusicGenre.IO.StackGuardStream.OpenFile(path, s => H5File.Open(s));
            return ask(file);
        }
        catch (Exception e) when (e is not OutOfMemoryException and not IOException)
        {
            throw new IOException($"not a readable HDF5 file ({e.Message})", e);
        }
    }
}
