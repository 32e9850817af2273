using System.IO.Hashing;
using System.Runtime.InteropServices;

namespace MusicGenre.Nn.ModelFile;

/// <summary>
/// CRC-32 of a tensor's float32 values (their little-endian bytes, as stored), kept in the model file's
/// <c>/checksums</c> group so that a flipped byte in a weight is caught on load instead of predicting quietly wrong.
/// </summary>
internal static class TensorChecksum
{
    /// <summary>The group holding one attribute per tensor.</summary>
    public const string Group = "checksums";

    /// <summary>CRC-32 (IEEE) of <paramref name="values"/>.</summary>
    public static uint Of(ReadOnlySpan<float> values)
    {
        // The file stores little-endian float32; on a big-endian host the bytes would need swapping first.
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("model checksums assume a little-endian host");
        return Crc32.HashToUInt32(MemoryMarshal.AsBytes(values));
    }

    /// <summary>The attribute name of a tensor, e.g. <c>params:block1.conv.weight</c> or <c>normalization:mean</c>.</summary>
    public static string Key(string group, string name) => group + ":" + name;

    /// <summary>Every checksummed tensor of <paramref name="model"/> as (group, name, values): the one list writer and reader share.</summary>
    public static IEnumerable<(string Group, string Name, float[] Data)> Tensors(GenreModel model)
    {
        foreach (var t in model.Parameters) yield return ("params", t.Name, t.Data);
        foreach (var t in model.Buffers) yield return ("buffers", t.Name, t.Data);
        yield return ("normalization", "mean", model.Normalization.Mean);
        yield return ("normalization", "std", model.Normalization.Std);
    }
}
