using System.Runtime.InteropServices;

namespace MusicGenre.Pipeline.Preprocess;

/// <summary>
/// One finished song in the spool folder: a small binary file, little-endian —
/// <c>magic "MGSP", version, song id, status (0 ok / 1 bad)</c>, then for ok songs <c>mels, frames, segments, padded</c>
/// and the float32 features <c>[segments, mels, frames]</c>, for bad songs the reason. Parts are written to a temp file
/// and renamed, so a part that exists is complete; a killed run leaves at most temp files, which are deleted on restart.
/// </summary>
internal sealed record SpoolPart(string SongId, bool Ok, int Mels, int Frames, int Segments, bool Padded, string? Reason, long DataOffset)
{
    private const int Magic = 0x5053474D, Version = 1;

    /// <summary>Reads a part's header and checks the file length; null when the file is damaged or not a part.</summary>
    public static SpoolPart? TryRead(string path)
    {
        try
        {
            using var stream = File.OpenRead(path);
            using var reader = new BinaryReader(stream);
            if (reader.ReadInt32() != Magic || reader.ReadInt32() != Version) return null;
            string songId = reader.ReadString();
            byte status = reader.ReadByte();
            if (status == 1) return new SpoolPart(songId, false, 0, 0, 0, false, reader.ReadString(), 0);
            if (status != 0) return null;
            int mels = reader.ReadInt32(), frames = reader.ReadInt32(), segments = reader.ReadInt32();
            bool padded = reader.ReadBoolean();
            long offset = stream.Position;
            if (mels <= 0 || frames <= 0 || segments <= 0 || stream.Length != offset + 4L * mels * frames * segments) return null;
            return new SpoolPart(songId, true, mels, frames, segments, padded, null, offset);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>The features <c>[Segments, Mels, Frames]</c> of an ok part.</summary>
    public float[] ReadFeatures(string path)
    {
        var data = new float[(long)Segments * Mels * Frames];
        using var stream = File.OpenRead(path);
        stream.Position = DataOffset;
        stream.ReadExactly(MemoryMarshal.AsBytes(data.AsSpan()));
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("spool parts are little-endian");
        return data;
    }

    /// <summary>Writes a bad-song part atomically.</summary>
    public static void WriteBad(string path, string songId, string reason)
    {
        string temp = TempPath(path);
        try
        {
            using (var writer = new BinaryWriter(File.Create(temp)))
            {
                WritePreamble(writer, songId, status: 1);
                writer.Write(reason);
            }
            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    /// <summary>Starts an ok part: segments are appended as they are computed, then <see cref="SpoolPartWriter.Commit"/> renames it into place.</summary>
    public static SpoolPartWriter Begin(string path, string songId, int mels, int frames) => new(path, songId, mels, frames);

    internal static void WritePreamble(BinaryWriter writer, string songId, byte status)
    {
        writer.Write(Magic);
        writer.Write(Version);
        writer.Write(songId);
        writer.Write(status);
    }

    internal static string TempPath(string path) => $"{path}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";
}
