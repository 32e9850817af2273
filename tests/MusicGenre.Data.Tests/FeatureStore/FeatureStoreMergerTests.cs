using MusicGenre.Data.FeatureStore;

namespace MusicGenre.Data.Tests.FeatureStore;

public sealed class FeatureStoreMergerTests
{
    /// <summary>
    /// Shards merge into the store written from their songs directly: songs in input order, their labels, segments and
    /// features bit for bit, the preset kept. Songs longer than a piece (<see cref="FeatureStoreWriter.DefaultPieceSegments"/>)
    /// are merged a piece at a time, each from its place in its input (the files' bytes differ in their attributes).
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Merge_ConcatenatesSongsInInputOrder(bool longerThanAPiece)
    {
        int piece = FeatureStoreWriter.DefaultPieceSegments;
        var header = longerThanAPiece ? StoreFixtures.Header(mels: 2, frames: 3) : StoreFixtures.Header();
        int[] counts = longerThanAPiece ? [3, 2 * piece + 5, piece, piece + 1] : [2, 1, 3, 2];
        var (songs, features) = StoreFixtures.Songs(header, longerThanAPiece ? 12 : 9, counts);
        string dir = SharedData.NewTempDir();
        string a = Path.Combine(dir, "a.h5"), b = Path.Combine(dir, "b.h5"), all = Path.Combine(dir, "all.h5"), merged = Path.Combine(dir, "m.h5");
        FeatureStoreWriter.Write(a, header, [songs[0], songs[1]], i => features[i]);
        FeatureStoreWriter.Write(b, header, [songs[2] with { FirstSegment = 0 }, songs[3] with { FirstSegment = counts[2] }], i => features[2 + i]);
        FeatureStoreWriter.Write(all, header, songs, i => features[i]);

        FeatureStoreMerger.Merge([a, b], merged);

        using var m = FeatureStoreReader.Open(merged);
        using var e = FeatureStoreReader.Open(all);
        Assert.Equal(e.Songs, m.Songs);
        Assert.Equal(e.Labels, m.Labels);
        Assert.Equal(e.SegmentSong, m.SegmentSong);
        Assert.True(m.HasChecksums);
        for (int s = 0; s < songs.Length; s++)
            Assert.True(features[s].AsSpan().SequenceEqual(m.ReadSong(s)), $"song {s}");
        Assert.Equal(header.PresetParameters.Keys.Order(), m.Header.PresetParameters.Keys.Order());
    }

    /// <summary>
    /// A merge writes a checksum for every segment, also for songs from a store of an earlier build that had none; a
    /// damaged segment in an input stops the merge naming that input, and no output is left.
    /// </summary>
    [Fact]
    public void Merge_ChecksumsEverySegment_AndStopsAtADamagedInput()
    {
        var header = StoreFixtures.Header();
        var (songs, features) = StoreFixtures.Songs(header, 10, 2, 3);
        string dir = SharedData.NewTempDir();
        string old = Path.Combine(dir, "old.h5"), b = Path.Combine(dir, "b.h5"), merged = Path.Combine(dir, "m.h5");
        FeatureStoreWriter.Write(old, header, [songs[0]], i => features[i], FeatureStoreWriter.DefaultChunkCacheCapacity, legacyCompressed: true);
        FeatureStoreWriter.Write(b, header, [songs[1] with { FirstSegment = 0 }], i => features[1]);

        FeatureStoreMerger.Merge([old, b], merged);
        using (var m = FeatureStoreReader.Open(merged))
        {
            Assert.True(m.HasChecksums);
            for (int s = 0; s < songs.Length; s++) Assert.Equal(features[s], m.ReadSong(s));
        }

        var bytes = File.ReadAllBytes(b);
        int at = bytes.AsSpan().IndexOf(BitConverter.GetBytes(features[1][5]));
        bytes[at] ^= 1;
        File.WriteAllBytes(b, bytes);
        string merged2 = Path.Combine(dir, "m2.h5");
        var e = Assert.Throws<FeatureStoreException>(() => FeatureStoreMerger.Merge([old, b], merged2));
        Assert.StartsWith($"{b}: segment 0 (song 'song-1') does not match its checksum", e.Message);
        Assert.False(File.Exists(merged2));
        Assert.Equal([Path.GetFileName(b), "m.h5", "old.h5"], Directory.GetFiles(dir).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Merge_Mismatch_IsRefused()
    {
        var header = StoreFixtures.Header();
        var (songs, features) = StoreFixtures.Songs(header, 9, 2);
        string dir = SharedData.NewTempDir();
        string a = Path.Combine(dir, "a.h5"), b = Path.Combine(dir, "b.h5"), c = Path.Combine(dir, "c.h5");
        FeatureStoreWriter.Write(a, header, songs, i => features[i]);
        FeatureStoreWriter.Write(b, header with { SegmentSeconds = 2.0 }, songs, i => features[i]);
        FeatureStoreWriter.Write(c, header, songs, i => features[i]);

        // The refusal names the one setting that differs, not two dumps of all of them.
        string mismatch = Assert.Throws<FeatureStoreException>(() => FeatureStoreMerger.Merge([a, b], Path.Combine(dir, "m.h5"))).Message;
        Assert.Contains("other settings", mismatch);
        Assert.Contains($"segment 2 s vs {header.SegmentSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture)} s", mismatch);
        Assert.DoesNotContain("genres", mismatch);
        Assert.Contains("song 'song-0' is also in", Assert.Throws<FeatureStoreException>(() => FeatureStoreMerger.Merge([a, c], Path.Combine(dir, "m.h5"))).Message);
        // The same audio files under other song ids (a folder's genre/name vs a manifest's name): refused too, naming both ids.
        string d = Path.Combine(dir, "d.h5");
        FeatureStoreWriter.Write(d, header, songs.Select(x => x with { SongId = "other/" + x.SongId }).ToArray(), i => features[i]);
        string sameFile = Assert.Throws<FeatureStoreException>(() => FeatureStoreMerger.Merge([a, d], Path.Combine(dir, "m.h5"))).Message;
        Assert.Contains("song 'other/song-0' comes from /audio/é0.wav, which", sameFile);
        Assert.Contains("also holds as song 'song-0'", sameFile);
        Assert.Throws<ArgumentException>(() => FeatureStoreMerger.Merge([a], a));
        Assert.False(File.Exists(Path.Combine(dir, "m.h5")));
    }

    [Fact]
    public void StoresThatDifferOnlyInTheirCopies_AreReadAsOne_WithTheUnionOfCopies()
    {
        // A store preprocessed with --copies clip and one without (e.g. new songs added later) hold different songs,
        // not different features: they train together, and a merge records every kind of copy it holds.
        var plain = StoreFixtures.Header();
        var clip = plain with { PresetParameters = new Dictionary<string, object>(plain.PresetParameters) { [FeatureStoreLayout.CopiesParameter] = "clip" } };
        var (songs, features) = StoreFixtures.Songs(plain, 9, 2, 1, 3);
        string dir = SharedData.NewTempDir();
        string a = Path.Combine(dir, "a.h5"), b = Path.Combine(dir, "b.h5"), merged = Path.Combine(dir, "m.h5");
        FeatureStoreWriter.Write(a, plain, [songs[0]], i => features[i]);
        FeatureStoreWriter.Write(b, clip, [songs[1] with { FirstSegment = 0 }, songs[2] with { FirstSegment = 1 }], i => features[1 + i]);

        using (var set = FeatureStoreSet.Open([a, b]))
        {
            Assert.Equal(3, set.Songs.Count);
            Assert.Equal("clip", set.Header.PresetParameters[FeatureStoreLayout.CopiesParameter]);
            Assert.Equal(plain.PresetParameters.Count + 1, set.Header.PresetParameters.Count);
        }
        FeatureStoreMerger.Merge([a, b], merged);
        using var m = FeatureStoreReader.Open(merged);
        Assert.Equal("clip", m.Header.PresetParameters[FeatureStoreLayout.CopiesParameter]);

        // Any other preset parameter still has to agree.
        string c = Path.Combine(dir, "c.h5");
        var other = clip with { PresetParameters = new Dictionary<string, object>(clip.PresetParameters) { ["n_fft"] = 1024 } };
        FeatureStoreWriter.Write(c, other, [songs[0] with { SongId = "song-x" }], i => features[0]);
        Assert.Contains("n_fft 1024 vs ", Assert.Throws<FeatureStoreException>(() => FeatureStoreSet.Open([a, c])).Message);
    }
}
