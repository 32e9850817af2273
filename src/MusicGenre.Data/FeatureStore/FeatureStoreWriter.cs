using PureHDF;
using PureHDF.Filters;
using PureHDF.Selections;
using PureHDF.VOL.Native;

namespace MusicGenre.Data.FeatureStore;

/// <summary>
/// Writes a feature store (layout in <see cref="FeatureStoreLayout"/>) song by song and each song a piece at a time
/// (<see cref="DefaultPieceSegments"/> segments), so memory stays bounded whatever the length of a song or the number of
/// songs. The file appears atomically: it is written to a temp file beside the target and renamed.
/// </summary>
internal static class FeatureStoreWriter
{
    /// <summary>
    /// Writes <paramref name="songs"/> (in store order; each song's <see cref="StoreSong.FirstSegment"/> must follow the previous
    /// song's segments) and asks <paramref name="readSegments"/> for each song's segments, in order, a piece at a time.
    /// </summary>
    /// <example><code>FeatureStoreWriter.Write("features.h5", header, songs, (s, first, count, dst) => parts[s].Read(first, count, dst));</code></example>
    /// <exception cref="ArgumentException">Invalid header, songs out of order, labels out of range, or no segments.</exception>
    /// <exception cref="FeatureStoreException">A song cannot be read or written (the message names it, and the store);
    /// a <see cref="FeatureStoreException"/> of the source (a damaged input store) passes as it is: it names its file.</exception>
    public static void Write(string path, FeatureStoreHeader header, IReadOnlyList<StoreSong> songs,
        SongSegmentReader readSegments, CancellationToken cancellationToken = default) =>
        Write(path, header, songs, readSegments, DefaultChunkCacheCapacity, cancellationToken: cancellationToken);

    /// <summary>
    /// As the overload with a <see cref="SongSegmentReader"/>, for songs already in memory: <paramref name="songFeatures"/>
    /// gives each song's features whole, flat <c>[SegmentCount, Mels, Frames]</c> (asked once per song, in order).
    /// </summary>
    /// <exception cref="ArgumentException">As the other overload, or a feature block of the wrong length.</exception>
    public static void Write(string path, FeatureStoreHeader header, IReadOnlyList<StoreSong> songs,
        Func<int, ReadOnlyMemory<float>> songFeatures, CancellationToken cancellationToken = default) =>
        Write(path, header, songs, songFeatures, DefaultChunkCacheCapacity, cancellationToken: cancellationToken);

    /// <summary>Chunks (segments) buffered while writing: memory stays ~64 × one segment whatever the dataset size.</summary>
    internal const int DefaultChunkCacheCapacity = 64;

    /// <summary>
    /// Segments read from the source and handed to HDF5 at a time: 128 log-mel segments of 128 × 130 are 8.5 MB (6.4 min
    /// of audio), so a song of any length costs that, where a whole 27-hour song took 2 GiB twice (and failed beyond).
    /// </summary>
    internal const int DefaultPieceSegments = 128;

    /// <summary>As the public in-memory overload, with the options of the <see cref="SongSegmentReader"/> one.</summary>
    internal static void Write(string path, FeatureStoreHeader header, IReadOnlyList<StoreSong> songs,
        Func<int, ReadOnlyMemory<float>> songFeatures, int chunkCacheCapacity, bool legacyCompressed = false,
        int pieceSegments = DefaultPieceSegments, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(songFeatures);
        ArgumentNullException.ThrowIfNull(header);
        ArgumentNullException.ThrowIfNull(songs);
        Write(path, header, songs, InMemory(header, songs, songFeatures), chunkCacheCapacity, legacyCompressed, pieceSegments, cancellationToken);
    }

    /// <summary>
    /// As the public overload, with the number of chunks kept in memory before they are written out, the number of
    /// segments read and written at a time (tests: a few, to cut songs into several pieces) and (tests and benchmarks
    /// only) the compressed layout that builds up to c27513a (2026-12-06) wrote.
    /// </summary>
    internal static void Write(string path, FeatureStoreHeader header, IReadOnlyList<StoreSong> songs,
        SongSegmentReader readSegments, int chunkCacheCapacity, bool legacyCompressed = false,
        int pieceSegments = DefaultPieceSegments, CancellationToken cancellationToken = default)
    {
        // 1. Validate everything before touching the disk.
        ArgumentNullException.ThrowIfNull(header);
        ArgumentNullException.ThrowIfNull(songs);
        ArgumentNullException.ThrowIfNull(readSegments);
        ArgumentOutOfRangeException.ThrowIfLessThan(pieceSegments, 1);
        header.Validate();
        int segments = ValidateSongs(header, songs);

        // 2. Per-segment and per-song index datasets (small: written eagerly).
        var labels = new int[segments];
        var segmentSong = new int[segments];
        for (int s = 0; s < songs.Count; s++)
            for (int k = 0; k < songs[s].SegmentCount; k++)
            {
                labels[songs[s].FirstSegment + k] = songs[s].Label;
                segmentSong[songs[s].FirstSegment + k] = s;
            }

        // 3. The features dataset is declared with its final shape and filled song by song (one segment per chunk); a bounded
        //    chunk cache writes chunks out as it goes, so memory does not grow with the number of segments.
        //    No filters: unfiltered chunks of a fixed-shape dataset get HDF5's implicit chunk index (chunk k's address is
        //    computed), so reading one segment costs the same in a store of a hundred songs or a million. Filtered chunks
        //    get a fixed-array index, which PureHDF decodes whole on every read: O(segments) per read (9 ms per segment at
        //    3,000 segments, measured), while shuffle + deflate saved only ~21 % on log-mel.
        var filters = legacyCompressed
            ? new List<H5Filter> { new(ShuffleFilter.Id), new(DeflateFilter.Id, new() { [DeflateFilter.COMPRESSION_LEVEL] = 6 }) }
            : [];
        var features = new H5Dataset<float[]>(
            fileDims: [(ulong)segments, (ulong)header.Mels, (ulong)header.Frames],
            chunks: [1u, (uint)header.Mels, (uint)header.Frames],
            datasetCreation: new H5DatasetCreation(ChunkCache: new BoundedWritingChunkCache(chunkCacheCapacity), Filters: filters));

        // Each segment's CRC-32 is computed from the block it is written from and filled in song by song beside it, so a
        // reader can tell a damaged chunk from the values it was written with (stores of earlier builds: no checksums).
        var checksums = legacyCompressed ? null : new H5Dataset<uint[]>(fileDims: [(ulong)segments]);

        var file = new H5File
        {
            [FeatureStoreLayout.Features] = features,
            [FeatureStoreLayout.Labels] = labels,
            [FeatureStoreLayout.SegmentSong] = segmentSong,
            [FeatureStoreLayout.Genres] = header.GenreNames.ToArray(),
            [FeatureStoreLayout.Songs] = new H5Group
            {
                [FeatureStoreLayout.SongId] = songs.Select(s => s.SongId).ToArray(),
                [FeatureStoreLayout.SongPath] = songs.Select(s => s.Path).ToArray(),
                [FeatureStoreLayout.SongArtist] = songs.Select(s => s.Artist ?? "").ToArray(),
                [FeatureStoreLayout.SongLabel] = songs.Select(s => s.Label).ToArray(),
                [FeatureStoreLayout.SongFirst] = songs.Select(s => s.FirstSegment).ToArray(),
                [FeatureStoreLayout.SongCount] = songs.Select(s => s.SegmentCount).ToArray(),
            },
        };
        if (checksums is not null) file[FeatureStoreLayout.SegmentCrc32] = checksums;
        WriteAttributes(file.Attributes, header);

        // 4. Stream the songs into a temp file, a piece of each at a time, then rename it over the target. One buffer serves
        //    every piece; a song's last, shorter piece is the front of it (a memory selection), so nothing is allocated or
        //    copied per song. Each song's checksums (4 bytes a segment) are written in one go, as before pieces.
        int segmentLength = header.SegmentLength;
        pieceSegments = (int)Math.Min(Math.Min(pieceSegments, songs.Max(s => (long)s.SegmentCount)), Math.Max(1, Array.MaxLength / segmentLength));
        var piece = new float[(long)pieceSegments * segmentLength];
        MusicGenre.IO.SafeFile.Write(path, temp =>
        {
            using var writer = file.BeginWrite(temp);
            for (int s = 0; s < songs.Count; s++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var song = songs[s];
                if (song.SegmentCount == 0) continue;
                try
                {
                    var sums = checksums is null ? null : new uint[song.SegmentCount];
                    for (int first = 0; first < song.SegmentCount; first += pieceSegments)
                    {
                        cancellationToken.ThrowIfCancellationRequested();
                        int count = Math.Min(pieceSegments, song.SegmentCount - first);
                        var values = piece.AsSpan(0, count * segmentLength);
                        readSegments(s, first, count, values);
                        if (sums is not null)
                            for (int k = 0; k < count; k++) sums[first + k] = SegmentChecksum(values.Slice(k * segmentLength, segmentLength));
                        var fileSelection = new HyperslabSelection(3,
                            starts: [(ulong)song.FirstSegment + (ulong)first, 0, 0],
                            blocks: [(ulong)count, (ulong)header.Mels, (ulong)header.Frames]);
                        var memorySelection = values.Length == piece.Length ? null : new HyperslabSelection(start: 0, block: (ulong)values.Length);
                        writer.Write(features, piece, memorySelection, fileSelection);
                    }
                    if (checksums is not null)
                        writer.Write(checksums, sums!, fileSelection: new HyperslabSelection(start: (ulong)song.FirstSegment, block: (ulong)song.SegmentCount));
                }
                catch (Exception e) when (e is not (OperationCanceledException or FeatureStoreException or OutOfMemoryException) && !IsWrongBlock(e))
                {
                    // Without this a failure named nothing ("Arithmetic operation resulted in an overflow.", a spool part's
                    // I/O error under a hashed name). PureHDF writes through reflection: a full disk arrives wrapped in a
                    // TargetInvocationException, whose own message says nothing. Out of memory passes as it is (the CLI
                    // explains it).
                    var cause = e is System.Reflection.TargetInvocationException { InnerException: { } inner } ? inner : e;
                    if (cause is OutOfMemoryException) throw cause;
                    throw new FeatureStoreException(path, $"writing song '{song.SongId}' ({song.Path}) failed: {cause.Message}", cause);
                }
            }
        });
    }

    /// <summary>
    /// A source of whole songs as a <see cref="SongSegmentReader"/>: asks <paramref name="songFeatures"/> for a song when its
    /// first piece is wanted and checks the block's length.
    /// </summary>
    private static SongSegmentReader InMemory(FeatureStoreHeader header, IReadOnlyList<StoreSong> songs, Func<int, ReadOnlyMemory<float>> songFeatures)
    {
        int current = -1;
        ReadOnlyMemory<float> block = default;
        return (song, first, count, destination) =>
        {
            if (song != current)
            {
                block = songFeatures(song);
                long expected = (long)songs[song].SegmentCount * header.SegmentLength;
                if (block.Length != expected)
                    throw new ArgumentException($"features of song '{songs[song].SongId}' have {block.Length} floats, expected {expected} ({songs[song].SegmentCount} × {header.Mels} × {header.Frames})", nameof(songFeatures));
                current = song;
            }
            block.Span.Slice(first * header.SegmentLength, count * header.SegmentLength).CopyTo(destination);
        };
    }

    /// <summary>The caller's feature block of the wrong length (<see cref="InMemory"/>): an argument error that names its song already.</summary>
    private static bool IsWrongBlock(Exception e) => e is ArgumentException { ParamName: "songFeatures" };

    /// <summary>
    /// The CRC-32 (IEEE, as zlib.crc32 computes it) of each <paramref name="segmentLength"/>-float segment of
    /// <paramref name="block"/>, over the float32 values' little-endian bytes: the bytes HDF5 stores.
    /// </summary>
    internal static uint[] SegmentChecksums(ReadOnlySpan<float> block, int segmentLength)
    {
        var result = new uint[block.Length / segmentLength];
        for (int k = 0; k < result.Length; k++) result[k] = SegmentChecksum(block.Slice(k * segmentLength, segmentLength));
        return result;
    }

    /// <summary>The CRC-32 of one segment (see <see cref="SegmentChecksums"/>).</summary>
    internal static uint SegmentChecksum(ReadOnlySpan<float> segment)
    {
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("feature store checksums are defined on little-endian bytes");
        return System.IO.Hashing.Crc32.HashToUInt32(System.Runtime.InteropServices.MemoryMarshal.AsBytes(segment));
    }

    private static int ValidateSongs(FeatureStoreHeader header, IReadOnlyList<StoreSong> songs)
    {
        long next = 0;
        var problems = new List<string>();
        foreach (var song in songs)
        {
            if (song.FirstSegment != next) problems.Add($"song '{song.SongId}' starts at segment {song.FirstSegment}, expected {next}");
            if (song.SegmentCount < 0) problems.Add($"song '{song.SongId}' has {song.SegmentCount} segments");
            if ((uint)song.Label >= (uint)header.GenreNames.Count) problems.Add($"song '{song.SongId}' has label {song.Label}, outside 0..{header.GenreNames.Count - 1}");
            next = song.FirstSegment + (long)Math.Max(0, song.SegmentCount);
            if (problems.Count >= 5) break;
        }
        if (problems.Count == 0 && next == 0) problems.Add("no segments to write");
        if (problems.Count == 0 && next > int.MaxValue) problems.Add($"{next} segments exceed the format's int32 index");
        if (problems.Count > 0) throw new ArgumentException("Invalid feature store songs: " + string.Join("; ", problems), nameof(songs));
        return (int)next;
    }

    private static void WriteAttributes(IDictionary<string, object> attributes, FeatureStoreHeader header)
    {
        attributes["format"] = FeatureStoreLayout.Format;
        attributes["format_version"] = FeatureStoreLayout.Version;
        attributes["n_mels"] = header.Mels;
        attributes["frames"] = header.Frames;
        attributes["sample_rate"] = header.SampleRate;
        attributes["segment_seconds"] = header.SegmentSeconds;
        attributes["preset"] = header.PresetName;
        foreach (var (key, value) in header.PresetParameters)
            attributes[FeatureStoreLayout.PresetPrefix + key] = value is bool b ? (b ? 1 : 0) : value;
    }
}
