using PureHDF;
using PureHDF.VOL.Native;

namespace MusicGenre.Data.Msd;

/// <summary>Reads the track summary of one Million Song Dataset per-track HDF5 file with PureHDF.</summary>
internal static class MsdTrackReader
{
    private const string MetadataSongs = "/metadata/songs";
    private const string AnalysisSongs = "/analysis/songs";
    private const string MusicbrainzSongs = "/musicbrainz/songs";

    /// <summary>
    /// Reads track id, 7digital id, artist, title, song id, release, duration, tempo and year from an MSD track file.
    /// </summary>
    /// <example><code>MsdTrack t = MsdTrackReader.Read("TRAXLZU12903D05F94.h5"); // t.Track7DigitalId == 8707738</code></example>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="MsdFormatException">The file is not HDF5, is truncated, or lacks the MSD tables; names the file.</exception>
    public static MsdTrack Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        // 0. Only a regular, non-empty file is opened (a pipe would block the open); a folder walk lists the others as unreadable.
        switch (MusicGenre.IO.InputFile.Check(path))
        {
            case null: break;
            case { Kind: MusicGenre.IO.InputFile.Kind.Missing or MusicGenre.IO.InputFile.Kind.BrokenLink }:
                throw new FileNotFoundException($"{path}: MSD track file not found", path);
            case { } problem: throw new MsdFormatException(path, $"the file is {problem.Text}");
        }

        // 1. Cheap signature check first so a non-HDF5 file gets a precise reason instead of a parser error.
        CheckSignature(path);

        // 2. Open and read the three one-row compound tables. PureHDF throws plain exceptions for corrupt
        //    structures; every one of them is re-thrown as MsdFormatException naming the file.
        try
        {
            using var file = MusicGenre.IO.StackGuardStream.OpenFile(path, s => H5File.Open(s));
            var meta = ReadSingleRow<MetadataSongsRow>(file, path, MetadataSongs);
            var analysis = ReadSingleRow<AnalysisSongsRow>(file, path, AnalysisSongs);
            int year = ReadYear(file);

            // 3. Validate what identifies the track; everything else may legitimately be empty in the MSD.
            string trackId = Clean(analysis.track_id);
            if (trackId.Length == 0)
                throw new MsdFormatException(path, $"{AnalysisSongs} has an empty track_id");

            return new MsdTrack(
                trackId,
                meta.track_7digitalid,
                Clean(meta.artist_name),
                Clean(meta.title),
                Clean(meta.song_id),
                Clean(meta.release),
                analysis.duration,
                analysis.tempo,
                year,
                path);
        }
        catch (MsdFormatException)
        {
            throw;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new MsdFormatException(path, $"corrupt or unexpected HDF5 content ({e.Message})", e);
        }
    }

    private static void CheckSignature(string path)
    {
        // HDF5 format signature: \x89 H D F \r \n \x1a \n at offset 0 (MSD files have no user block), followed by
        // the superblock, which records the end-of-file address: a file shorter than that was cut off (e.g. an
        // interrupted copy) even when the tables we need happen to sit in the part that survived.
        ReadOnlySpan<byte> signature = [0x89, (byte)'H', (byte)'D', (byte)'F', 0x0D, 0x0A, 0x1A, 0x0A];
        Span<byte> head = stackalloc byte[64];
        int read;
        long length;
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
            length = stream.Length;
            read = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new MsdFormatException(path, $"cannot read the file ({e.Message})", e);
        }

        if (read < signature.Length)
            throw new MsdFormatException(path, $"file is only {read} bytes long, too short for HDF5");
        if (!head[..signature.Length].SequenceEqual(signature))
            throw new MsdFormatException(path, "no HDF5 signature at the start of the file");
        if (SuperblockEndOfFile(head[..read]) is { } endOfFile && length < endOfFile)
            throw new MsdFormatException(path, $"truncated: the file has {length} bytes but its HDF5 superblock says {endOfFile}");
    }

    /// <summary>
    /// The end-of-file address recorded in the superblock (HDF5 file format spec, "Superblock" versions 0-3), or null
    /// when the superblock is too short to tell or uses offsets that are not 8 bytes wide.
    /// </summary>
    private static long? SuperblockEndOfFile(ReadOnlySpan<byte> head)
    {
        if (head.Length < 9)
            return null;
        byte version = head[8];
        int offsetSize, baseAddressAt, fieldsBefore;
        switch (version)
        {
            case 0 or 1:
                // sig(8) versions(4) reserved(1) offset size(13) length size(14) reserved(15) K values(16..19)
                // flags(20..23) [v1: indexed K + reserved (24..27)] base, free-space, EOF, driver addresses.
                offsetSize = head.Length > 13 ? head[13] : 0;
                baseAddressAt = version == 0 ? 24 : 28;
                fieldsBefore = 2; // base address and free-space info address precede the EOF address
                break;
            case 2 or 3:
                // sig(8) version(8) offset size(9) length size(10) flags(11) base, extension, EOF, root addresses.
                offsetSize = head[9];
                baseAddressAt = 12;
                fieldsBefore = 2; // base address and superblock extension address precede the EOF address
                break;
            default:
                return null;
        }
        if (offsetSize != 8)
            return null;
        int eofAt = baseAddressAt + fieldsBefore * offsetSize;
        if (head.Length < eofAt + offsetSize)
            return null;
        ulong baseAddress = System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(head[baseAddressAt..]);
        ulong endOfFile = System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(head[eofAt..]);
        ulong total = baseAddress + endOfFile;
        return total is 0 or > long.MaxValue ? null : (long)total;
    }

    private static T ReadSingleRow<T>(NativeFile file, string path, string dataset)
    {
        if (!file.LinkExists(dataset))
            throw new MsdFormatException(path, $"dataset {dataset} is missing");
        var rows = file.Dataset(dataset).Read<T[]>();
        if (rows.Length == 0)
            throw new MsdFormatException(path, $"dataset {dataset} has no rows");
        return rows[0];
    }

    private static int ReadYear(NativeFile file)
    {
        // The year is optional: older or partial files may lack the table or store another layout.
        if (!file.LinkExists(MusicbrainzSongs))
            return 0;
        var dataset = file.Dataset(MusicbrainzSongs);
        if (dataset.Type.Class != H5DataTypeClass.Compound || dataset.Type.Size != 8)
            return 0;
        var rows = dataset.Read<MusicbrainzSongsRow[]>();
        return rows.Length > 0 ? rows[0].year : 0;
    }

    private static string Clean(string? value) => value is null ? string.Empty : value.TrimEnd('\0', ' ');
}
