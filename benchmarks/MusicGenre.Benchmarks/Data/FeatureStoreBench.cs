using BenchmarkDotNet.Attributes;
using MusicGenre.Data.FeatureStore;

namespace MusicGenre.Benchmarks.Data;

/// <summary>
/// Feature store I/O at the real segment shape (librosa_default, 3 s: 128 × 130 floats = 66.5 kB per segment, one per
/// chunk): writing a store, and the random segment reads training batches make, in stores of <see cref="Songs"/> songs.
/// <see cref="Compressed"/> = true is the shuffle + deflate layout of builds up to c27513a (2026-12-06), whose fixed-array chunk
/// index PureHDF decodes whole on every read; false is today's unfiltered layout (implicit index).
/// </summary>
[MemoryDiagnoser]
[InProcessShortRun]
public class FeatureStoreBench
{
    private const int SegmentsPerSong = 10, Mels = 128, Frames = 130, RandomReads = 64;

    /// <summary>Songs in the store (10 segments each): the per-read cost of the compressed layout grows with it.</summary>
    [Params(20, 400)]
    public int Songs { get; set; }

    /// <summary>The layout of builds up to c27513a, 2026-12-06 (shuffle + deflate), rather than today's.</summary>
    [Params(false, true)]
    public bool Compressed { get; set; }

    private string _dir = "", _store = "";
    private FeatureStoreHeader _header = null!;
    private StoreSong[] _songs = [];
    private float[][] _features = [];
    private FeatureStoreReader _reader = null!;
    private int[] _order = [];
    private readonly float[] _segment = new float[Mels * Frames];

    [GlobalSetup]
    public void Setup()
    {
        // Log-mel-like values: dB in [-80, 0], smooth along frames (so deflate sees realistic, not random, data).
        var random = new Random(42);
        _header = new FeatureStoreHeader(["a", "b"], Mels, Frames, 22050, 3.0, "bench", new Dictionary<string, object>());
        _songs = Enumerable.Range(0, Songs).Select(i => new StoreSong($"s{i}", $"/x/{i}.wav", "", i % 2, i * SegmentsPerSong, SegmentsPerSong)).ToArray();
        _features = new float[Songs][];
        for (int s = 0; s < Songs; s++)
        {
            var f = _features[s] = new float[SegmentsPerSong * Mels * Frames];
            for (int i = 0; i < f.Length; i++)
                f[i] = i % Frames == 0 ? -80 * (float)random.NextDouble() : Math.Clamp(f[i - 1] + (float)(random.NextDouble() - 0.5) * 4, -80, 0);
        }
        _dir = Path.Combine(Path.GetTempPath(), $"mg-bench-{Guid.NewGuid():N}");
        Directory.CreateDirectory(_dir);
        _store = Path.Combine(_dir, "read.h5");
        FeatureStoreWriter.Write(_store, _header, _songs, i => _features[i], FeatureStoreWriter.DefaultChunkCacheCapacity, Compressed);
        _reader = FeatureStoreReader.Open(_store);
        _order = Enumerable.Range(0, RandomReads).Select(_ => random.Next(Songs * SegmentsPerSong)).ToArray();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _reader.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    /// <summary>Writes the store's segments (Songs × 10 × 66.5 kB of float32) to a new store.</summary>
    [Benchmark]
    public void WriteStore() =>
        FeatureStoreWriter.Write(Path.Combine(_dir, "write.h5"), _header, _songs, i => _features[i], FeatureStoreWriter.DefaultChunkCacheCapacity, Compressed);

    /// <summary>One random segment read (as a shuffled training batch does), averaged over 64 reads.</summary>
    [Benchmark(OperationsPerInvoke = RandomReads)]
    public void ReadRandomSegment()
    {
        foreach (int g in _order) _reader.ReadSegment(g, _segment);
    }

    /// <summary>All 10 segments of one song (song-level evaluation).</summary>
    [Benchmark]
    public float[] ReadSong() => _reader.ReadSong(7);
}
