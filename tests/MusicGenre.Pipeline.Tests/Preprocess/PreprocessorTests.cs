using MusicGenre.Data.Datasets;
using MusicGenre.Data.FeatureStore;
using MusicGenre.Pipeline.Preprocess;

namespace MusicGenre.Pipeline.Tests.Preprocess;

public sealed class PreprocessorTests
{
    [Fact]
    public async Task Run_SegmentsPadsSkipsAndWritesTheStore()
    {
        var fx = new PreprocessFixture(("rock", "long", 3.6), ("rock", "exact", 2.0), ("jazz", "short", 0.7), ("jazz", "tiny", 0.3), ("blues", "one", 1.2));
        File.WriteAllText(Path.Combine(fx.Input, "blues", "broken.wav"), "this is not a wav file");
        var options = fx.Options();

        var summary = await fx.Run(options);

        // The store: songs in dataset (path) order; 3 + 1 + 1 + 2 segments; labels from the folder names.
        Assert.Equal(options.Output, summary.StorePath);
        using var store = FeatureStoreReader.Open(options.Output);
        Assert.Equal(["blues/one", "jazz/short", "rock/exact", "rock/long"], store.Songs.Select(s => s.SongId));
        Assert.Equal([1, 1, 2, 3], store.Songs.Select(s => s.SegmentCount));
        Assert.Equal([0, 5, 9, 9, 9, 9, 9], store.Labels);
        Assert.Equal((3, 4, 8000, 1.0, "test8k"), (store.Header.Mels, store.Header.Frames, store.Header.SampleRate, store.Header.SegmentSeconds, store.Header.PresetName));
        Assert.Equal(2048, Convert.ToInt32(store.Header.PresetParameters["n_fft"]));
        Assert.Equal(GenreList.Gtzan.Names, store.Header.GenreNames);
        for (int s = 0; s < store.Songs.Count; s++)
            Close.Assert(FakeFeaturizer.Expected(fx.Samples[store.Songs[s].SongId], 8000, 4000), store.ReadSong(s), 0, 0, store.Songs[s].SongId);

        // The summary: counts per genre, padding, bad files with reasons; the spool is gone.
        Assert.Equal((6, 6, 0, 6, 7, 1), (summary.DatasetEntries, summary.ShardEntries, summary.Resumed, summary.Processed, summary.Segments, summary.PaddedSongs));
        Assert.Equal(new GenreCount("rock", 2, 5), summary.PerGenre[9]);
        Assert.Equal(new GenreCount("jazz", 1, 1), summary.PerGenre[5]);
        Assert.Equal(4, summary.SongsWritten);
        Assert.Equal(["blues/broken", "jazz/tiny"], summary.BadFiles.Select(b => b.SongId));
        Assert.Contains("too short: 0.3 s < 0.5 s", summary.BadFiles[1].Reason);
        Assert.Contains("broken.wav", summary.BadFiles[0].Reason);
        Assert.True(summary.ClipsPerSecond > 0);
        Assert.False(Directory.Exists(options.EffectiveSpoolDirectory));
    }

    /// <summary>
    /// Songs go from their spool parts to the store a piece at a time: with pieces of 2 segments, a song of 7 (4 pieces, the
    /// last shorter) and songs of 1–3 give the very bytes of the store written a whole song at a time.
    /// </summary>
    [Fact]
    public async Task Run_SongsLongerThanAPiece_GiveTheStoreOfWholeSongs_ByteForByte()
    {
        var fx = new PreprocessFixture(("rock", "long", 7.4), ("rock", "two", 2.0), ("jazz", "three", 3.1), ("blues", "one", 1.0));
        var whole = fx.Options("whole.h5", jobs: 1) with { StorePieceSegments = int.MaxValue };
        var pieces = fx.Options("pieces.h5", jobs: 1) with { StorePieceSegments = 2 };

        await fx.Run(whole);
        await fx.Run(pieces);

        Assert.Equal(File.ReadAllBytes(whole.Output), File.ReadAllBytes(pieces.Output));
        using var store = FeatureStoreReader.Open(pieces.Output);
        Assert.Equal([1, 3, 7, 2], store.Songs.Select(s => s.SegmentCount));
        for (int s = 0; s < store.Songs.Count; s++)
            Close.Assert(FakeFeaturizer.Expected(fx.Samples[store.Songs[s].SongId], 8000, 4000), store.ReadSong(s), 0, 0, store.Songs[s].SongId);
    }

    /// <summary>
    /// A song whose features cannot be moved from its spool part to the store fails the run naming the song and its audio
    /// file (the part's own name is a hash: "Could not find file '.../3f/3f09….part'" said nothing); a re-run redoes that
    /// song and completes.
    /// </summary>
    [Fact]
    public async Task Run_ASongThatCannotGoToTheStore_IsNamed_AndARerunCompletes()
    {
        var fx = new PreprocessFixture(("rock", "a", 2.0), ("rock", "b", 3.0), ("jazz", "c", 1.0));
        var options = fx.Options(jobs: 1);
        string songB = Path.Combine(fx.Input, "rock", "b.wav");
        string partB;
        using (var spool = new SpoolFolder(options.EffectiveSpoolDirectory)) partB = spool.PartPath("rock/b");
        // The part of b goes just before the store asks for it (as when it is lost or unreadable).
        var progress = new SyncProgress<PreprocessProgress>(p => { if (p.Stage == "merge" && p.LastPath == songB) File.Delete(partB); });

        var e = await Assert.ThrowsAnyAsync<IOException>(() => fx.Run(options, progress));

        Assert.StartsWith($"{options.Output}: writing song 'rock/b' ({songB}) failed: ", e.Message);
        Assert.Contains(partB, e.Message);
        Assert.False(File.Exists(options.Output));
        var summary = await fx.Run(options);
        Assert.Equal((3, 1), (summary.Resumed + summary.Processed, summary.Processed));
        using var store = FeatureStoreReader.Open(options.Output);
        Assert.Equal(["jazz/c", "rock/a", "rock/b"], store.Songs.Select(s => s.SongId));
    }

    [Fact]
    public async Task Run_ASongWithNoSignal_IsSkippedWithTheReason_NotStored()
    {
        // predict warns that the genre of silence means nothing; preprocess does not store it as a training example.
        var fx = new PreprocessFixture(("rock", "loud", 2.0), ("rock", "silent", 2.0), ("jazz", "dc", 1.5));
        TestAudio.WriteWav16(Path.Combine(fx.Input, "rock", "silent.wav"), new float[2 * PreprocessFixture.Rate], 1, PreprocessFixture.Rate);
        TestAudio.WriteWav16(Path.Combine(fx.Input, "jazz", "dc.wav"), Enumerable.Repeat(0.25f, 3 * PreprocessFixture.Rate / 2).ToArray(), 1, PreprocessFixture.Rate);
        var options = fx.Options();
        var summary = await fx.Run(options);
        using var store = FeatureStoreReader.Open(options.Output);
        Assert.Equal(["rock/loud"], store.Songs.Select(s => s.SongId));
        Assert.Equal(["jazz/dc", "rock/silent"], summary.BadFiles.Select(b => b.SongId));
        Assert.Contains("silent.wav: (almost) no signal (digital silence)", summary.BadFiles[1].Reason);
        Assert.Contains("dc.wav: (almost) no signal", summary.BadFiles[0].Reason);
        Assert.Contains("DC offset 0.25", summary.BadFiles[0].Reason);
    }

    [Fact]
    public async Task Run_WithCopies_ACopyIsKeptExactlyWhenItsOriginalIs()
    {
        // The copy is 6–12 dB louder: judged on its own level, a −85 dBFS song's copy would pass the −80 dBFS check and
        // train without its original. It is judged with its gain undone.
        var fx = new PreprocessFixture(("rock", "loud", 2.0), ("rock", "quiet", 2.0));
        var noise = new Random(4);
        var quiet = Enumerable.Range(0, 2 * PreprocessFixture.Rate).Select(_ => (float)((noise.NextDouble() - 0.5) * 2 * 1e-4)).ToArray(); // ≈ −85 dBFS RMS
        TestAudio.WriteWav16(Path.Combine(fx.Input, "rock", "quiet.wav"), quiet, 1, PreprocessFixture.Rate);
        var options = fx.Options() with { Copies = [SongCopy.Clip] };
        var summary = await fx.Run(options);
        using var store = FeatureStoreReader.Open(options.Output);
        Assert.Equal(["rock/loud", "rock/loud#clip"], store.Songs.Select(s => s.SongId));
        Assert.Equal(["rock/quiet", "rock/quiet#clip"], summary.BadFiles.Select(b => b.SongId).Order(StringComparer.Ordinal));
        Assert.All(summary.BadFiles, b => Assert.Contains("(almost) no signal", b.Reason));
    }

    /// <summary>
    /// A song whose own id reads as a copy's (a file or song_id ending in <c>#clip</c>) is refused before any work, with
    /// or without --copies: it would be counted, split and folded as a copy of another song. Other uses of '#' are fine.
    /// </summary>
    [Fact]
    public async Task Run_ASongIdThatReadsAsACopy_IsRefused()
    {
        foreach (var copies in new[] { Array.Empty<SongCopy>(), [SongCopy.Clip] })
        {
            var fx = new PreprocessFixture(("rock", "a", 2.0), ("rock", "a#clip", 2.0));
            var options = fx.Options() with { Copies = copies };
            var e = await Assert.ThrowsAsync<PreprocessException>(() => fx.Run(options));
            Assert.Contains("song id 'rock/a#clip'", e.Message);
            Assert.Contains("ends like the id of a --copies copy ('#clip')", e.Message);
            Assert.False(File.Exists(options.Output));
        }
        var ok = new PreprocessFixture(("rock", "a#2", 2.0));
        await ok.Run(ok.Options() with { Copies = [SongCopy.Clip] });
        using var store = FeatureStoreReader.Open(ok.Options().Output);
        Assert.Equal(["rock/a#2", "rock/a#2#clip"], store.Songs.Select(s => s.SongId));
    }

    [Fact]
    public async Task Run_ANamedPipeInTheFolder_IsSkipped_NotWaitedOn()
    {
        var fx = new PreprocessFixture(("rock", "a", 2.0));
        string fifo = Path.Combine(fx.Input, "rock", "pipe.wav");
        using (var mk = System.Diagnostics.Process.Start("mkfifo", fifo)) mk.WaitForExit();
        var options = fx.Options();
        var run = fx.Run(options);
        bool returned = await Task.WhenAny(run, Task.Delay(TimeSpan.FromSeconds(60))) == run;
        if (!returned) using (File.OpenWrite(fifo)) { }
        Assert.True(returned, "preprocess waited on a named pipe");
        var summary = await run;
        Assert.Equal(["rock/pipe"], summary.BadFiles.Select(b => b.SongId));
        Assert.Contains("a pipe or device is not read", summary.BadFiles[0].Reason);
    }

    [Fact]
    public async Task Run_CancelledMidway_ResumesWithNothingLostOrDuplicated()
    {
        var songs = Enumerable.Range(0, 12).Select(i => (new[] { "rock", "jazz", "pop" }[i % 3], $"s{i:00}", 1.0 + 0.45 * i)).ToArray();
        var fx = new PreprocessFixture(songs);
        File.WriteAllText(Path.Combine(fx.Input, "pop", "bad.wav"), "garbage");

        // 1. The reference: one uninterrupted run.
        var reference = await fx.Run(fx.Options("ref.h5"));
        int referenceCalls = fx.Calls.Value;

        // 2. A run cancelled once 4 songs are done: no store, the finished parts stay in the spool.
        fx.Calls.Value = 0;
        var options = fx.Options("resumed.h5");
        using var cts = new CancellationTokenSource();
        var cancelAt4 = new SyncProgress<PreprocessProgress>(p => { if (p.Done >= 4) cts.Cancel(); });
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => fx.Run(options, cancelAt4, cts.Token));
        Assert.False(File.Exists(options.Output));
        int partsAfterCancel = Directory.GetFiles(options.EffectiveSpoolDirectory, "*.part", SearchOption.AllDirectories).Length;
        Assert.InRange(partsAfterCancel, 4, 12);

        // 3. A killed run would leave temp files and could leave a damaged part: both must be redone, not trusted.
        string stray = Path.Combine(options.EffectiveSpoolDirectory, "00", "dead.part.123.tmp");
        Directory.CreateDirectory(Path.GetDirectoryName(stray)!);
        File.WriteAllText(stray, "half a part");
        string damaged = Directory.GetFiles(options.EffectiveSpoolDirectory, "*.part", SearchOption.AllDirectories).First(f => new FileInfo(f).Length > 100);
        using (var s = File.OpenWrite(damaged)) s.SetLength(s.Length - 5);

        // 4. The re-run redoes only what is missing and yields the same store as the uninterrupted run.
        var resumed = await fx.Run(options);
        Assert.Equal(partsAfterCancel - 1, resumed.Resumed);
        Assert.Equal(13 - resumed.Resumed, resumed.Processed);
        Assert.Equal(reference.Segments, resumed.Segments);
        Assert.Equal(reference.PerGenre, resumed.PerGenre);
        Assert.Equal(reference.BadFiles, resumed.BadFiles);
        PreprocessFixture.AssertSameStore(reference.StorePath!, resumed.StorePath!);
        Assert.False(File.Exists(stray));
        Assert.InRange(fx.Calls.Value, referenceCalls, referenceCalls + 2 * 10);
    }

    [Fact]
    public async Task Run_AFileReplacedByOtherAudioOfTheSameNameSizeAndTime_IsRecomputed_NotTakenFromTheSpool()
    {
        // 1. A run that keeps its spool (as a killed run would leave it).
        var fx = new PreprocessFixture(("rock", "a", 2.5), ("jazz", "b", 1.5), ("pop", "c", 2.0));
        var options = fx.Options() with { KeepSpool = true };
        await fx.Run(options);

        // 2. rock/a is replaced by another recording of the same length, with the old modification time (cp -p).
        string path = Path.Combine(fx.Input, "rock", "a.wav");
        var time = File.GetLastWriteTimeUtc(path);
        long size = new FileInfo(path).Length;
        var replaced = TestAudio.WriteWav(path, 2.5, PreprocessFixture.Rate, seed: 999);
        File.SetLastWriteTimeUtc(path, time);
        Assert.Equal(size, new FileInfo(path).Length);

        // 3. The re-run redoes that song only, and the store holds the new recording's features.
        fx.Calls.Value = 0;
        var again = await fx.Run(options);
        Assert.Equal((2, 1), (again.Resumed, again.Processed));
        using var store = FeatureStoreReader.Open(options.Output);
        int s = store.Songs.Select(x => x.SongId).ToList().IndexOf("rock/a");
        Close.Assert(FakeFeaturizer.Expected(replaced, 8000, 4000), store.ReadSong(s), 0, 0, "rock/a");
    }

    [Fact]
    public async Task Run_SpoolFromOtherSettings_IsRefused()
    {
        var fx = new PreprocessFixture(("rock", "a", 2.5), ("jazz", "b", 1.5));
        var options = fx.Options() with { KeepSpool = true };
        await fx.Run(options);
        Assert.True(Directory.Exists(options.EffectiveSpoolDirectory));

        var e = await Assert.ThrowsAsync<PreprocessException>(() => fx.Run(options with { SegmentSeconds = 1.5 }));
        Assert.Contains("other settings", e.Message);
        Assert.Contains("segment_samples=12000", e.Message);

        // Same settings: everything is resumed, nothing recomputed.
        fx.Calls.Value = 0;
        var again = await fx.Run(options);
        Assert.Equal((2, 0, 0), (again.Resumed, again.Processed, fx.Calls.Value));
    }

    [Fact]
    public async Task Run_Shards_PartitionTheSongs()
    {
        var fx = new PreprocessFixture(Enumerable.Range(0, 9).Select(i => ("rock", $"r{i}", 1.0)).ToArray());
        var ids = new List<string>();
        int total = 0;
        for (int k = 0; k < 3; k++)
        {
            var summary = await fx.Run(fx.Options($"shard{k}.h5") with { Shard = new ShardSpec(k, 3) });
            total += summary.ShardEntries;
            Assert.False(Directory.Exists(fx.Options($"shard{k}.h5").EffectiveSpoolDirectory));
            if (summary.StorePath is null) { Assert.Equal(0, summary.ShardEntries); continue; }
            using var store = FeatureStoreReader.Open(summary.StorePath);
            Assert.All(store.Songs, s => Assert.Equal((ulong)k, ShardSpec.StableHash(s.SongId) % 3));
            ids.AddRange(store.Songs.Select(s => s.SongId));
        }
        Assert.Equal(9, total);
        Assert.Equal(Enumerable.Range(0, 9).Select(i => $"rock/r{i}"), ids.Order());
    }

    [Fact]
    public async Task Run_CsvManifestWithArtists()
    {
        var fx = new PreprocessFixture(("x", "a", 1.5), ("x", "b", 2.5));
        string csv = Path.Combine(fx.Root, "m.csv");
        File.WriteAllText(csv, "path,genre,song_id,artist\ngtzan/x/a.wav,disco,A1,\"Abba, The\"\ngtzan/x/b.wav,metal,B2,\n");

        var summary = await fx.Run(fx.Options() with { Input = csv });

        using var store = FeatureStoreReader.Open(summary.StorePath!);
        Assert.Equal([("A1", "Abba, The", 3), ("B2", "", 6)], store.Songs.Select(s => (s.SongId, s.Artist, s.Label)));
    }

    [Fact]
    public async Task Options_AllProblemsAtOnce()
    {
        var fx = new PreprocessFixture(("rock", "a", 1.0));
        var bad = fx.Options() with { ThreadCount = -1, SegmentSeconds = -1, Shard = new ShardSpec(3, 2), Features = fx.Options().Features with { NMels = 0 } };
        var e = await Assert.ThrowsAsync<PreprocessException>(() => fx.Run(bad));
        Assert.Contains("--threads -1 must be in 0..4096 (0 = one per core)", e.Message);
        (fx.Options() with { ThreadCount = 0 }).Validate(); // 0 = one per core, as in ClassifierOptions
        Assert.Contains("--segment -1", e.Message);
        Assert.Contains("--shard 3/2", e.Message);
        Assert.Contains("NMels", e.Message);
        await Assert.ThrowsAsync<PreprocessException>(() => fx.Run(fx.Options() with { Output = fx.Root }));
        await Assert.ThrowsAsync<FileNotFoundException>(() => fx.Run(fx.Options() with { Input = Path.Combine(fx.Root, "nope") }));
    }

    [Fact]
    public async Task Run_FeaturizerBug_SurfacesItsErrorNotACancellation()
    {
        var fx = new PreprocessFixture(Enumerable.Range(0, 6).Select(i => ("rock", $"r{i}", 1.0)).ToArray());
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            Preprocessor.RunAsync(fx.Options(), (_, _) => new ThrowingFeaturizer(), openAudio: null));
        Assert.Equal("featurizer bug", e.Message);
    }

    [Fact]
    public async Task Run_AWorkerThatFails_StopsTheRun_EvenWhenTheQueueIsFull()
    {
        // One worker, a queue of one: the producer waits for room the failed worker will never make (it hung here).
        var fx = new PreprocessFixture(Enumerable.Range(0, 8).Select(i => ("rock", $"r{i}", 1.0)).ToArray());
        var run = Preprocessor.RunAsync(fx.Options() with { ThreadCount = 1, QueueCapacity = 1 }, (_, _) => new ThrowingFeaturizer(), openAudio: null);
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => run.WaitAsync(TimeSpan.FromSeconds(60)));
        Assert.Equal("featurizer bug", e.Message);
    }

    /// <summary>
    /// Deleting a finished spool leaves nothing behind (the folder is renamed aside while still locked, then removed), and a
    /// later run takes a fresh spool of the same name.
    /// </summary>
    [Fact]
    public void SpoolFolder_Delete_LeavesNothing_AndTheNameIsFreeForTheNextRun()
    {
        string parent = SharedData.NewTempDir("musicgenre-spool-delete"), path = Path.Combine(parent, "out.h5.spool");
        var settings = new Dictionary<string, string> { ["preset"] = "x" };
        var first = new SpoolFolder(path);
        first.Prepare(settings);
        File.WriteAllText(first.PartPath("rock/a"), "part");
        first.Delete();
        Assert.Empty(Directory.EnumerateFileSystemEntries(parent));
        using var next = new SpoolFolder(path);
        next.Prepare(new Dictionary<string, string> { ["preset"] = "y" }); // fresh: no settings of the first run to clash with
        Assert.True(Directory.Exists(path));
    }

    [Fact]
    public async Task Run_ASpoolPartThatCannotBeWritten_StopsTheRun_AndIsNotRecordedAsABadSong()
    {
        var fx = new PreprocessFixture(("rock", "a", 1.5), ("rock", "b", 1.5), ("jazz", "c", 1.5));
        var options = fx.Options() with { ThreadCount = 1 };
        // A folder where song b's part must go: the rename into place fails as on a full disk or a vanished folder.
        string blocked;
        using (var spool = new SpoolFolder(options.EffectiveSpoolDirectory)) blocked = spool.PartPath("rock/b");
        Directory.CreateDirectory(blocked);

        var e = await Assert.ThrowsAsync<PreprocessException>(() => fx.Run(options));
        Assert.Contains($"cannot write the spool part {blocked}", e.Message);
        Assert.False(File.Exists(options.Output));

        // Once the spool can be written, a re-run computes b (it was not marked bad) and keeps what was done.
        Directory.Delete(blocked);
        var summary = await fx.Run(options);
        Assert.Empty(summary.BadFiles);
        using var store = FeatureStoreReader.Open(summary.StorePath!);
        Assert.Equal(["jazz/c", "rock/a", "rock/b"], store.Songs.Select(x => x.SongId).Order());
    }

    [Fact]
    public async Task Run_OnAnOutputAnotherRunIsWriting_IsRefused_AndTheFirstRunFinishesWhole()
    {
        var fx = new PreprocessFixture(Enumerable.Range(0, 4).Select(i => ("rock", $"r{i}", 1.0)).ToArray());
        var options = fx.Options() with { ThreadCount = 1, KeepSpool = true };
        using var gate = new SemaphoreSlim(0);
        var first = Task.Run(() => Preprocessor.RunAsync(options, (_, _) => new GatedFeaturizer(gate), openAudio: null));
        // Wait until the first run holds the spool (its worker is blocked on the gate), then start a second on the same --out.
        var spoolLock = Path.Combine(options.EffectiveSpoolDirectory, ".lock");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!File.Exists(spoolLock) && clock.Elapsed < TimeSpan.FromSeconds(30)) await Task.Delay(10);
        var e = await Assert.ThrowsAsync<PreprocessException>(() => fx.Run(options));
        Assert.Contains("is in use by another preprocess writing the same --out", e.Message);

        gate.Release(1000);
        var summary = await first.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(4, summary.Segments);
        Assert.Empty(summary.BadFiles);
        // The finished run let its (kept) spool go: the same command again resumes every song from it.
        Assert.Equal(4, (await fx.Run(options)).Resumed);
    }

    private sealed class GatedFeaturizer(SemaphoreSlim gate) : ISegmentFeaturizer
    {
        private readonly FakeFeaturizer _inner = new();

        public int Mels => _inner.Mels;

        public int Frames => _inner.Frames;

        public void Compute(ReadOnlySpan<float> segment, Span<float> destination)
        {
            gate.Wait();
            _inner.Compute(segment, destination);
        }
    }

    [Fact]
    public async Task Run_NeverHasMoreSongsOpenThanWorkers()
    {
        var fx = new PreprocessFixture(Enumerable.Range(0, 10).Select(i => ("rock", $"r{i}", 2.0)).ToArray());
        int open = 0, maxOpen = 0;
        IMonoAudioSource Open(string path, int rate)
        {
            int now = Interlocked.Increment(ref open);
            int seen;
            while ((seen = Volatile.Read(ref maxOpen)) < now && Interlocked.CompareExchange(ref maxOpen, now, seen) != seen) { }
            return new CountingSource(AudioFileSource.Open(path, rate), () => Interlocked.Decrement(ref open));
        }

        var summary = await Preprocessor.RunAsync(fx.Options() with { ThreadCount = 3, QueueCapacity = 1 }, (_, _) => new FakeFeaturizer(), Open);

        Assert.Equal(20, summary.Segments);
        Assert.InRange(maxOpen, 1, 3);
        Assert.Equal(0, open);
    }

    private sealed class CountingSource(IMonoAudioSource inner, Action onDispose) : IMonoAudioSource
    {
        public int SampleRate => inner.SampleRate;

        public int Read(Span<float> destination) => inner.Read(destination);

        public void Dispose()
        {
            inner.Dispose();
            onDispose();
        }
    }

    private sealed class ThrowingFeaturizer : ISegmentFeaturizer
    {
        public int Mels => 2;

        public int Frames => 2;

        public void Compute(ReadOnlySpan<float> segment, Span<float> destination) => throw new InvalidOperationException("featurizer bug");
    }

    [SharedFact]
    public async Task Run_RealGtzanClips_RealFrontEnd_TenLogMelSegmentsEach()
    {
        string root = SharedData.NewTempDir("musicgenre-pre");
        string csv = Path.Combine(root, "m.csv");
        string gtzan = Path.Combine(SharedData.DataDir, "gtzan-mini");
        File.WriteAllText(csv, $"path,genre\n{gtzan}/blues/blues.00000.wav,blues\n{gtzan}/metal/metal.00000.wav,metal\n");
        var options = new PreprocessOptions { Input = csv, Output = Path.Combine(root, "f.h5"), ThreadCount = 2 };

        var summary = await Preprocessor.RunAsync(options);

        Assert.Empty(summary.BadFiles);
        Assert.Equal(20, summary.Segments);
        using var store = FeatureStoreReader.Open(summary.StorePath!);
        Assert.Equal((128, 130, 22050, "librosa_default"), (store.Header.Mels, store.Header.Frames, store.Header.SampleRate, store.Header.PresetName));
        Assert.Equal([10, 10], store.Songs.Select(s => s.SegmentCount));

        // Segment k of a song is the log-mel of samples [k·66150, (k+1)·66150) of the decoded clip.
        float[] audio = MusicGenre.Audio.AudioFile.Load(Path.Combine(gtzan, "metal", "metal.00000.wav")).Samples;
        var extractor = new MusicGenre.Features.FeatureExtractor(MusicGenre.Features.FeaturePresets.LibrosaDefault);
        var segment = new float[128 * 130];
        foreach (int k in new[] { 0, 7, 9 })
        {
            float[] expected = extractor.Compute(MusicGenre.Features.FeatureKind.LogMel, audio.AsSpan(k * 66150, 66150));
            store.ReadSegment(10 + k, segment);
            Close.Assert(expected, segment, 0, 0, $"metal segment {k}");
        }
    }
}
