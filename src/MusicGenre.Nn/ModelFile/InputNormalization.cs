namespace MusicGenre.Nn.ModelFile;

/// <summary>
/// Input standardisation x' = (x − mean) / std computed on the training split and stored in the model, so prediction
/// applies exactly what training saw. <see cref="Mean"/> and <see cref="Std"/> have 1 value (<see cref="NormalizationMode.Global"/>),
/// <c>channels × mels</c> values (<see cref="NormalizationMode.PerMel"/>, channel-major) or none (<see cref="NormalizationMode.None"/>).
/// </summary>
internal sealed record InputNormalization(NormalizationMode Mode, float[] Mean, float[] Std)
{
    /// <summary>The identity normalisation.</summary>
    public static InputNormalization None { get; } = new(NormalizationMode.None, [], []);

    /// <summary>Number of statistics this mode needs for inputs of <paramref name="channels"/> × <paramref name="mels"/>.</summary>
    public static int StatCount(NormalizationMode mode, int channels, int mels) => mode switch
    {
        NormalizationMode.None => 0,
        NormalizationMode.Global => 1,
        _ => channels * mels,
    };

    /// <summary>The smallest std training records (a row with less spread gets 1): a model file's std below it is refused.</summary>
    public const float MinStd = 1e-6f;

    /// <summary>
    /// Computes the statistics over <paramref name="count"/> segments <c>[count, channels, mels, frames]</c> (in double,
    /// population std; a std below 1e-6 becomes 1 so constant bands pass through centred).
    /// </summary>
    public static InputNormalization Compute(NormalizationMode mode, ReadOnlySpan<float> segments, int count, int channels, int mels, int frames)
    {
        if (mode == NormalizationMode.None) return None;
        int rows = channels * mels;
        if (segments.Length != (long)count * rows * frames)
            throw new ArgumentException($"segments: {segments.Length} values for [{count}, {channels}, {mels}, {frames}].", nameof(segments));
        if (count == 0) throw new ArgumentException("segments: no training segments to compute normalisation statistics from.", nameof(segments));
        // 1. Per-row sums over segments and frames (row = channel·mels + mel).
        var sum = new double[rows];
        var sq = new double[rows];
        for (int n = 0; n < count; n++)
            for (int r = 0; r < rows; r++)
            {
                var row = segments.Slice((n * rows + r) * frames, frames);
                double s = 0, q = 0;
                foreach (float v in row) { s += v; q += (double)v * v; }
                sum[r] += s; sq[r] += q;
            }
        return FromSums(mode, sum, sq, (long)count * frames);
    }

    /// <summary>
    /// Statistics from per-row sums <paramref name="sum"/> and sums of squares <paramref name="sumSquares"/> (row =
    /// channel·mels + mel), each over <paramref name="valuesPerRow"/> values; rows are pooled for the global mode.
    /// </summary>
    public static InputNormalization FromSums(NormalizationMode mode, double[] sum, double[] sumSquares, long valuesPerRow)
    {
        if (mode == NormalizationMode.None) return None;
        if (mode == NormalizationMode.Global)
        {
            valuesPerRow *= sum.Length;
            sum = [sum.Sum()]; sumSquares = [sumSquares.Sum()];
        }
        var mean = new float[sum.Length];
        var std = new float[sum.Length];
        for (int i = 0; i < sum.Length; i++)
        {
            double m = sum[i] / valuesPerRow, v = Math.Max(sumSquares[i] / valuesPerRow - m * m, 0);
            double s = Math.Sqrt(v);
            mean[i] = (float)m;
            std[i] = s < 1e-6 ? 1f : (float)s; // ≥ MinStd after rounding to float
        }
        return new InputNormalization(mode, mean, std);
    }

    /// <summary>Standardises <paramref name="segments"/> <c>[n, channels, mels, frames]</c> in place.</summary>
    public void Apply(Span<float> segments, int channels, int mels, int frames)
    {
        if (Mode == NormalizationMode.None) return;
        int rows = channels * mels;
        if (Mean.Length != StatCount(Mode, channels, mels))
            throw new ArgumentException($"Normalisation has {Mean.Length} statistics, inputs with {channels} channels × {mels} mels need {StatCount(Mode, channels, mels)}.");
        if (segments.Length % (rows * frames) != 0)
            throw new ArgumentException($"segments: {segments.Length} values is not a multiple of {channels}×{mels}×{frames}.", nameof(segments));
        int totalRows = segments.Length / frames;
        for (int r = 0; r < totalRows; r++)
        {
            int stat = Mode == NormalizationMode.Global ? 0 : r % rows;
            float m = Mean[stat], inv = 1f / Std[stat];
            var row = segments.Slice(r * frames, frames);
            for (int t = 0; t < row.Length; t++) row[t] = (row[t] - m) * inv;
        }
    }
}
