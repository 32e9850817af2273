using MusicGenre.Nn.ModelFile;
using PureHDF;

namespace MusicGenre.Pipeline.Features;

/// <summary>
/// Writes the single-clip feature file of <c>musicgenre features</c>: float32 datasets (row-major, shapes as librosa's
/// [n_mels, frames]) at the root plus scalar attributes, readable by h5py. The file is written to a temporary name in
/// the destination folder and renamed over the target, so an existing file is never left half-written.
/// </summary>
internal static class FeatureFileWriter
{
    /// <summary>One float32 dataset: name at the file root, row-major data, and its shape.</summary>
    public readonly record struct Dataset(string Name, float[] Data, int[] Shape);

    public static void Write(string path, IReadOnlyList<Dataset> datasets, IReadOnlyDictionary<string, object> attributes)
    {
        var file = new H5File();
        foreach (var (key, value) in attributes)
            file.Attributes[key] = value;
        foreach (var ds in datasets)
        {
            long count = 1;
            foreach (int d in ds.Shape) count *= d;
            if (count != ds.Data.Length)
                throw new ArgumentException($"dataset '{ds.Name}': shape [{string.Join(", ", ds.Shape)}] does not hold {ds.Data.Length} values");
            file[ds.Name] = new H5Dataset(ds.Data, fileDims: ds.Shape.Select(d => (ulong)d).ToArray());
        }
        MusicGenre.IO.SafeFile.Write(path, tmp => file.Write(tmp));
    }
}
