namespace MusicGenre.Audio;

/// <summary>Interleaved multi-channel samples to mono, as every decoder path does it (librosa's <c>to_mono</c>: the mean).</summary>
internal static class Downmix
{
    /// <summary>
    /// <paramref name="mono"/>[i] = (Σ over channels, in channel order, of frame i) / <paramref name="channels"/>, in
    /// float32: the same additions and one division for every caller, so the decoders and
    /// <c>GenreClassifier.Predict(samples, rate, channels)</c> give bit-identical mono.
    /// </summary>
    public static void ToMono(ReadOnlySpan<float> interleaved, int channels, Span<float> mono)
    {
        int frames = mono.Length;
        if (channels == 1) { interleaved[..frames].CopyTo(mono); return; }
        float count = channels;
        for (int i = 0; i < frames; i++)
        {
            float s = 0;
            for (int c = 0; c < channels; c++) s += interleaved[i * channels + c];
            mono[i] = s / count;
        }
    }
}
