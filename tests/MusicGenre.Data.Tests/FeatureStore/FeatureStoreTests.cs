using MusicGenre.Data.FeatureStore;

namespace MusicGenre.Data.Tests.FeatureStore;

public sealed class FeatureStoreTests
{
    /// <summary>Stores of both layouts read the same: today's unfiltered one, and the shuffle + deflate one of earlier builds.</summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void RoundTrip_BySegmentAndBySong(bool legacyCompressed)
    {
        var header = StoreFixtures.Header();
        var (songs, features) = StoreFixtures.Songs(header, seed: 7, 3, 1, 0, 4, 2);
        string path = Path.Combine(SharedData.NewTempDir(), "f.h5");

        FeatureStoreWriter.Write(path, header, songs, i => features[i], FeatureStoreWriter.DefaultChunkCacheCapacity, legacyCompressed);

        using var store = FeatureStoreReader.Open(path);
        Assert.Equal(!legacyCompressed, store.HasChecksums); // earlier builds wrote no checksums; their stores still read
        Assert.Equal(10, store.SegmentCount);
        Assert.Equal(songs, store.Songs);
        Assert.Equal([0, 0, 0, 1, 0, 0, 0, 0, 1, 1], store.Labels);
        Assert.Equal([0, 0, 0, 1, 3, 3, 3, 3, 4, 4], store.SegmentSong);
        for (int s = 0; s < songs.Length; s++)
            Close.Assert(features[s], store.ReadSong(s), 0, 0, $"song {s}");

        // Random access, in a shuffled order, each segment equals its slice of the song it belongs to.
        var order = Enumerable.Range(0, store.SegmentCount).OrderBy(_ => Random.Shared.Next()).ToArray();
        var buffer = new float[header.SegmentLength];
        foreach (int g in order)
        {
            store.ReadSegment(g, buffer);
            var song = songs[store.SegmentSong[g]];
            var expected = features[store.SegmentSong[g]].AsSpan((g - song.FirstSegment) * header.SegmentLength, header.SegmentLength);
            Close.Assert(expected, buffer, 0, 0, $"segment {g}");
        }
    }

    /// <summary>
    /// Songs without an artist read back as "", never null: PureHDF returned null for some of the empty strings of a
    /// 100-song GTZAN store (not of a 92-song one), and <c>musicgenre info</c> failed with a NullReferenceException.
    /// </summary>
    [Fact]
    public void EmptyArtists_ReadBackAsEmptyStrings_AtEveryStoreSize()
    {
        var header = StoreFixtures.Header(mels: 2, frames: 2);
        string dir = SharedData.NewTempDir();
        foreach (int n in new[] { 1, 26, 60, 92, 100, 200, 1000 })
        {
            var (songs, features) = StoreFixtures.Songs(header, n, Enumerable.Repeat(1, n).ToArray());
            songs = songs.Select(s => s with { Artist = "" }).ToArray();
            string path = Path.Combine(dir, $"f{n}.h5");
            FeatureStoreWriter.Write(path, header, songs, i => features[i]);
            using var store = FeatureStoreReader.Open(path);
            Assert.Equal(songs.Select(s => s.SongId), store.Songs.Select(s => s.SongId));
            Assert.Equal(songs.Select(s => s.Path), store.Songs.Select(s => s.Path));
            Assert.Equal("", string.Join(",", Enumerable.Range(0, n).Where(i => store.Songs[i].Artist is null)));
        }
    }

    [Theory]
    [InlineData(1, false)]
    [InlineData(3, false)]
    [InlineData(1, true)]
    [InlineData(3, true)]
    public void RoundTrip_BoundedChunkCache_WritesChunksOutMidSong(int capacity, bool legacyCompressed)
    {
        var header = StoreFixtures.Header();
        var (songs, features) = StoreFixtures.Songs(header, seed: 8, 5, 1, 7);
        string path = Path.Combine(SharedData.NewTempDir(), "f.h5");

        FeatureStoreWriter.Write(path, header, songs, i => features[i], capacity, legacyCompressed);

        using var store = FeatureStoreReader.Open(path);
        for (int s = 0; s < songs.Length; s++)
            Close.Assert(features[s], store.ReadSong(s), 0, 0, $"song {s} (cache {capacity}, compressed {legacyCompressed})");
    }

    [Fact]
    public void RoundTrip_HeaderAndPresetAttributes()
    {
        var header = StoreFixtures.Header(mels: 4, frames: 3);
        var (songs, features) = StoreFixtures.Songs(header, 1, 2);
        string path = Path.Combine(SharedData.NewTempDir(), "f.h5");
        FeatureStoreWriter.Write(path, header, songs, i => features[i]);

        using var store = FeatureStoreReader.Open(path);
        var h = store.Header;
        Assert.Equal(header.GenreNames, h.GenreNames);
        Assert.Equal((4, 3, 22050, 3.0, "test_preset"), (h.Mels, h.Frames, h.SampleRate, h.SegmentSeconds, h.PresetName));
        Assert.Equal(2048, Convert.ToInt32(h.PresetParameters["n_fft"]));
        Assert.Equal(11025.0, h.PresetParameters["fmax"]);
        Assert.Equal("hann", h.PresetParameters["window"]);
        Assert.Equal(1, Convert.ToInt32(h.PresetParameters["center"]));
        Assert.Equal(1L << 40, h.PresetParameters["big"]);
    }

    [Fact]
    public void ReadSegments_RangeAndDestinationAreChecked()
    {
        var header = StoreFixtures.Header();
        var (songs, features) = StoreFixtures.Songs(header, 2, 2, 2);
        string path = Path.Combine(SharedData.NewTempDir(), "f.h5");
        FeatureStoreWriter.Write(path, header, songs, i => features[i]);
        using var store = FeatureStoreReader.Open(path);

        var two = new float[2 * header.SegmentLength];
        store.ReadSegments(1, 2, two);
        Close.Assert(features[0].AsSpan(header.SegmentLength), two.AsSpan(0, header.SegmentLength), 0, 0, "segment 1");
        Close.Assert(features[1].AsSpan(0, header.SegmentLength), two.AsSpan(header.SegmentLength), 0, 0, "segment 2");
        Assert.Throws<ArgumentOutOfRangeException>(() => store.ReadSegments(3, 2, two));
        Assert.Throws<ArgumentOutOfRangeException>(() => store.ReadSegment(-1, two));
        Assert.Throws<ArgumentException>(() => store.ReadSegments(0, 2, new float[header.SegmentLength]));
        Assert.Throws<ArgumentOutOfRangeException>(() => store.ReadSong(2));
    }

    [Fact]
    public void Write_InvalidInput_ThrowsAndLeavesNoFile()
    {
        var header = StoreFixtures.Header();
        var (songs, features) = StoreFixtures.Songs(header, 3, 2, 1);
        string dir = SharedData.NewTempDir();
        string path = Path.Combine(dir, "f.h5");

        var wrongLength = Assert.Throws<ArgumentException>(() => FeatureStoreWriter.Write(path, header, songs, i => features[i].AsMemory(1)));
        Assert.Contains("song-0", wrongLength.Message);
        Assert.Throws<ArgumentException>(() => FeatureStoreWriter.Write(path, header, [songs[1]], i => features[1]));
        Assert.Throws<ArgumentException>(() => FeatureStoreWriter.Write(path, header, [songs[0] with { Label = 3 }], i => features[0]));
        Assert.Throws<ArgumentException>(() => FeatureStoreWriter.Write(path, header, [songs[0] with { SegmentCount = 0 }], i => features[0]));
        var badHeader = Assert.Throws<ArgumentException>(() => FeatureStoreWriter.Write(path, header with { Mels = 0, SegmentSeconds = -1 }, songs, i => features[i]));
        Assert.Contains("Mels", badHeader.Message);
        Assert.Contains("SegmentSeconds", badHeader.Message);
        Assert.Empty(Directory.GetFiles(dir));
    }

    /// <summary>
    /// A song written in pieces of a few segments (one buffer, the last piece a part of it) gives the very bytes of the
    /// same store written a whole song at a time, in both layouts; the source is asked for each song's segments in order,
    /// never more than a piece at a time. Before, a song went to HDF5 as one array (copied once more): a 27-hour song
    /// (> 2 GiB of features) failed the whole preprocess with an overflow, and a 3-hour one ran 400 MB machines out.
    /// </summary>
    [Theory]
    [InlineData(1, false)]
    [InlineData(2, false)]
    [InlineData(5, false)]
    [InlineData(2, true)]
    [InlineData(5, true)]
    public void Write_InPieces_GivesTheBytesOfAWholeSongAtATime_AskingForAPieceAtATime(int pieceSegments, bool legacyCompressed)
    {
        var header = StoreFixtures.Header();
        var (songs, features) = StoreFixtures.Songs(header, seed: 31, 7, 1, 12, 0, 5, 10);
        string dir = SharedData.NewTempDir();
        string whole = Path.Combine(dir, "whole.h5"), pieces = Path.Combine(dir, "pieces.h5");
        FeatureStoreWriter.Write(whole, header, songs, i => features[i], FeatureStoreWriter.DefaultChunkCacheCapacity, legacyCompressed, pieceSegments: int.MaxValue);

        var asked = new List<(int Song, int First, int Count)>();
        FeatureStoreWriter.Write(pieces, header, songs, (song, first, count, destination) =>
        {
            asked.Add((song, first, count));
            Assert.Equal(count * header.SegmentLength, destination.Length);
            features[song].AsSpan(first * header.SegmentLength, count * header.SegmentLength).CopyTo(destination);
        }, chunkCacheCapacity: 3, legacyCompressed, pieceSegments);

        Assert.Equal(File.ReadAllBytes(whole), File.ReadAllBytes(pieces));
        var expected = songs.Select((song, i) => (song, i)).SelectMany(x =>
            Enumerable.Range(0, (x.song.SegmentCount + pieceSegments - 1) / pieceSegments)
                .Select(p => (x.i, p * pieceSegments, Math.Min(pieceSegments, x.song.SegmentCount - p * pieceSegments))));
        Assert.Equal(expected, asked);
    }

    /// <summary>
    /// A song whose features cannot be read or written fails the store naming the song and its file, whatever the error
    /// (an overflow and an out-of-memory named nothing: "Arithmetic operation resulted in an overflow."), and leaves no
    /// file; a damaged input store's own error, which names that store, passes as it is.
    /// </summary>
    [Theory]
    [InlineData("io")]
    [InlineData("overflow")]
    [InlineData("wrapped")] // PureHDF's reflective write: a full disk arrives as a TargetInvocationException
    [InlineData("memory")]
    public void Write_ASongThatFails_IsNamed(string failure)
    {
        var header = StoreFixtures.Header();
        var (songs, features) = StoreFixtures.Songs(header, 4, 2, 5, 3);
        string dir = SharedData.NewTempDir();
        string path = Path.Combine(dir, "f.h5");
        Exception error = failure switch
        {
            "io" or "wrapped" => new IOException("No space left on device"),
            "overflow" => new OverflowException(),
            _ => new OutOfMemoryException(),
        };
        var thrown = failure == "wrapped" ? new System.Reflection.TargetInvocationException(error) : error;
        void Write() => FeatureStoreWriter.Write(path, header, songs, (song, first, count, destination) =>
        {
            if (song == 1 && first > 0) throw thrown;
            features[song].AsSpan(first * header.SegmentLength, count * header.SegmentLength).CopyTo(destination);
        }, FeatureStoreWriter.DefaultChunkCacheCapacity, pieceSegments: 2);

        if (failure == "memory")
        {
            // Out of memory passes as it is: the CLI says what to lower.
            Assert.Same(error, Assert.Throws<OutOfMemoryException>(Write));
            Assert.Empty(Directory.GetFiles(dir));
            return;
        }
        var e = Assert.Throws<FeatureStoreException>(Write);
        Assert.Equal($"{path}: writing song 'song-1' (/audio/é1.wav) failed: {error.Message}", e.Message);
        Assert.Same(error, e.InnerException);
        Assert.Empty(Directory.GetFiles(dir));
        var own = new FeatureStoreException("in.h5", "segment 3 (song 'x') does not match its checksum");
        Assert.Same(own, Assert.Throws<FeatureStoreException>(() => FeatureStoreWriter.Write(path, header, songs, (_, _, _, _) => throw own)));
    }

    [Fact]
    public void Write_FailureMidway_KeepsThePreviousFileIntact()
    {
        var header = StoreFixtures.Header();
        var (songs, features) = StoreFixtures.Songs(header, 4, 2, 3);
        string dir = SharedData.NewTempDir();
        string path = Path.Combine(dir, "f.h5");
        FeatureStoreWriter.Write(path, header, songs, i => features[i]);
        byte[] before = File.ReadAllBytes(path);

        Assert.ThrowsAny<IOException>(() => FeatureStoreWriter.Write(path, header, songs, i => i == 1 ? throw new IOException("disk gone") : features[i]));

        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.Equal(["f.h5"], Directory.GetFiles(dir).Select(Path.GetFileName));
    }

    [Fact]
    public void Open_NotAStore_ThrowsNamingTheFile()
    {
        string dir = SharedData.NewTempDir();
        string text = Path.Combine(dir, "x.h5");
        File.WriteAllText(text, "not hdf5 at all, just text");
        var e = Assert.Throws<FeatureStoreException>(() => FeatureStoreReader.Open(text));
        Assert.Contains(text, e.Message);

        string other = Path.Combine(dir, "other.h5");
        new PureHDF.H5File { ["data"] = new[] { 1, 2, 3 } }.Write(other);
        var e2 = Assert.Throws<FeatureStoreException>(() => FeatureStoreReader.Open(other));
        Assert.Contains("format", e2.Message);

        Assert.Throws<FileNotFoundException>(() => FeatureStoreReader.Open(Path.Combine(dir, "missing.h5")));
    }

    [Theory]
    [InlineData(0.5)]
    [InlineData(0.8)]
    [InlineData(0.95)]
    public void ATruncatedStore_FailsNamingTheFile_WhereverItIsCut(double keep)
    {
        // PureHDF reads lazily, so a cut can surface at open or only when the features are read: either way the error
        // names the store.
        var header = StoreFixtures.Header(16, 20);
        var (songs, features) = StoreFixtures.Songs(header, 5, 30, 30, 30);
        string dir = SharedData.NewTempDir();
        string whole = Path.Combine(dir, "whole.h5"), cut = Path.Combine(dir, "cut.h5");
        FeatureStoreWriter.Write(whole, header, songs, i => features[i]);
        var bytes = File.ReadAllBytes(whole);
        File.WriteAllBytes(cut, bytes[..(int)(bytes.Length * keep)]);
        var e = Assert.Throws<FeatureStoreException>(() =>
        {
            using var store = FeatureStoreReader.Open(cut);
            for (int s = 0; s < store.Songs.Count; s++) store.ReadSong(s);
        });
        Assert.StartsWith(cut + ": ", e.Message);
    }

    [Fact]
    public void NonFiniteFeatures_AreRefused_NamingTheSegmentAndSong()
    {
        var header = StoreFixtures.Header();
        var (songs, features) = StoreFixtures.Songs(header, 5, 2, 3);
        features[1][header.SegmentLength + 7] = float.NaN; // song 1's second segment = segment 3
        string dir = SharedData.NewTempDir(), path = Path.Combine(dir, "nan.h5");
        FeatureStoreWriter.Write(path, header, songs, i => features[i]);
        using var store = FeatureStoreReader.Open(path);
        Assert.Equal(features[0], store.ReadSong(0));
        var e = Assert.Throws<FeatureStoreException>(() => store.ReadSong(1));
        Assert.Equal($"{path}: segment 3 (song 'song-1') holds a non-finite value (NaN): the store is damaged or was made from bad audio", e.Message);
    }

    /// <summary>
    /// A bit flipped inside a segment's chunk that leaves every value finite (the lowest mantissa bit of one float, found
    /// in the file by its bytes) is caught by the segment's CRC-32 on every path that reads it — by song and by segment —
    /// naming the file, the segment and its song; the other songs still read. Without the checksum it read as a quietly
    /// different spectrogram.
    /// </summary>
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(5)]
    public void AFlippedBitInAFeatureChunk_IsCaughtByTheSegmentChecksum(int element)
    {
        var header = StoreFixtures.Header();
        var (songs, features) = StoreFixtures.Songs(header, 21, 2, 3);
        string dir = SharedData.NewTempDir(), path = Path.Combine(dir, "f.h5");
        FeatureStoreWriter.Write(path, header, songs, i => features[i]);

        // Segment 3 = song 1's second segment; its value `element` (k) is located by its 4 bytes, which occur once.
        int k = header.SegmentLength + element;
        var bytes = File.ReadAllBytes(path);
        var needle = BitConverter.GetBytes(features[1][k]);
        int at = bytes.AsSpan().IndexOf(needle);
        Assert.True(at >= 0 && bytes.AsSpan(at + 1).IndexOf(needle) < 0, "the value's bytes occur exactly once in the file");
        bytes[at] ^= 1;
        File.WriteAllBytes(path, bytes);
        Assert.True(float.IsFinite(BitConverter.ToSingle(bytes, at)));

        using var store = FeatureStoreReader.Open(path);
        Assert.Equal(features[0], store.ReadSong(0));
        var bySong = Assert.Throws<FeatureStoreException>(() => store.ReadSong(1));
        Assert.Matches($"^{System.Text.RegularExpressions.Regex.Escape(path)}: segment 3 \\(song 'song-1'\\) does not match its checksum \\(CRC-32 [0-9a-f]{{8}}, stored [0-9a-f]{{8}}\\): the store is damaged; make it again with preprocess$", bySong.Message);
        var buffer = new float[header.SegmentLength];
        store.ReadSegment(2, buffer);
        Assert.Equal(features[1].AsSpan(0, header.SegmentLength).ToArray(), buffer);
        var bySegment = Assert.Throws<FeatureStoreException>(() => store.ReadSegment(3, buffer));
        Assert.Equal(bySong.Message, bySegment.Message);
        store.ReadSegment(4, buffer);
    }

    /// <summary>The checksums are zlib's CRC-32 of each segment's float32 little-endian bytes (what h5py users recompute).</summary>
    [Fact]
    public void SegmentChecksums_AreTheCrc32OfEachSegmentsBytes()
    {
        // "123456789" is CRC-32's check string: 0xCBF43926. Two floats' bytes give a second, independent value: a bitwise CRC
        // over the reflected IEEE polynomial, written out here.
        Assert.Equal(0xCBF43926u, System.IO.Hashing.Crc32.HashToUInt32("123456789"u8));
        float[] block = [1.5f, -80f, 0f, 3.25f];
        var crcs = FeatureStoreWriter.SegmentChecksums(block, 2);
        Assert.Equal(2, crcs.Length);
        for (int s = 0; s < 2; s++)
        {
            uint crc = 0xFFFFFFFFu;
            foreach (byte b in System.Runtime.InteropServices.MemoryMarshal.AsBytes(block.AsSpan(2 * s, 2)))
            {
                crc ^= b;
                for (int bit = 0; bit < 8; bit++) crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
            }
            Assert.Equal(~crc, crcs[s]);
        }
    }
}
