namespace MusicGenre.Features;

/// <summary>Mel scales and the mel filterbank exactly as librosa 0.10.2 (<c>librosa.filters.mel</c>).</summary>
internal static class MelFilterbank
{
    private const double SlaneyHzPerMel = 200.0 / 3;
    private const double SlaneyMinLogHz = 1000.0;
    private const double SlaneyMinLogMel = SlaneyMinLogHz / SlaneyHzPerMel;
    private static readonly double SlaneyLogStep = Math.Log(6.4) / 27.0;

    /// <summary>Hz → mel (<c>librosa.hz_to_mel</c>).</summary>
    public static double HzToMel(double hz, MelScale scale) => scale switch
    {
        MelScale.Htk => 2595.0 * Math.Log10(1.0 + hz / 700.0),
        _ => hz >= SlaneyMinLogHz ? SlaneyMinLogMel + Math.Log(hz / SlaneyMinLogHz) / SlaneyLogStep : hz / SlaneyHzPerMel,
    };

    /// <summary>Mel → Hz (<c>librosa.mel_to_hz</c>).</summary>
    public static double MelToHz(double mel, MelScale scale) => scale switch
    {
        MelScale.Htk => 700.0 * (Math.Pow(10.0, mel / 2595.0) - 1.0),
        _ => mel >= SlaneyMinLogMel ? SlaneyMinLogHz * Math.Exp(SlaneyLogStep * (mel - SlaneyMinLogMel)) : SlaneyHzPerMel * mel,
    };

    /// <summary><paramref name="count"/> frequencies evenly spaced in mel between fmin and fmax (<c>librosa.mel_frequencies</c>).</summary>
    public static double[] MelFrequencies(int count, double fMin, double fMax, MelScale scale)
    {
        double lo = HzToMel(fMin, scale), hi = HzToMel(fMax, scale);
        var f = new double[count];
        for (int i = 0; i < count; i++)
        {
            // numpy linspace: lo + i·step, with the last point exactly hi.
            double mel = count == 1 ? lo : i == count - 1 ? hi : lo + i * ((hi - lo) / (count - 1));
            f[i] = MelToHz(mel, scale);
        }

        return f;
    }

    /// <summary>Centre frequency of each rFFT bin, k·sr/n_fft for k = 0..n_fft/2 (<c>librosa.fft_frequencies</c>).</summary>
    public static double[] FftFrequencies(int sampleRate, int nFft)
    {
        var f = new double[nFft / 2 + 1];
        for (int k = 0; k < f.Length; k++)
            f[k] = k * (double)sampleRate / nFft;
        return f;
    }

    /// <summary>
    /// The filterbank [n_mels, 1 + n_fft/2], row-major float32, as librosa builds it: triangles in float64 stored into
    /// float32, then (Slaney norm) multiplied in float64 by 2/(f[i+2] − f[i]) and stored again.
    /// </summary>
    public static float[] Create(FeatureOptions options)
    {
        options.Validate();
        int nMels = options.NMels, bins = options.BinCount;
        double[] fft = FftFrequencies(options.SampleRate, options.NFft);
        double[] mel = MelFrequencies(nMels + 2, options.FMin, options.EffectiveFMax, options.MelScale);
        var weights = new float[nMels * bins];
        for (int i = 0; i < nMels; i++)
        {
            // 1. Rising slope (f − f[i])/(f[i+1] − f[i]) and falling slope (f[i+2] − f)/(f[i+2] − f[i+1]), clipped at 0.
            double lowerWidth = mel[i + 1] - mel[i], upperWidth = mel[i + 2] - mel[i + 1];
            double norm = options.MelNorm == MelNorm.Slaney ? 2.0 / (mel[i + 2] - mel[i]) : 1.0;
            for (int k = 0; k < bins; k++)
            {
                double lower = -(mel[i] - fft[k]) / lowerWidth;
                double upper = (mel[i + 2] - fft[k]) / upperWidth;
                float tri = (float)Math.Max(0.0, Math.Min(lower, upper));

                // 2. Area normalisation (librosa multiplies the float32 row by a float64 factor).
                weights[i * bins + k] = options.MelNorm == MelNorm.Slaney ? (float)(tri * norm) : tri;
            }
        }

        return weights;
    }
}
