using MusicGenre.Nn.Initialization;
using MusicGenre.Nn.Training;

namespace MusicGenre.Nn.Tests.Training;

/// <summary>
/// Seeded synthetic "log-mel" segments: genre g raises mel bands [g·bandWidth, (g+1)·bandWidth) by 2 over Gaussian
/// noise, plus a per-song offset, so a small CNN can learn it but not trivially from the mean alone.
/// </summary>
internal static class SyntheticData
{
    public const int Mels = 16, Frames = 24, Genres = 4;

    public static IReadOnlyList<string> Labels { get; } = ["a", "b", "c", "d"];

    public static SegmentSet Create(int songsPerGenre = 6, int segmentsPerSong = 3, ulong seed = 7, int channels = 1,
        int mels = Mels, int frames = Frames)
    {
        var rng = new Rng(seed);
        int count = Genres * songsPerGenre * segmentsPerSong, len = channels * mels * frames, band = mels / Genres;
        var data = new float[count * len];
        var labels = new int[count];
        var songs = new string[count];
        int i = 0;
        for (int g = 0; g < Genres; g++)
            for (int s = 0; s < songsPerGenre; s++)
            {
                float songOffset = (float)rng.NextGaussian();
                for (int k = 0; k < segmentsPerSong; k++, i++)
                {
                    labels[i] = g;
                    songs[i] = $"song-{g}-{s}";
                    var seg = data.AsSpan(i * len, len);
                    for (int c = 0; c < channels; c++)
                        for (int m = 0; m < mels; m++)
                            for (int t = 0; t < frames; t++)
                                seg[(c * mels + m) * frames + t] = (float)(0.7 * rng.NextGaussian()) + songOffset - 40f
                                    + (m / band == g ? 2f : 0f);
                }
            }
        return new SegmentSet(data, count, channels, mels, frames, labels, songs);
    }

    /// <summary>Options for a tiny, fast <c>default</c> network on this data.</summary>
    public static TrainerOptions Options(int epochs = 4) => new()
    {
        Labels = Labels,
        HyperParameters = new Dictionary<string, double> { ["width"] = 4, ["blocks"] = 2, ["min_frames"] = 8 },
        Epochs = epochs,
        BatchSize = 8,
        LearningRate = 1e-2f,
        ThreadCount = 2,
        Seed = 99,
        ValidationFraction = 0.34,
        Augmentation = new AugmentationOptions { TimeShiftFrames = 3, GainDb = 2, FrequencyMasks = 1, FrequencyMaskWidth = 2, TimeMasks = 1, TimeMaskWidth = 4 },
    };
}
