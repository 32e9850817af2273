using MusicGenre.Data.FeatureStore;
using MusicGenre.Nn.ModelFile;

namespace MusicGenre.Pipeline.Tsne;

/// <summary>
/// The points <c>musicgenre tsne</c> embeds, read from a feature store: one per song or one per segment. Altered copies
/// that <c>preprocess --copies</c> stored for training (<c>&lt;id&gt;#clip</c>) are not songs of the set and are left out.
/// </summary>
internal static class TsneInputs
{
    /// <summary>The songs of <paramref name="store"/> that are not altered copies, in store order.</summary>
    public static int[] OriginalSongs(FeatureStoreReader store) =>
        Enumerable.Range(0, store.Songs.Count).Where(s => !Preprocess.SongCopies.IsCopy(store.Songs[s].SongId)).ToArray();

    /// <summary>
    /// One point per song: per mel band, the mean of its log-mel over all segments and frames, then each band's standard
    /// deviation (2 × mels values). Each segment is level-normalised with <paramref name="level"/> first.
    /// </summary>
    public static (float[][] Points, int[] Labels, string[] Ids) Songs(FeatureStoreReader store, LevelNormalization level)
    {
        int mels = store.Header.Mels, frames = store.Header.Frames;
        int[] songs = OriginalSongs(store);
        var points = new float[songs.Length][];
        for (int i = 0; i < songs.Length; i++)
        {
            int s = songs[i];
            float[] x = store.ReadSong(s);
            LevelNormalizer.Apply(level, 0, x, 1, mels, frames);
            // Rows are (segment, mel) pairs of `frames` values: row r belongs to band r % mels.
            int rows = store.Songs[s].SegmentCount * mels;
            var sum = new double[mels];
            var sumSquares = new double[mels];
            for (int r = 0; r < rows; r++)
                foreach (float v in x.AsSpan(r * frames, frames)) { sum[r % mels] += v; sumSquares[r % mels] += (double)v * v; }
            double n = (double)store.Songs[s].SegmentCount * frames;
            points[i] = new float[2 * mels];
            for (int m = 0; m < mels; m++)
            {
                double mean = sum[m] / n;
                points[i][m] = (float)mean;
                points[i][mels + m] = (float)Math.Sqrt(Math.Max(0, sumSquares[m] / n - mean * mean));
            }
        }
        return (points, songs.Select(s => store.Songs[s].Label).ToArray(), songs.Select(s => store.Songs[s].SongId).ToArray());
    }

    /// <summary>
    /// What <paramref name="model"/> has learnt to see, as points: each segment's embedding
    /// (<see cref="Nn.Training.GenrePredictor.EmbedSegments"/>, the input of its output layer), one point per segment or
    /// per song (the mean of its segments'). The model applies its own level normalisation, band limit and MFCC step.
    /// </summary>
    /// <exception cref="InvalidDataException">The store does not match the model (genres, preset, bands).</exception>
    public static (float[][] Points, int[] Labels, string[] Ids) Learnt(FeatureStoreReader store, GenreModel model, bool perSegment, int threads)
    {
        Evaluation.Evaluator.CheckCompatible(model, store);
        using var predictor = new Nn.Training.GenrePredictor(model, threadCount: threads);
        int d = predictor.EmbeddingSize;
        var points = new List<float[]>();
        var labels = new List<int>();
        var ids = new List<string>();
        foreach (int s in OriginalSongs(store))
        {
            var song = store.Songs[s];
            float[] e = predictor.EmbedSegments(store.ReadSong(s), song.SegmentCount, store.Header.Frames);
            if (perSegment)
                for (int k = 0; k < song.SegmentCount; k++)
                {
                    points.Add(e.AsSpan(k * d, d).ToArray());
                    labels.Add(song.Label);
                    ids.Add($"{song.SongId}#{k}");
                }
            else
            {
                var mean = new Prediction.EmbeddingSum(d); // predict --embedding's mean, over every stored segment (a store keeps no audio to judge silence by)
                mean.Add(e);
                points.Add(mean.Mean()!);
                labels.Add(song.Label);
                ids.Add(song.SongId);
            }
        }
        return ([.. points], [.. labels], [.. ids]);
    }

    /// <summary>One point per segment: its whole flattened log-mel, level-normalised with <paramref name="level"/>; ids are <c>song#k</c>.</summary>
    public static (float[][] Points, int[] Labels, string[] Ids) Segments(FeatureStoreReader store, LevelNormalization level)
    {
        int[] segments = OriginalSongs(store).SelectMany(s => Enumerable.Range(store.Songs[s].FirstSegment, store.Songs[s].SegmentCount)).ToArray();
        var points = new float[segments.Length][];
        var ids = new string[points.Length];
        for (int i = 0; i < points.Length; i++)
        {
            int segment = segments[i];
            points[i] = new float[store.Header.SegmentLength];
            store.ReadSegment(segment, points[i]);
            LevelNormalizer.Apply(level, 0, points[i], 1, store.Header.Mels, store.Header.Frames);
            var song = store.Songs[store.SegmentSong[segment]];
            ids[i] = $"{song.SongId}#{segment - song.FirstSegment}";
        }
        return (points, segments.Select(segment => store.Labels[segment]).ToArray(), ids);
    }
}
