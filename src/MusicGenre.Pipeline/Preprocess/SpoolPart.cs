using System.Diagnostics;
using System.Runtime.InteropServices;

namespace MusicGenre.Pipeline.Preprocess;

/// <summary>
/// One finished song in the spool folder: a small binary file, little-endian —
/// <c>magic "MGSP", version, song id, source stamp, status (0 ok / 1 bad)</c>, then for ok songs
/// <c>mels, frames, segments, padded</c> and the float32 features <c>[segments, mels, frames]</c>, for bad songs the reason.
/// Parts are written to a temp file and renamed, so a part that exists is complete; a killed run leaves at most temp
/// files, which are deleted on restart. The source stamp (<see cref="SourceStamp"/>) ties a part to the bytes of the
/// audio file it was computed from: a re-run over a file with the same song id but other content recomputes it.
/// </summary>
internal sealed record SpoolPart(string SongId, string Source, bool Ok, int Mels, int Frames, int Segments, bool Padded, string? Reason, long DataOffset)
{
    // Version 2 added the source stamp; parts of version 1 are not trusted (recomputed).
    private const int Magic = 0x5053474D, Version = 2;

    /// <summary>Bytes hashed at each end of the file by <see cref="SourceStamp"/>.</summary>
    private const int StampBytes = 64 * 1024;

    /// <summary>
    /// What identifies the content of the audio file at <paramref name="path"/>, cheaply: its length and an XxHash64 of its
    /// first and last 64 KiB (all of it when smaller). Two recordings with the same name, length and even modification
    /// time (a <c>cp -p</c>) differ in their samples, hence in the hash; touching a file changes nothing.
    /// "missing" when it cannot be read.
    /// </summary>
    public static string SourceStamp(string path)
    {
        // Never open what would block (a named pipe): the decoder then says what is wrong with it.
        if (MusicGenre.IO.InputFile.Check(path) is not null) return "missing";
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
            long length = stream.Length;
            var hash = new System.IO.Hashing.XxHash64();
            var buffer = new byte[(int)Math.Min(length, StampBytes)];
            stream.ReadExactly(buffer);
            hash.Append(buffer);
            if (length > StampBytes)
            {
                stream.Position = Math.Max(StampBytes, length - StampBytes);
                int tail = (int)(length - stream.Position);
                stream.ReadExactly(buffer.AsSpan(0, tail));
                hash.Append(buffer.AsSpan(0, tail));
            }
            return string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{length}:{hash.GetCurrentHashAsUInt64():x16}");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return "missing";
        }
    }

    /// <summary>Reads a part's header and checks the file length; null when the file is damaged or not a part.</summary>
    public static SpoolPart? TryRead(string path)
    {
        try
        {
            using var stream = File.OpenRead(path);
            using var reader = new BinaryReader(stream);
            if (reader.ReadInt32() != Magic || reader.ReadInt32() != Version) return null;
            string songId = reader.ReadString(), source = reader.ReadString();
            byte status = reader.ReadByte();
            if (status == 1) return new SpoolPart(songId, source, false, 0, 0, 0, false, reader.ReadString(), 0);
            if (status != 0) return null;
            int mels = reader.ReadInt32(), frames = reader.ReadInt32(), segments = reader.ReadInt32();
            bool padded = reader.ReadBoolean();
            long offset = stream.Position;
            if (mels <= 0 || frames <= 0 || segments <= 0 || stream.Length != offset + 4L * mels * frames * segments) return null;
            return new SpoolPart(songId, source, true, mels, frames, segments, padded, null, offset);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>
    /// Reads segments <c>[first, first + count)</c> of an ok part into <paramref name="destination"/> (<c>[count, Mels, Frames]</c>).
    /// A piece at a time, never the whole song: a song of 27 hours holds more than 2 GiB of features, more than one span
    /// of bytes can address, and a whole long song in memory (twice, with the store's copy) was what ran a small machine out.
    /// </summary>
    /// <exception cref="IOException">The part cannot be read (gone, or shorter than its header says: changed since).</exception>
    public void ReadSegments(string path, int first, int count, Span<float> destination)
    {
        Debug.Assert(Ok && first >= 0 && count >= 0 && (long)first + count <= Segments && destination.Length == (long)count * Mels * Frames);
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("spool parts are little-endian");
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
        stream.Position = DataOffset + 4L * first * Mels * Frames;
        stream.ReadExactly(MemoryMarshal.AsBytes(destination));
    }

    /// <summary>Writes a bad-song part atomically.</summary>
    /// <exception cref="PreprocessException">The part cannot be written (disk full, folder gone, …).</exception>
    public static void WriteBad(string path, string songId, string source, string reason) => Writing(path, () =>
    {
        using var pending = MusicGenre.IO.SafeFile.Begin(path, removeStaleTemps: false); // SpoolFolder sweeps its temps at start
        using (var writer = new BinaryWriter(File.Create(pending.TempPath)))
        {
            WritePreamble(writer, songId, source, status: 1);
            writer.Write(reason);
        }
        pending.Commit();
    });

    /// <summary>
    /// Runs a write of the part at <paramref name="path"/>. A failure to write the spool is this run's failure, not the
    /// song's (a full disk, a folder removed by another process): it becomes a <see cref="PreprocessException"/> that
    /// stops the run, instead of an I/O error the worker would record as a bad song and a re-run would then trust.
    /// </summary>
    internal static void Writing(string path, Action write)
    {
        try { write(); }
        catch (Exception e) when (IsWriteError(e)) { throw WriteFailed(path, e); }
    }

    /// <summary>Whether <paramref name="e"/> is a failure to write a file (disk full, folder gone, no permission).</summary>
    internal static bool IsWriteError(Exception e) => e is IOException or UnauthorizedAccessException;

    /// <summary>The run's failure for a part that could not be written (the one message for it).</summary>
    internal static PreprocessException WriteFailed(string path, Exception e) => new($"cannot write the spool part {path}: {e.Message}", e);

    /// <summary>Starts an ok part: segments are appended as they are computed, then <see cref="SpoolPartWriter.Commit"/> renames it into place.</summary>
    public static SpoolPartWriter Begin(string path, string songId, string source, int mels, int frames) => new(path, songId, source, mels, frames);

    internal static void WritePreamble(BinaryWriter writer, string songId, string source, byte status)
    {
        writer.Write(Magic);
        writer.Write(Version);
        writer.Write(songId);
        writer.Write(source);
        writer.Write(status);
    }
}
