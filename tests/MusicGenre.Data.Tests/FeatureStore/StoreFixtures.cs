using MusicGenre.Data.FeatureStore;

namespace MusicGenre.Data.Tests.FeatureStore;

/// <summary>Seeded random feature stores for the store tests.</summary>
internal static class StoreFixtures
{
    public static FeatureStoreHeader Header(int mels = 6, int frames = 5) => new(
        ["blues", "jazz", "rock"], mels, frames, 22050, 3.0, "test_preset",
        new Dictionary<string, object> { ["n_fft"] = 2048, ["fmax"] = 11025.0, ["window"] = "hann", ["center"] = true, ["big"] = 1L << 40 });

    /// <summary>Songs with the given segment counts, labels cycling 0,1,2, and random features per song.</summary>
    public static (StoreSong[] Songs, float[][] Features) Songs(FeatureStoreHeader header, int seed, params int[] segmentCounts)
    {
        var random = new Random(seed);
        var songs = new StoreSong[segmentCounts.Length];
        var features = new float[segmentCounts.Length][];
        int first = 0;
        for (int i = 0; i < segmentCounts.Length; i++)
        {
            songs[i] = new StoreSong($"song-{i}", $"/audio/é{i}.wav", i % 2 == 0 ? "" : $"Artist {i}", i % 3, first, segmentCounts[i]);
            features[i] = new float[segmentCounts[i] * header.SegmentLength];
            for (int k = 0; k < features[i].Length; k++) features[i][k] = (float)(random.NextDouble() * 160 - 80);
            first += segmentCounts[i];
        }
        return (songs, features);
    }
}
