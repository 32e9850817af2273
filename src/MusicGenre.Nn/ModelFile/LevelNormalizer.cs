namespace MusicGenre.Nn.ModelFile;

/// <summary>Applies a <see cref="LevelNormalization"/> to windows of log-mel values (dB).</summary>
internal static class LevelNormalizer
{
    /// <summary>The dB floor below a window's maximum: librosa's top_db of every preset preprocess accepts.</summary>
    public const float TopDb = 80f;

    /// <summary>
    /// Conditions <paramref name="windows"/>, <c>[n, channels, mels, frames]</c> row-major (one window = every value the
    /// network sees for one input), in place: 1. when <paramref name="keptBands"/> is below <paramref name="mels"/>, the
    /// bands from <paramref name="keptBands"/> up are set to the window's top_db floor (maximum of the kept bands − 80 dB),
    /// as if the audio had been low-passed — a model trained this way hears 16 kHz, 22 kHz and 44 kHz recordings alike;
    /// 2. with <see cref="LevelNormalization.WindowMax"/> the window's maximum is subtracted.
    /// </summary>
    public static void Apply(LevelNormalization mode, int keptBands, Span<float> windows, int channels, int mels, int frames)
    {
        bool limit = keptBands > 0 && keptBands < mels;
        if (mode == LevelNormalization.None && !limit || windows.IsEmpty) return;
        int windowLength = channels * mels * frames;
        if (windowLength < 1 || windows.Length % windowLength != 0)
            throw new ArgumentException($"windows: {windows.Length} values is not a multiple of the window length {channels}×{mels}×{frames}.", nameof(windows));
        int bands = limit ? keptBands : mels;
        for (int at = 0; at < windows.Length; at += windowLength)
        {
            var w = windows.Slice(at, windowLength);
            // 1. The maximum over the kept bands (inputs are finite: the feature code rejects NaN/∞ samples).
            float max = float.NegativeInfinity;
            for (int c = 0; c < channels; c++)
                foreach (float v in w.Slice(c * mels * frames, bands * frames)) max = Math.Max(max, v);
            // 2. Bands above the limit hold the floor a low-passed recording would show.
            if (limit)
                for (int c = 0; c < channels; c++)
                    w.Slice((c * mels + bands) * frames, (mels - bands) * frames).Fill(max - TopDb);
            // 3. Subtract the maximum: values become dB below the loudest kept bin of the window.
            if (mode == LevelNormalization.WindowMax)
                foreach (ref float v in w) v -= max;
        }
    }

    /// <summary>The name stored in model files.</summary>
    public static string FileName(LevelNormalization mode) => mode switch
    {
        LevelNormalization.WindowMax => "window_max",
        _ => "none",
    };

    /// <summary>Parses a stored name; false when unknown.</summary>
    public static bool TryParse(string text, out LevelNormalization mode)
    {
        switch (text)
        {
            case "window_max": mode = LevelNormalization.WindowMax; return true;
            case "none": mode = LevelNormalization.None; return true;
            default: mode = LevelNormalization.None; return false;
        }
    }
}
