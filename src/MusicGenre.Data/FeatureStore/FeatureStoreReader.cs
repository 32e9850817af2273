using PureHDF;
using PureHDF.Selections;
using PureHDF.VOL.Native;

namespace MusicGenre.Data.FeatureStore;

/// <summary>
/// Reads a feature store: the header, per-segment labels and song index, the song table, and features by segment
/// (random access, for training batches) or by song (all its segments, for song-level evaluation). Reads are serialised
/// by a lock, so one reader may be shared by threads. Dispose to close the file.
/// </summary>
internal sealed class FeatureStoreReader : IDisposable
{
    private readonly NativeFile _file;
    private readonly NativeDataset _features;
    private readonly Lock _gate = new();

    private FeatureStoreReader(string path, NativeFile file)
    {
        Path = path;
        _file = file;
        Header = ReadHeader();
        _features = Dataset(FeatureStoreLayout.Features) as NativeDataset
            ?? throw new FeatureStoreException(path, $"dataset '/{FeatureStoreLayout.Features}' is not a native HDF5 dataset");
        Labels = Dataset(FeatureStoreLayout.Labels).Read<int[]>();
        SegmentSong = Dataset(FeatureStoreLayout.SegmentSong).Read<int[]>();
        _checksums = _file.LinkExists(FeatureStoreLayout.SegmentCrc32) ? ReadChecksums(Dataset(FeatureStoreLayout.SegmentCrc32)) : null;
        Songs = ReadSongs();
        Check();
    }

    /// <summary>Each segment's stored CRC-32, or null for a store of a build that wrote none (up to ce7d069).</summary>
    private readonly uint[]? _checksums;

    /// <summary>Whether the store holds a checksum of each segment, verified on every read (stores of builds up to
    /// ce7d069, 2026-12-07, hold none: only non-finite values show damage there).</summary>
    public bool HasChecksums => _checksums is not null;

    /// <summary>The store's file.</summary>
    public string Path { get; }

    /// <summary>Genre names, shape, segment length and preset.</summary>
    public FeatureStoreHeader Header { get; }

    /// <summary>Genre index of each segment.</summary>
    public IReadOnlyList<int> Labels { get; }

    /// <summary>Song index (into <see cref="Songs"/>) of each segment.</summary>
    public IReadOnlyList<int> SegmentSong { get; }

    /// <summary>The songs, each with its consecutive segment range.</summary>
    public IReadOnlyList<StoreSong> Songs { get; }

    /// <summary>Number of segments.</summary>
    public int SegmentCount => Labels.Count;

    /// <summary>Opens a store and reads its index (not its features).</summary>
    /// <example><code>using var store = FeatureStoreReader.Open("features.h5"); store.ReadSegment(7, buffer);</code></example>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="FeatureStoreException">The file is not HDF5, not a MusicGenre feature store, or inconsistent.</exception>
    public static FeatureStoreReader Open(string path)
    {
        string full = System.IO.Path.GetFullPath(path);
        switch (MusicGenre.IO.InputFile.Check(full))
        {
            case null: break;
            case { Kind: MusicGenre.IO.InputFile.Kind.Missing }: throw new FileNotFoundException($"feature store not found: {full}", full);
            case { } problem: throw new FeatureStoreException(full, $"not a feature store: {problem.Text}");
        }
        NativeFile file;
        try { file = MusicGenre.IO.StackGuardStream.OpenFile(full, s => H5File.Open(s)); }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new FeatureStoreException(full, $"not a readable HDF5 file ({e.Message})", e);
        }
        try { return new FeatureStoreReader(full, file); }
        catch (Exception e) when (e is not FeatureStoreException and not OutOfMemoryException)
        {
            file.Dispose();
            throw new FeatureStoreException(full, $"not a MusicGenre feature store ({e.Message})", e);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>Reads segment <paramref name="segment"/> into <paramref name="destination"/> (<c>[Mels, Frames]</c>, row-major).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The segment index is outside the store.</exception>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is shorter than <see cref="FeatureStoreHeader.SegmentLength"/>.</exception>
    public void ReadSegment(int segment, Span<float> destination) => ReadSegments(segment, 1, destination);

    /// <summary>Reads <paramref name="count"/> consecutive segments into <paramref name="destination"/> (<c>[count, Mels, Frames]</c>; after an exception its contents are unspecified).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The range is outside the store.</exception>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is too short.</exception>
    public void ReadSegments(int first, int count, Span<float> destination)
    {
        // 1. Validate the range and the destination.
        if (first < 0 || count < 0 || (long)first + count > SegmentCount)
            throw new ArgumentOutOfRangeException(nameof(first), $"segments [{first}, {(long)first + count}) are outside the store's 0..{SegmentCount} ({Path})");
        long needed = (long)count * Header.SegmentLength;
        if (destination.Length < needed)
            throw new ArgumentException($"destination holds {destination.Length} floats, {needed} needed for {count} segment(s)", nameof(destination));
        if (count == 0) return;

        // 2. Read the hyperslab [first, first + count) × all mels × all frames.
        var selection = new HyperslabSelection(3,
            starts: [(ulong)first, 0, 0],
            blocks: [(ulong)count, (ulong)Header.Mels, (ulong)Header.Frames]);
        // Straight into the destination: no intermediate array (a training run reads every segment of every epoch).
        var values = destination[..(int)needed];
        try
        {
            lock (_gate) _features.Read(values, fileSelection: selection, memoryDims: [(ulong)needed]);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // PureHDF reads lazily: a truncated file or a damaged compressed chunk shows only here, with a bare message.
            throw new FeatureStoreException(Path, $"segments {first}..{first + count - 1} ({SongsOf(first, count)}) cannot be read: the file is truncated or damaged ({e.Message})", e);
        }
        // 3. Each segment's bytes must hash to the CRC-32 written with them: a flipped bit in a chunk is otherwise a quietly
        //    different spectrogram (CRC-32 costs ~5 µs per 128 × 130 segment, a fifth of reading it).
        if (_checksums is not null)
            for (int k = 0; k < count; k++)
            {
                int segment = first + k;
                uint actual = FeatureStoreWriter.SegmentChecksum(values.Slice(k * Header.SegmentLength, Header.SegmentLength));
                if (actual != _checksums[segment])
                    throw new FeatureStoreException(Path, $"segment {segment} (song '{Songs[SegmentSong[segment]].SongId}') does not match its checksum (CRC-32 {actual:x8}, stored {_checksums[segment]:x8}): the store is damaged; make it again with preprocess");
            }
        // 4. Stored features are finite log-mels; anything else is damage (or a store written from bad audio by an old
        //    build) and would turn training and scores into NaN without saying where.
        if (MusicGenre.Simd.SampleScan.IndexOfNonFinite(values) is var bad and >= 0)
        {
            int segment = first + bad / Header.SegmentLength;
            string song = Songs[SegmentSong[segment]].SongId;
            throw new FeatureStoreException(Path, $"segment {segment} (song '{song}') holds a non-finite value ({values[bad]}): the store is damaged or was made from bad audio");
        }
    }

    /// <summary>The song, or first and last song, that segments <c>[first, first + count)</c> belong to, for messages.</summary>
    private string SongsOf(int first, int count)
    {
        string a = Songs[SegmentSong[first]].SongId, b = Songs[SegmentSong[first + count - 1]].SongId;
        return a == b ? $"song '{a}'" : $"songs '{a}' to '{b}'";
    }

    /// <summary>All segments of song <paramref name="song"/>, flat <c>[SegmentCount, Mels, Frames]</c>.</summary>
    public float[] ReadSong(int song)
    {
        if ((uint)song >= (uint)Songs.Count)
            throw new ArgumentOutOfRangeException(nameof(song), $"song {song} is outside the store's 0..{Songs.Count - 1} ({Path})");
        var s = Songs[song];
        var result = new float[(long)s.SegmentCount * Header.SegmentLength];
        ReadSegments(s.FirstSegment, s.SegmentCount, result);
        return result;
    }

    /// <inheritdoc />
    public void Dispose() => _file.Dispose();

    private IH5Dataset Dataset(string name) => Child<IH5Dataset>(_file, name, $"dataset '/{name}'");

    /// <summary>
    /// The object <paramref name="name"/> of <paramref name="parent"/> as a group or dataset: missing, a link that cannot be
    /// followed (a soft link leading back to itself, or to nothing) or of the other kind is named as <paramref name="what"/>.
    /// </summary>
    private T Child<T>(IH5Group parent, string name, string what) where T : class, IH5Object =>
        !parent.LinkExists(name) ? throw new FeatureStoreException(Path, $"{what} is missing")
        : parent.Get(name) switch
        {
            T found => found,
            IH5UnresolvedLink link => throw new FeatureStoreException(Path, $"{what} is a link that cannot be followed ({link.Reason?.Message ?? "no target"})"),
            _ => throw new FeatureStoreException(Path, $"{what} is not a{(typeof(T) == typeof(IH5Group) ? " group" : " dataset")}"),
        };

    /// <summary>The checksums, after checking they are 4-byte integers in one dimension (PureHDF would reinterpret a float's bytes).</summary>
    private uint[] ReadChecksums(IH5Dataset dataset)
    {
        if (dataset.Type.Class != H5DataTypeClass.FixedPoint || dataset.Type.Size != 4 || dataset.Space.Dimensions.Length != 1)
            throw new FeatureStoreException(Path, $"/{FeatureStoreLayout.SegmentCrc32} is {dataset.Type.Class} of {dataset.Type.Size} bytes in {dataset.Space.Dimensions.Length} dimension(s), not one uint32 per segment: the store is damaged or was not written by MusicGenre");
        return dataset.Read<uint[]>();
    }

    private FeatureStoreHeader ReadHeader()
    {
        // 1. The format tag guards against opening some other HDF5 file.
        string format = _file.AttributeExists("format") ? ReadAttribute(_file.Attribute("format")) as string ?? "" : "";
        if (format != FeatureStoreLayout.Format)
            throw new FeatureStoreException(Path, $"root attribute 'format' is '{format}', expected '{FeatureStoreLayout.Format}'");
        // A layout of a later build is refused rather than misread (every store so far is version 1; none lacks it but
        // the very first builds', read as 1).
        if (_file.AttributeExists("format_version")
            && (ReadAttribute(_file.Attribute("format_version")) is not (int or long) || Convert.ToInt64(Attr("format_version")) is < 1 or > FeatureStoreLayout.Version))
            throw new FeatureStoreException(Path, $"root attribute 'format_version' is {Attr("format_version")}: this build reads feature stores of version 1 to {FeatureStoreLayout.Version} (a newer MusicGenre wrote it, or it is damaged)");

        // 2. Fixed attributes, then every preset_* attribute.
        var parameters = new Dictionary<string, object>(StringComparer.Ordinal);
        foreach (var attribute in _file.Attributes())
            if (attribute.Name.StartsWith(FeatureStoreLayout.PresetPrefix, StringComparison.Ordinal))
                parameters[attribute.Name[FeatureStoreLayout.PresetPrefix.Length..]] = ReadAttribute(attribute);
        return new FeatureStoreHeader(
            GenreNames: Strings(Dataset(FeatureStoreLayout.Genres)),
            Mels: Convert.ToInt32(Attr("n_mels")),
            Frames: Convert.ToInt32(Attr("frames")),
            SampleRate: Convert.ToInt32(Attr("sample_rate")),
            SegmentSeconds: Convert.ToDouble(Attr("segment_seconds")),
            PresetName: Attr("preset") as string ?? "",
            PresetParameters: parameters);
    }

    private object Attr(string name) =>
        _file.AttributeExists(name) ? ReadAttribute(_file.Attribute(name)) : throw new FeatureStoreException(Path, $"root attribute '{name}' is missing");

    /// <summary>A scalar attribute as string, long or double, dispatched on its stored type (PureHDF reinterprets bytes otherwise).</summary>
    private object ReadAttribute(IH5Attribute a) => a.Type.Class switch
    {
        H5DataTypeClass.String or H5DataTypeClass.VariableLength => a.Read<string>(),
        H5DataTypeClass.FixedPoint => a.Type.Size == 8 ? a.Read<long>() : a.Read<int>(),
        H5DataTypeClass.FloatingPoint => a.Type.Size == 8 ? a.Read<double>() : a.Read<float>(),
        _ => throw new FeatureStoreException(Path, $"attribute '{a.Name}' has unsupported type {a.Type.Class}"),
    };

    private StoreSong[] ReadSongs()
    {
        var group = Child<IH5Group>(_file, FeatureStoreLayout.Songs, "group '/songs'");
        IH5Dataset Songs(string name) => Child<IH5Dataset>(group, name, $"dataset '/songs/{name}'");
        string[] ids = Strings(Songs(FeatureStoreLayout.SongId));
        string[] paths = Strings(Songs(FeatureStoreLayout.SongPath));
        string[] artists = Strings(Songs(FeatureStoreLayout.SongArtist));
        int[] labels = Songs(FeatureStoreLayout.SongLabel).Read<int[]>();
        int[] first = Songs(FeatureStoreLayout.SongFirst).Read<int[]>();
        int[] count = Songs(FeatureStoreLayout.SongCount).Read<int[]>();
        int n = ids.Length;
        if (paths.Length != n || artists.Length != n || labels.Length != n || first.Length != n || count.Length != n)
            throw new FeatureStoreException(Path, "the /songs datasets have different lengths");
        var songs = new StoreSong[n];
        for (int i = 0; i < n; i++) songs[i] = new StoreSong(ids[i], paths[i], artists[i], labels[i], first[i], count[i]);
        return songs;
    }

    /// <summary>
    /// A variable-length string dataset; PureHDF reads some empty strings as null (index 58 of 100 empty artists, where
    /// h5py reads b''), so null is the empty string here.
    /// </summary>
    private static string[] Strings(IH5Dataset dataset)
    {
        var values = dataset.Read<string[]>();
        for (int i = 0; i < values.Length; i++) values[i] ??= "";
        return values;
    }

    private void Check()
    {
        // The header must describe usable segments: these values reach training and prediction (a NaN segment length,
        // a repeated genre) where they were blamed on the options instead of this file.
        var h = Header;
        if (h.GenreNames.Count < 1 || h.GenreNames.Any(string.IsNullOrWhiteSpace) || h.GenreNames.Distinct(StringComparer.Ordinal).Count() != h.GenreNames.Count)
            throw new FeatureStoreException(Path, $"/{FeatureStoreLayout.Genres} must name distinct, non-empty genres: [{string.Join(", ", h.GenreNames)}]");
        if (!(h.SegmentSeconds > 0 && h.SegmentSeconds <= 3600) || h.SampleRate is < 1 or > 1_000_000 || h.Mels < 1 || h.Frames < 1)
            throw new FeatureStoreException(Path, string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"impossible header: segment_seconds {h.SegmentSeconds} (must be in (0, 3600]), sample_rate {h.SampleRate} Hz, n_mels {h.Mels}, frames {h.Frames}"));
        if (_features.Type.Class != H5DataTypeClass.FloatingPoint || _features.Type.Size != 4)
            throw new FeatureStoreException(Path, $"/{FeatureStoreLayout.Features} is {_features.Type.Class} of {_features.Type.Size} bytes, not float32: the store was not written by MusicGenre");
        // The index must be self-consistent: shapes agree, songs tile the segments in order, labels match their song's.
        var dims = _features.Space.Dimensions;
        if (dims.Length != 3 || (int)dims[1] != Header.Mels || (int)dims[2] != Header.Frames || (long)dims[0] != Labels.Count || SegmentSong.Count != Labels.Count)
            throw new FeatureStoreException(Path, $"/features has shape [{string.Join(", ", dims)}], expected [{Labels.Count}, {Header.Mels}, {Header.Frames}] with {SegmentSong.Count} song indices");
        if (_checksums is not null && _checksums.Length != Labels.Count)
            throw new FeatureStoreException(Path, $"/{FeatureStoreLayout.SegmentCrc32} holds {_checksums.Length} checksums for {Labels.Count} segments");
        if (Songs.Count == 0) throw new FeatureStoreException(Path, "the store holds no songs (MusicGenre never writes an empty store: it is damaged or was not written by MusicGenre)");
        long next = 0;
        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (int s = 0; s < Songs.Count; s++)
        {
            var song = Songs[s];
            if ((uint)song.Label >= (uint)Header.GenreNames.Count)
                throw new FeatureStoreException(Path, $"song {s} ('{song.SongId}') has label {song.Label}, but the store names {Header.GenreNames.Count} genres (0..{Header.GenreNames.Count - 1})");
            if (!ids.Add(song.SongId))
                throw new FeatureStoreException(Path, $"song id '{song.SongId}' appears twice (songs {Songs.Select((x, i) => (x, i)).First(p => p.x.SongId == song.SongId).i} and {s})");
            if (song.FirstSegment != next || song.SegmentCount < 0)
                throw new FeatureStoreException(Path, $"song {s} ('{song.SongId}') has first segment {song.FirstSegment} (expected {next}) and {song.SegmentCount} segments");
            for (int k = song.FirstSegment; k < song.FirstSegment + song.SegmentCount; k++)
                if (k >= Labels.Count || SegmentSong[k] != s || Labels[k] != song.Label)
                    throw new FeatureStoreException(Path, $"segment {k} does not belong to song {s} ('{song.SongId}') as the index says");
            next += song.SegmentCount;
        }
        if (next != Labels.Count) throw new FeatureStoreException(Path, $"songs cover {next} segments, the store has {Labels.Count}");
    }
}
