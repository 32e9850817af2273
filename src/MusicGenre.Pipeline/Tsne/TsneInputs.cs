using MusicGenre.Data.FeatureStore;
using MusicGenre.Nn.ModelFile;

namespace MusicGenre.Pipeline.Tsne;

/// <summary>The points <c>musicgenre tsne</c> embeds, read from a feature store: one per song or one per segment.</summary>
internal static class TsneInputs
{
    /// <summary>
    /// One point per song: per mel band, the mean of its log-mel over all segments and frames, then each band's standard
    /// deviation (2 × mels values). Each segment is level-normalised with <paramref name="level"/> first.
    /// </summary>
    public static (float[][] Points, int[] Labels, string[] Ids) Songs(FeatureStoreReader store, LevelNormalization level)
    {
        int mels = store.Header.Mels, frames = store.Header.Frames;
        var points = new float[store.Songs.Count][];
        for (int s = 0; s < store.Songs.Count; s++)
        {
            float[] x = store.ReadSong(s);
            LevelNormalizer.Apply(level, 0, x, 1, mels, frames);
            // Rows are (segment, mel) pairs of `frames` values: row r belongs to band r % mels.
            int rows = store.Songs[s].SegmentCount * mels;
            var sum = new double[mels];
            var sumSquares = new double[mels];
            for (int r = 0; r < rows; r++)
                foreach (float v in x.AsSpan(r * frames, frames)) { sum[r % mels] += v; sumSquares[r % mels] += (double)v * v; }
            double n = (double)store.Songs[s].SegmentCount * frames;
            points[s] = new float[2 * mels];
            for (int m = 0; m < mels; m++)
            {
                double mean = sum[m] / n;
                points[s][m] = (float)mean;
                points[s][mels + m] = (float)Math.Sqrt(Math.Max(0, sumSquares[m] / n - mean * mean));
            }
        }
        return (points, store.Songs.Select(s => s.Label).ToArray(), store.Songs.Select(s => s.SongId).ToArray());
    }

    /// <summary>One point per segment: its whole flattened log-mel, level-normalised with <paramref name="level"/>; ids are <c>song#k</c>.</summary>
    public static (float[][] Points, int[] Labels, string[] Ids) Segments(FeatureStoreReader store, LevelNormalization level)
    {
        var points = new float[store.SegmentCount][];
        var ids = new string[points.Length];
        for (int i = 0; i < points.Length; i++)
        {
            points[i] = new float[store.Header.SegmentLength];
            store.ReadSegment(i, points[i]);
            LevelNormalizer.Apply(level, 0, points[i], 1, store.Header.Mels, store.Header.Frames);
            var song = store.Songs[store.SegmentSong[i]];
            ids[i] = $"{song.SongId}#{i - song.FirstSegment}";
        }
        return (points, store.Labels.ToArray(), ids);
    }
}
