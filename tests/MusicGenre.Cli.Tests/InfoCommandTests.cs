using MusicGenre.Data.FeatureStore;
using System.Text.Json;

namespace MusicGenre.Cli.Tests;

public sealed class InfoCommandTests
{
    /// <summary><c>info</c> tells the bundled model's recipe, input and history as text and JSON, from the file alone.</summary>
    [Fact]
    public void TheBundledModel_IsDescribed_AsTextAndJson()
    {
        string model = Path.Combine(SharedData.RepoRoot, "models", "default.h5");
        var text = CliRunner.Run("info", model);
        Assert.True(text.Code == 0, text.Err);
        Assert.Contains("kind              model", text.Out);
        Assert.Contains("input             log-mel, 128 bands", text.Out);
        Assert.Contains("band limit hz     7600", text.Out);
        Assert.Contains("genres            blues, classical, country, disco, hiphop, jazz, metal, pop, reggae, rock", text.Out);
        Assert.Matches(@"\n\s+20\s+0\.\d{4}\s+0\.\d{4}\s+–\s+–\s+0\.0000\d+", text.Out); // the 20th epoch's row: losses, accuracies, learning rate

        var json = CliRunner.Run("info", model, "--json");
        Assert.True(json.Code == 0, json.Err);
        using var doc = JsonDocument.Parse(json.Out);
        var root = doc.RootElement;
        Assert.Equal("default", root.GetProperty("architecture").GetString());
        Assert.Equal(16, root.GetProperty("hyper_parameters").GetProperty("width").GetDouble());
        Assert.Equal(20, root.GetProperty("history").GetArrayLength());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("history")[0].GetProperty("val_loss").ValueKind); // trained without validation
        var parameters = Nn.ModelFile.ModelFileReader.Read(model).Parameters.Sum(p => (long)p.Data.Length);
        Assert.Equal(parameters, root.GetProperty("parameters").GetInt64());
    }

    /// <summary>A <c>features</c> file: its datasets' shapes and its attributes (preset and provenance).</summary>
    [Fact]
    public void AFeaturesFile_IsDescribed()
    {
        string dir = SharedData.NewTempDir("musicgenre-info-features"), file = Path.Combine(dir, "f.h5");
        string song = Path.Combine(SharedData.RepoRoot, "examples", "audio", "metal-riff.wav");
        Assert.Equal(0, CliRunner.Run("features", song, "--duration", "5", "--out", file).Code);
        var r = CliRunner.Run("info", file, "--json");
        Assert.True(r.Code == 0, r.Err);
        using var doc = JsonDocument.Parse(r.Out);
        var root = doc.RootElement;
        Assert.Equal("features of one file", root.GetProperty("kind").GetString());
        Assert.Equal([128, 216], root.GetProperty("logmel").EnumerateArray().Select(e => e.GetInt32()));
        Assert.Equal(1e-10, root.GetProperty("amin").GetDouble(), 15);
        Assert.Equal(song, root.GetProperty("source_path").GetString());
        Assert.Contains("amin                1E-10", CliRunner.Run("info", file).Out); // text: one column of names, values after
        // It holds no checksums: --verify says so (usage error) rather than passing without checking anything.
        var verify = CliRunner.Run("info", file, "--verify");
        Assert.Equal(2, verify.Code);
        Assert.Contains("is a features file (features --out), which holds no checksums", verify.Err);
    }

    [Fact]
    public void OtherFiles_AreRefusedNamingTheFile()
    {
        string dir = SharedData.NewTempDir("musicgenre-info");
        string text = Path.Combine(dir, "notes.h5");
        File.WriteAllText(text, "not hdf5");
        var r = CliRunner.Run("info", text);
        Assert.Equal(1, r.Code);
        Assert.Contains("notes.h5: not a readable HDF5 file", r.Err);
        Assert.Equal(2, CliRunner.Run("info", Path.Combine(dir, "missing.h5")).Code);
        Assert.Equal(2, CliRunner.Run("info", dir).Code);
    }

    /// <summary>A store made by preprocess: songs, copies and segments per genre, and its preset.</summary>
    [SharedFact]
    public void AFeatureStore_IsDescribedPerGenre()
    {
        string dir = SharedData.NewTempDir("musicgenre-info-store"), store = TrainCommandTests.BluesAndMetalStore(dir, songsPerGenre: 2);
        var r = CliRunner.Run("info", store, "--json");
        Assert.True(r.Code == 0, r.Err);
        using var doc = JsonDocument.Parse(r.Out);
        var root = doc.RootElement;
        Assert.Equal("feature store", root.GetProperty("kind").GetString());
        Assert.Equal(4, root.GetProperty("songs").GetInt32());
        Assert.Equal("librosa_default", root.GetProperty("feature_preset").GetString());
        var blues = root.GetProperty("genres")[0];
        Assert.Equal(("blues", 2, 20), (blues.GetProperty("genre").GetString(), blues.GetProperty("songs").GetInt32(), blues.GetProperty("segments").GetInt32()));
    }

    /// <summary>
    /// <c>info --verify</c> reads every segment of a store against its CRC-32: an intact store says so; a store with two
    /// flipped bits (values still finite) fails with exit code 1, naming the file and both damaged segments and their
    /// songs. Without --verify the store is described as before (the index is intact).
    /// </summary>
    [Fact]
    public void Verify_ReadsEverySegment_AndListsTheDamagedOnes()
    {
        var header = new FeatureStoreHeader(["blues", "metal"], 4, 5, 22050, 3.0, "librosa_default", new Dictionary<string, object>());
        var random = new Random(3);
        var songs = Enumerable.Range(0, 3).Select(i => new StoreSong($"s{i}", $"/a/{i}.wav", "", i % 2, 2 * i, 2)).ToArray();
        var features = songs.Select(_ => Enumerable.Range(0, 2 * header.SegmentLength).Select(_ => (float)(random.NextDouble() * -80)).ToArray()).ToArray();
        string dir = SharedData.NewTempDir("musicgenre-info-verify"), store = Path.Combine(dir, "f.h5");
        FeatureStoreWriter.Write(store, header, songs, i => features[i]);

        var ok = CliRunner.Run("info", store, "--verify");
        Assert.True(ok.Code == 0, ok.Err);
        Assert.Matches(@"(?m)^verified +all 6 segments match their checksums$", ok.Out);
        Assert.Matches(@"(?m)^checksums +CRC-32 per segment$", ok.Out);

        var bytes = File.ReadAllBytes(store);
        foreach (var (song, k) in new[] { (0, 3), (2, header.SegmentLength + 1) }) // segment 0 (song s0), segment 5 (song s2)
        {
            var needle = BitConverter.GetBytes(features[song][k]);
            int at = bytes.AsSpan().IndexOf(needle);
            Assert.True(at >= 0 && bytes.AsSpan(at + 1).IndexOf(needle) < 0, "the value's bytes occur exactly once in the file");
            bytes[at] ^= 1;
        }
        File.WriteAllBytes(store, bytes);

        Assert.Equal(0, CliRunner.Run("info", store).Code);
        var bad = CliRunner.Run("info", store, "--verify");
        Assert.Equal(1, bad.Code);
        Assert.Contains($"{store}: 2 of 6 segments are damaged:", bad.Err);
        Assert.Contains("  segment 0 (song 's0') does not match its checksum", bad.Err);
        Assert.Contains("  segment 5 (song 's2') does not match its checksum", bad.Err);
        Assert.DoesNotContain("segment 2 ", bad.Err);

        // A song longer than one read (InfoCommand.VerifyPiece segments): each piece is checked, the damage named in every one.
        int length = 300;
        var longSong = new[] { new StoreSong("long", "/a/long.wav", "", 0, 0, length) };
        var longFeatures = Enumerable.Range(0, length * header.SegmentLength).Select(i => (float)(-(i % 9973) * 0.01 - 0.5)).ToArray();
        string longStore = Path.Combine(dir, "long.h5");
        FeatureStoreWriter.Write(longStore, header, longSong, _ => longFeatures);
        Assert.Equal(0, CliRunner.Run("info", longStore, "--verify").Code);
        var longBytes = File.ReadAllBytes(longStore);
        foreach (int segment in new[] { 0, MusicGenre.Cli.Commands.InfoCommand.VerifyPiece + 1, length - 1 })
        {
            var needle = BitConverter.GetBytes(longFeatures[segment * header.SegmentLength + 7]);
            int at = longBytes.AsSpan().IndexOf(needle);
            Assert.True(at >= 0 && longBytes.AsSpan(at + 1).IndexOf(needle) < 0, $"segment {segment}'s value occurs exactly once");
            longBytes[at] ^= 1;
        }
        File.WriteAllBytes(longStore, longBytes);
        var longBad = CliRunner.Run("info", longStore, "--verify");
        Assert.Equal(1, longBad.Code);
        Assert.Contains($"{longStore}: 3 of 300 segments are damaged:", longBad.Err);
        foreach (int segment in new[] { 0, 129, 299 }) Assert.Contains($"  segment {segment} (song 'long') does not match its checksum", longBad.Err);

        // A store of a build before the checksums: --verify still reads every segment (only non-finite values show damage).
        string old = Path.Combine(dir, "old.h5");
        FeatureStoreWriter.Write(old, header, songs, i => features[i], FeatureStoreWriter.DefaultChunkCacheCapacity, legacyCompressed: true);
        var legacy = CliRunner.Run("info", old, "--verify");
        Assert.True(legacy.Code == 0, legacy.Err);
        Assert.Matches(@"(?m)^checksums +none \(made by a build up to ce7d069, 2026-12-07: only non-finite values show damage\)$", legacy.Out);
        Assert.Matches(@"(?m)^verified +all 6 segments read and are finite \(the store has no checksums\)$", legacy.Out);
    }
}
