using System.Text.Json;
using MusicGenre.Data.FeatureStore;

namespace MusicGenre.Data.Tests.FeatureStore;

public sealed class H5pyReadabilityTests
{
    private const string Script = """
        import sys, json, zlib, h5py, numpy as np
        with h5py.File(sys.argv[1], "r") as f:
            x = f["features"]
            s = f["songs"]
            dec = lambda a: [v.decode() if isinstance(v, bytes) else v for v in a]
            print(json.dumps({
                "shape": list(x.shape), "dtype": str(x.dtype), "chunks": list(x.chunks),
                "compression": x.compression, "shuffle": bool(x.shuffle),
                "sum": float(np.asarray(x[...], dtype=np.float64).sum()),
                "seg3": [float(v) for v in x[3].ravel()],
                "labels": [int(v) for v in f["labels"][...]], "labels_dtype": str(f["labels"].dtype),
                "crc_dtype": str(f["segment_crc32"].dtype) if "segment_crc32" in f else None,
                "crc_match": [int(f["segment_crc32"][i]) == zlib.crc32(x[i].astype("<f4").tobytes()) for i in range(x.shape[0])] if "segment_crc32" in f else [],
                "segment_song": [int(v) for v in f["segment_song"][...]],
                "genres": dec(f["genres"][...]), "ids": dec(s["id"][...]), "paths": dec(s["path"][...]),
                "artists": dec(s["artist"][...]),
                "format": str(f.attrs["format"]), "segment_seconds": float(f.attrs["segment_seconds"]),
                "n_fft": int(f.attrs["preset_n_fft"]), "window": str(f.attrs["preset_window"]), "preset": str(f.attrs["preset"]),
            }))
        """;

    /// <summary>h5py reads today's layout (unfiltered chunks) and the shuffle + deflate layout of earlier builds.</summary>
    [H5pyTheory]
    [InlineData(false)]
    [InlineData(true)]
    public void H5py_ReadsWhatWeWrite(bool legacyCompressed)
    {
        var header = StoreFixtures.Header(mels: 8, frames: 7);
        var (songs, features) = StoreFixtures.Songs(header, seed: 11, 2, 3, 1);
        string path = Path.Combine(SharedData.NewTempDir(), "store.h5");
        FeatureStoreWriter.Write(path, header, songs, i => features[i], chunkCacheCapacity: 2, legacyCompressed); // chunks written out mid-song too

        int rc = Python.Run(Script, out string output, path);
        Assert.True(rc == 0, $"python3/h5py failed (rc {rc}):\n{output}");
        using var json = JsonDocument.Parse(output.Trim().Split('\n')[^1]);
        var r = json.RootElement;

        Assert.Equal([6, 8, 7], r.GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()));
        Assert.Equal("float32", r.GetProperty("dtype").GetString());
        Assert.Equal([1, 8, 7], r.GetProperty("chunks").EnumerateArray().Select(e => e.GetInt32()));
        Assert.Equal(legacyCompressed ? "gzip" : null, r.GetProperty("compression").GetString());
        Assert.Equal(legacyCompressed, r.GetProperty("shuffle").GetBoolean());
        double sum = features.SelectMany(f => f).Sum(v => (double)v);
        Assert.Equal(sum, r.GetProperty("sum").GetDouble(), 6);
        float[] seg3 = r.GetProperty("seg3").EnumerateArray().Select(e => e.GetSingle()).ToArray();
        Close.Assert(features[1].AsSpan(header.SegmentLength, header.SegmentLength), seg3, 0, 0, "segment 3 via h5py");
        Assert.Equal([0, 0, 1, 1, 1, 2], r.GetProperty("labels").EnumerateArray().Select(e => e.GetInt32()));
        Assert.Equal("int32", r.GetProperty("labels_dtype").GetString());
        // Today's stores hold zlib's CRC-32 of each segment (h5py users can verify them); the legacy layout holds none.
        Assert.Equal(legacyCompressed ? null : "uint32", r.GetProperty("crc_dtype").GetString());
        Assert.Equal(Enumerable.Repeat(true, legacyCompressed ? 0 : 6), r.GetProperty("crc_match").EnumerateArray().Select(e => e.GetBoolean()));
        Assert.Equal([0, 0, 1, 1, 1, 2], r.GetProperty("segment_song").EnumerateArray().Select(e => e.GetInt32()));
        Assert.Equal(header.GenreNames, r.GetProperty("genres").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(songs.Select(s => s.SongId), r.GetProperty("ids").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(songs.Select(s => s.Path), r.GetProperty("paths").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(songs.Select(s => s.Artist), r.GetProperty("artists").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("musicgenre-features", r.GetProperty("format").GetString());
        Assert.Equal(3.0, r.GetProperty("segment_seconds").GetDouble());
        Assert.Equal(2048, r.GetProperty("n_fft").GetInt32());
        Assert.Equal("hann", r.GetProperty("window").GetString());
        Assert.Equal("test_preset", r.GetProperty("preset").GetString());
    }

    /// <summary>
    /// A store emptied of songs (by another program; MusicGenre never writes one), a store whose checksums do not cover
    /// its segments, and a store whose format_version is not one this build reads are refused on open, naming the file,
    /// instead of failing later with an internal error or being misread. An integer version this build writes is fine.
    /// </summary>
    [H5pyFact]
    public void AnEmptyStore_AndAnUnknownFormatVersion_AreRefusedOnOpen()
    {
        var header = StoreFixtures.Header(mels: 8, frames: 7);
        var (songs, features) = StoreFixtures.Songs(header, seed: 12, 2, 3);
        string dir = SharedData.NewTempDir(), good = Path.Combine(dir, "good.h5");
        FeatureStoreWriter.Write(good, header, songs, i => features[i]);
        foreach (var (name, edit, expected) in new[]
        {
            ("empty", """
                n = f["features"].shape
                for k in ["features", "labels", "segment_song", "segment_crc32"]:
                    d = f[k]; shape = (0,) + d.shape[1:]; dt = d.dtype; del f[k]; f.create_dataset(k, shape=shape, dtype=dt)
                for k in list(f["songs"].keys()):
                    d = f["songs"][k]; dt = d.dtype; del f["songs"][k]; f["songs"].create_dataset(k, shape=(0,), dtype=dt)
                """, "the store holds no songs"),
            ("short checksums", """
                c = f["segment_crc32"][:-1]; del f["segment_crc32"]; f["segment_crc32"] = c
                """, "/segment_crc32 holds 4 checksums for 5 segments"),
            ("float checksums", """
                c = f["segment_crc32"][...].astype("f4"); del f["segment_crc32"]; f["segment_crc32"] = c
                """, "/segment_crc32 is FloatingPoint of 4 bytes in 1 dimension(s), not one uint32 per segment"),
            ("newer", "f.attrs['format_version'] = 99", "'format_version' is 99"),
            ("text", "f.attrs['format_version'] = 'x'", "'format_version' is x"),
            ("zero", "f.attrs['format_version'] = 0", "'format_version' is 0"),
        })
        {
            string path = Path.Combine(dir, name + ".h5");
            File.Copy(good, path);
            string script = "import sys, h5py\nwith h5py.File(sys.argv[1], 'r+') as f:\n" +
                string.Join("\n", edit.Split('\n').Select(l => "    " + l));
            int rc = Python.Run(script, out string output, path);
            Assert.True(rc == 0, $"h5py edit '{name}' failed:\n{output}");
            var e = Assert.Throws<FeatureStoreException>(() => FeatureStoreReader.Open(path));
            Assert.Contains(expected, e.Message);
            Assert.Contains(path, e.Message);
        }
        using var store = FeatureStoreReader.Open(good);
        Assert.Equal(2, store.Songs.Count);
    }

    /// <summary>
    /// A store whose datasets are soft links leading back to themselves: PureHDF followed them until the stack overflowed,
    /// ending the process with no message (info, train, evaluate of such a store); now it is refused naming the object.
    /// </summary>
    [H5pyTheory]
    [InlineData("features", "del f['features']; f['features'] = h5py.SoftLink('/features')", "dataset '/features' is a link that cannot be followed")]
    [InlineData("label", "del f['songs/label']; f['songs/label'] = h5py.SoftLink('/x'); f['x'] = h5py.SoftLink('/songs/label')",
        "dataset '/songs/label' is a link that cannot be followed")]
    [InlineData("songs", "del f['songs']; f['songs'] = h5py.SoftLink('/songs')", "group '/songs' is a link that cannot be followed")]
    public void SoftLinkLoops_AreRefusedNamingTheObject_NotAStackOverflow(string name, string edit, string expected)
    {
        var e = RefusedAfterEdit(name, edit);
        Assert.Contains(expected, e.Message);
        Assert.Contains("links lead back to themselves", e.Message);
    }

    /// <summary>
    /// A store whose header or index is impossible is refused on open, naming the file and the field: these reached
    /// training as "invalid training options" (a NaN segment length, a repeated genre), as a shard-merge message (a
    /// repeated song id), as "label 5" among other numbers, or as PureHDF's "values types of different type size".
    /// </summary>
    [H5pyTheory]
    [InlineData("nan-seconds", "f.attrs['segment_seconds'] = float('nan')", "impossible header: segment_seconds NaN (must be in (0, 3600])")]
    [InlineData("zero-rate", "f.attrs['sample_rate'] = 0", "sample_rate 0 Hz")]
    [InlineData("repeated-genre", "g = [x for x in f['genres'][...]]; g[1] = g[0]; del f['genres']; f['genres'] = g", "/genres must name distinct, non-empty genres")]
    [InlineData("float64", "x = f['features'][...].astype('f8'); del f['features']; f['features'] = x", "/features is FloatingPoint of 8 bytes, not float32")]
    [InlineData("label", "l = f['songs/label'][...]; l[1] = 99; del f['songs/label']; f['songs/label'] = l", "song 1 ('song-1') has label 99, but the store names")]
    [InlineData("repeated-id", "i = [x for x in f['songs/id'][...]]; i[1] = i[0]; del f['songs/id']; f['songs/id'] = i", "song id 'song-0' appears twice (songs 0 and 1)")]
    public void AnImpossibleHeaderOrIndex_IsRefusedOnOpen_NamingTheField(string name, string edit, string expected) =>
        Assert.Contains(expected, RefusedAfterEdit(name, edit).Message);

    /// <summary>
    /// Writes a small store, applies <paramref name="edit"/> (Python on <c>f</c>, the file opened 'r+' by h5py) to a copy
    /// named <paramref name="name"/>, and returns the exception opening it throws, after checking it names the file.
    /// </summary>
    private static FeatureStoreException RefusedAfterEdit(string name, string edit)
    {
        var header = StoreFixtures.Header(mels: 8, frames: 7);
        var (songs, features) = StoreFixtures.Songs(header, seed: 13, 2, 3);
        string dir = SharedData.NewTempDir(), path = Path.Combine(dir, name + ".h5");
        FeatureStoreWriter.Write(path, header, songs, i => features[i]);
        int rc = Python.Run($"import sys, h5py\nwith h5py.File(sys.argv[1], 'r+') as f:\n    {edit}", out string output, path);
        Assert.True(rc == 0, $"h5py edit '{name}' failed:\n{output}");
        var e = Assert.Throws<FeatureStoreException>(() => FeatureStoreReader.Open(path));
        Assert.Contains(path, e.Message);
        return e;
    }
}
